package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §4.8: bad input fails fast with a typed exception naming the value, writing nothing. */
class BadInputTest {
  @TempDir Path dir;

  private Walrus open() {
    return Walrus.builder().dataDir(dir).blockSize(4096).open();
  }

  private List<String> snapshot() throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Files.isRegularFile(p) && !p.getFileName().toString().equals("LOCK")) {
          out.add(dir.relativize(p) + ":" + Arrays.hashCode(Files.readAllBytes(p)));
        }
      }
    }
    out.sort(null);
    return out;
  }

  @Test
  void badTopicsAreRefusedByEveryOperationAndWriteNothing() throws Exception {
    try (Walrus w = open()) {
      w.appendForTopic("ok", new byte[] {1});
      w.sync();
      List<String> before = snapshot();
      String[] bad = {"", "a\0b", "x".repeat(256), "é".repeat(128), "bad\uD800surrogate"};
      for (String t : bad) {
        assertThatThrownBy(() -> w.appendForTopic(t, new byte[1]))
            .isInstanceOf(InvalidTopicException.class)
            .hasMessageContaining("invalid topic");
        assertThatThrownBy(() -> w.batchAppendForTopic(t, List.of(new byte[1])))
            .isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> w.readNext(t, true)).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> w.batchReadForTopic(t, 10, true))
            .isInstanceOf(InvalidTopicException.class);
      }
      assertThatThrownBy(() -> w.appendForTopic(null, new byte[1]))
          .isInstanceOf(InvalidTopicException.class)
          .hasMessageContaining("null");
      assertThat(w.topics()).containsExactly("ok");
      w.sync();
      assertThat(snapshot()).isEqualTo(before);
    }
  }

  @Test
  void longestValidTopicIsAccepted() {
    try (Walrus w = open()) {
      String t255 = "é".repeat(127) + "x"; // 255 UTF-8 bytes
      assertThat(w.appendForTopic(t255, new byte[] {7})).isZero();
      assertThat(w.readNext(t255, true).orElseThrow().data()).containsExactly(7);
    }
  }

  @Test
  void badPayloadsBatchesBudgetsAndConsumersAreRefused() throws Exception {
    try (Walrus w = open()) {
      w.appendForTopic("t", new byte[] {1});
      w.sync();
      List<String> before = snapshot();
      assertThatThrownBy(() -> w.appendForTopic("t", null))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("payload");
      assertThatThrownBy(() -> w.batchAppendForTopic("t", null))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("batch");
      List<byte[]> withNull = new ArrayList<>();
      withNull.add(new byte[1]);
      withNull.add(null);
      assertThatThrownBy(() -> w.batchAppendForTopic("t", withNull))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("batch entry 1");
      assertThatThrownBy(() -> w.batchReadForTopic("t", -5, true))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("-5");
      assertThatThrownBy(() -> w.readNext("t", "", true))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("consumer");
      assertThatThrownBy(() -> w.readNext("t", (String) null, true))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("null");
      assertThatThrownBy(() -> w.checkpoint("t", "c\0", 0))
          .isInstanceOf(InvalidArgumentException.class);
      assertThat(w.stats("t").orElseThrow().nextOffset()).isEqualTo(1);
      w.sync();
      assertThat(snapshot()).isEqualTo(before);
    }
  }

  @Test
  void badConfigurationIsRefusedNamingTheValue() {
    assertThatThrownBy(() -> ReadConsistency.atLeastOnce(0))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("0");
    assertThatThrownBy(() -> FsyncSchedule.milliseconds(-3))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("-3");
    assertThatThrownBy(() -> Walrus.builder().blockSize(1000))
        .isInstanceOf(InvalidArgumentException.class)
        .hasMessageContaining("1000");
    assertThatThrownBy(() -> Walrus.builder().blocksPerFile(0))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Walrus.builder().maxEntryBytes(-1))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Walrus.newForKey(null))
        .isInstanceOf(InvalidNamespaceKeyException.class);
  }
}
