package dev.walrus;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC §4.8: a refused call changes nothing, in memory or on disk. Every public method of
 * {@link Walrus} is called with bad input; afterwards the topics, their stats (cursor list
 * included), every file's bytes and what reclamation deletes are as before, and stay so
 * across a reopen.
 */
class RefusedCallsTest {
  private static final int MAX_ENTRY = 1000;

  @TempDir Path dir;

  private Walrus open() {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(2)
        .maxEntryBytes(MAX_ENTRY)
        .open();
  }

  private static byte[] payload(long i) {
    return ("entry-" + i + "-" + "y".repeat(60)).getBytes(UTF_8);
  }

  /** Everything a refused call could change that a user can see. */
  private record State(
      Set<String> topics, Map<String, TopicStats> stats, Map<String, String> files) {}

  private State state(Walrus w) {
    Map<String, TopicStats> stats = new TreeMap<>();
    for (String t : w.topics()) {
      stats.put(t, w.stats(t).orElseThrow());
    }
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        files.put(
            p.getFileName().toString(),
            HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return new State(w.topics(), stats, files);
  }

  private long dataFiles() {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("wal-.*\\.log")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void drain(Walrus w, String consumer) {
    while (!(consumer == null
            ? w.batchReadForTopic("t", 1 << 20, true)
            : w.batchReadForTopic("t", consumer, 1 << 20, true))
        .isEmpty()) {
      // consume everything
    }
  }

  static Stream<Arguments> refusedCalls() {
    List<byte[]> tooMany = new ArrayList<>();
    for (int i = 0; i <= Walrus.MAX_BATCH_ENTRIES; i++) {
      tooMany.add(new byte[] {1});
    }
    List<byte[]> nullInside = Arrays.asList(new byte[] {1}, null, new byte[] {2});
    List<byte[]> hugeInside = List.of(new byte[] {1}, new byte[MAX_ENTRY + 1]);
    String longName = "n".repeat(256);
    return Stream.of(
        call(
            "appendForTopic: empty topic",
            w -> w.appendForTopic("", new byte[] {1}),
            InvalidTopicException.class),
        call(
            "appendForTopic: null topic",
            w -> w.appendForTopic(null, new byte[] {1}),
            InvalidTopicException.class),
        call(
            "appendForTopic: NUL in topic",
            w -> w.appendForTopic("a\0b", new byte[] {1}),
            InvalidTopicException.class),
        call(
            "appendForTopic: topic over 255 bytes",
            w -> w.appendForTopic(longName, new byte[1]),
            InvalidTopicException.class),
        call(
            "appendForTopic: null payload (new topic)",
            w -> w.appendForTopic("new", null),
            InvalidArgumentException.class),
        call(
            "appendForTopic: null payload",
            w -> w.appendForTopic("t", null),
            InvalidArgumentException.class),
        call(
            "appendForTopic: payload too large (new topic)",
            w -> w.appendForTopic("new", new byte[MAX_ENTRY + 1]),
            EntryTooLargeException.class),
        call(
            "appendForTopic: payload too large",
            w -> w.appendForTopic("t", new byte[MAX_ENTRY + 1]),
            EntryTooLargeException.class),
        call(
            "batchAppendForTopic: null list",
            w -> w.batchAppendForTopic("t", null),
            InvalidArgumentException.class),
        call(
            "batchAppendForTopic: null entry",
            w -> w.batchAppendForTopic("new", nullInside),
            InvalidArgumentException.class),
        call(
            "batchAppendForTopic: entry too large",
            w -> w.batchAppendForTopic("t", hugeInside),
            EntryTooLargeException.class),
        call(
            "batchAppendForTopic: too many entries",
            w -> w.batchAppendForTopic("new", tooMany),
            BatchTooLargeException.class),
        call(
            "batchAppendForTopic: bad topic",
            w -> w.batchAppendForTopic("", List.of(new byte[1])),
            InvalidTopicException.class),
        call("readNext: bad topic", w -> w.readNext("", true), InvalidTopicException.class),
        call(
            "readNext: empty consumer",
            w -> w.readNext("t", "", true),
            InvalidArgumentException.class),
        call(
            "readNext: null consumer",
            w -> w.readNext("t", null, true),
            InvalidArgumentException.class),
        call(
            "readNext: NUL in consumer",
            w -> w.readNext("t", "a\0", true),
            InvalidArgumentException.class),
        call(
            "readNext: consumer over 255 bytes",
            w -> w.readNext("t", longName, false),
            InvalidArgumentException.class),
        call(
            "batchReadForTopic: negative budget (shared)",
            w -> w.batchReadForTopic("t", -1, true),
            InvalidArgumentException.class),
        call(
            "batchReadForTopic: negative budget (new consumer)",
            w -> w.batchReadForTopic("t", "ghost", -1, true),
            InvalidArgumentException.class),
        call(
            "batchReadForTopic: bad consumer",
            w -> w.batchReadForTopic("t", "", 10, true),
            InvalidArgumentException.class),
        call(
            "batchReadForTopic: bad topic",
            w -> w.batchReadForTopic("\0", "billing", 10, true),
            InvalidTopicException.class),
        call(
            "checkpoint: past the end (new consumer)",
            w -> w.checkpoint("t", "ghost", 99_999),
            InvalidArgumentException.class),
        call(
            "checkpoint: negative (new consumer)",
            w -> w.checkpoint("t", "ghost", -1),
            InvalidArgumentException.class),
        call(
            "checkpoint: below the first retained offset (new consumer)",
            w -> w.checkpoint("t", "ghost", w.stats("t").orElseThrow().firstOffset() - 1),
            InvalidArgumentException.class),
        call(
            "checkpoint: past the end (existing consumer)",
            w -> w.checkpoint("t", "billing", 99_999),
            InvalidArgumentException.class),
        call(
            "checkpoint: past the end (shared)",
            w -> w.checkpoint("t", 99_999),
            InvalidArgumentException.class),
        call(
            "checkpoint: past the end of a topic that does not exist",
            w -> w.checkpoint("new", "ghost", 5),
            InvalidArgumentException.class),
        call(
            "checkpoint: bad consumer",
            w -> w.checkpoint("t", "", 0),
            InvalidArgumentException.class),
        call("position: bad consumer", w -> w.position("t", ""), InvalidArgumentException.class),
        call("position: bad topic", w -> w.position("", "billing"), InvalidTopicException.class),
        call(
            "removeConsumer: the shared cursor's name",
            w -> w.removeConsumer("t", ""),
            InvalidArgumentException.class),
        call(
            "removeConsumer: null consumer",
            w -> w.removeConsumer("t", null),
            InvalidArgumentException.class),
        call(
            "removeConsumer: bad topic",
            w -> w.removeConsumer(null, "billing"),
            InvalidTopicException.class),
        call(
            "addAppendListener: null listener",
            w -> w.addAppendListener("t", null),
            InvalidArgumentException.class),
        call(
            "addAppendListener: bad topic",
            w -> w.addAppendListener("", (t, e) -> {}),
            InvalidTopicException.class),
        call("stats: bad topic", w -> w.stats(""), InvalidTopicException.class));
  }

  private static Arguments call(
      String name, Consumer<Walrus> call, Class<? extends WalrusException> type) {
    return Arguments.of(Named.of(name, call), type);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedCalls")
  void aRefusedCallChangesNothing(Consumer<Walrus> call, Class<? extends WalrusException> type) {
    State before;
    try (Walrus w = open()) {
      for (long i = 0; i < 400; i++) {
        w.appendForTopic("t", payload(i));
      }
      drain(w, null);
      drain(w, "billing");
      w.checkpoint("t", "billing", w.stats("t").orElseThrow().nextOffset() - 10);
      w.reclaim();
      assertThat(w.stats("t").orElseThrow().firstOffset()).isPositive();
      before = state(w);

      assertThatThrownBy(() -> call.accept(w)).isInstanceOf(type);

      w.reclaim();
      assertThat(state(w)).isEqualTo(before);
    }
    try (Walrus w = open()) {
      assertThat(state(w).topics()).isEqualTo(before.topics());
      assertThat(state(w).stats()).isEqualTo(before.stats());
      // reclamation is held back by no cursor the refused call could have left behind
      for (long i = 400; i < 800; i++) {
        w.appendForTopic("t", payload(i));
      }
      drain(w, null);
      drain(w, "billing");
      w.reclaim();
      assertThat(dataFiles()).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void aPeekByAConsumerThatDoesNotExistCreatesNone() {
    try (Walrus w = open()) {
      for (long i = 0; i < 400; i++) {
        w.appendForTopic("t", payload(i));
      }
      // the shared cursor holds every file until it is drained, so the peeks see offset 0
      assertThat(w.readNext("t", "viewer", false).orElseThrow().offset()).isZero();
      assertThat(w.batchReadForTopic("t", "viewer", 1 << 20, false)).isNotEmpty();
      assertThat(w.stats("t").orElseThrow().unread()).doesNotContainKey("viewer");
      drain(w, null);
      w.reclaim();
      assertThat(dataFiles()).isLessThanOrEqualTo(1);
    }
  }

  @Test
  void refusedBuilderSettingsLeaveTheBuilderAsItWas() {
    Walrus.Builder b = Walrus.builder().dataDir(dir).namespace(null).blockSize(8192);
    assertThatThrownBy(() -> b.blockSize(100)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> b.blocksPerFile(0)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> b.maxEntryBytes(-1)).isInstanceOf(InvalidArgumentException.class);
    try (Walrus w = b.open()) {
      w.appendForTopic("t", new byte[5000]);
      assertThat(w.stats("t").orElseThrow().retainedBytes()).isLessThanOrEqualTo(8192);
    }
  }

  @Test
  void aRefusedNamespaceKeyCreatesNoDirectory() throws IOException {
    Path data = dir.resolve("data");
    assertThatThrownBy(() -> Walrus.builder().dataDir(data).namespace("x").blockSize(1).open())
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> Walrus.newForKey(null))
        .isInstanceOf(InvalidNamespaceKeyException.class);
    assertThat(data).doesNotExist();
  }
}
