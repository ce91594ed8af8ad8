package dev.walrus.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.BatchTooLargeException;
import dev.walrus.EntryTooLargeException;
import dev.walrus.InvalidArgumentException;
import dev.walrus.InvalidTopicException;
import dev.walrus.TopicConfig;
import dev.walrus.Walrus;
import dev.walrus.WalrusException;
import dev.walrus.audit.AuditSupport.State;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * README error table, first row, for the calls {@code RefusedCallsTest} and
 * {@code ViewReadsTest} do not try: each refused call throws its documented type, names the
 * bad value, and changes nothing in memory or on disk, also after a reopen.
 */
class AuditRefusedCallsTest {
  private static final String LONG_ASCII = "n".repeat(256);
  private static final String LONG_TWO_BYTE = "\u00e9".repeat(128); // 256 UTF-8 bytes
  private static final String LONG_EMOJI = "\uD83D\uDE00".repeat(64); // 256 UTF-8 bytes

  @TempDir Path dir;

  private static byte[] payload(long i) {
    return ("entry-" + i + "-" + "y".repeat(60)).getBytes(UTF_8);
  }

  static Stream<Arguments> refusedCalls() {
    List<byte[]> lastTooLarge = new ArrayList<>();
    for (int i = 0; i < Walrus.MAX_BATCH_ENTRIES - 1; i++) {
      lastTooLarge.add(new byte[] {1});
    }
    lastTooLarge.add(new byte[1001]);
    return Stream.of(
        call(
            "checkpoint: NUL in consumer",
            w -> w.checkpoint("t", "bad\0name", 395),
            InvalidArgumentException.class,
            "bad"),
        call(
            "checkpoint: consumer of 256 ASCII bytes",
            w -> w.checkpoint("t", LONG_ASCII, 395),
            InvalidArgumentException.class,
            "nnnn"),
        call(
            "checkpoint: consumer of 128 two-byte characters",
            w -> w.checkpoint("t", LONG_TWO_BYTE, 395),
            InvalidArgumentException.class,
            "256"),
        call(
            "checkpoint: consumer with an unpaired surrogate",
            w -> w.checkpoint("t", "x\uD800y", 395),
            InvalidArgumentException.class,
            "surrogate"),
        call(
            "checkpoint: shared cursor, negative",
            w -> w.checkpoint("t", -1),
            InvalidArgumentException.class,
            "-1"),
        call(
            "checkpoint: shared cursor, Long.MIN_VALUE",
            w -> w.checkpoint("t", Long.MIN_VALUE),
            InvalidArgumentException.class,
            String.valueOf(Long.MIN_VALUE)),
        call(
            "checkpoint: shared cursor of a topic that does not exist",
            w -> w.checkpoint("never", 3),
            InvalidArgumentException.class,
            "3"),
        call(
            "checkpoint: bad topic",
            w -> w.checkpoint("", "billing", 0),
            InvalidTopicException.class,
            "empty"),
        call(
            "position: NUL in consumer",
            w -> w.position("t", "bad\0name"),
            InvalidArgumentException.class,
            "bad"),
        call(
            "position: consumer of 64 emoji",
            w -> w.position("t", LONG_EMOJI),
            InvalidArgumentException.class,
            "256"),
        call(
            "position (shared): bad topic",
            w -> w.position("a\0"),
            InvalidTopicException.class,
            "NUL"),
        call(
            "removeConsumer: NUL in consumer",
            w -> w.removeConsumer("t", "bill\0ing"),
            InvalidArgumentException.class,
            "bill"),
        call(
            "removeConsumer: consumer of 256 bytes",
            w -> w.removeConsumer("t", LONG_ASCII),
            InvalidArgumentException.class,
            "nnnn"),
        call(
            "batchReadForTopic: NUL in consumer, consuming",
            w -> w.batchReadForTopic("t", "bad\0name", 1 << 20, true),
            InvalidArgumentException.class,
            "bad"),
        call(
            "batchReadForTopic: consumer of 256 bytes, consuming",
            w -> w.batchReadForTopic("t", LONG_ASCII, 1 << 20, true),
            InvalidArgumentException.class,
            "nnnn"),
        call(
            "batchReadForTopic: Long.MIN_VALUE budget, existing consumer",
            w -> w.batchReadForTopic("t", "billing", Long.MIN_VALUE, true),
            InvalidArgumentException.class,
            String.valueOf(Long.MIN_VALUE)),
        call(
            "readNext (handler): NUL in consumer, consuming",
            w -> w.readNext("t", "bad\0name", true, (o, ts, p) -> {}),
            InvalidArgumentException.class,
            "bad"),
        call(
            "readNext (handler): consumer with an unpaired surrogate, consuming",
            w -> w.readNext("t", "\uDC00", true, (o, ts, p) -> {}),
            InvalidArgumentException.class,
            "surrogate"),
        call(
            "readNext (handler): bad topic",
            w -> w.readNext(LONG_ASCII, "billing", true, (o, ts, p) -> {}),
            InvalidTopicException.class,
            "nnnn"),
        call(
            "readNext (handler): null handler, existing consumer",
            w -> w.readNext("t", "billing", true, null),
            InvalidArgumentException.class,
            "handler"),
        call(
            "batchRead (handler): NUL in consumer",
            w -> w.batchRead("t", "bad\0name", 100, true, (o, ts, p) -> {}),
            InvalidArgumentException.class,
            "bad"),
        call(
            "batchRead (handler): negative budget, existing consumer",
            w -> w.batchRead("t", "billing", -5, true, (o, ts, p) -> {}),
            InvalidArgumentException.class,
            "-5"),
        call(
            "batchRead (handler): null handler, existing consumer",
            w -> w.batchRead("t", "billing", 100, true, null),
            InvalidArgumentException.class,
            "handler"),
        call(
            "batchRead (handler): bad topic",
            w -> w.batchRead(null, "billing", 100, true, (o, ts, p) -> {}),
            InvalidTopicException.class,
            "null"),
        call(
            "offsetForTime: null time",
            w -> w.offsetForTime("t", null),
            InvalidArgumentException.class,
            "null"),
        call(
            "offsetForTime: bad topic",
            w -> w.offsetForTime("", Instant.EPOCH),
            InvalidTopicException.class,
            "empty"),
        call(
            "deleteTopic: NUL in topic",
            w -> w.deleteTopic("t\0"),
            InvalidTopicException.class,
            "NUL"),
        call(
            "deleteTopic: null topic",
            w -> w.deleteTopic(null),
            InvalidTopicException.class,
            "null"),
        call(
            "setTopicConfig: null config",
            w -> w.setTopicConfig("t", null),
            InvalidArgumentException.class,
            "null"),
        call(
            "setTopicConfig: bad topic",
            w -> w.setTopicConfig(LONG_TWO_BYTE, TopicConfig.unlimited()),
            InvalidTopicException.class,
            "256"),
        call(
            "clearTopicConfig: bad topic",
            w -> w.clearTopicConfig(""),
            InvalidTopicException.class,
            "empty"),
        call(
            "topicConfig: bad topic",
            w -> w.topicConfig("x\uD800"),
            InvalidTopicException.class,
            "surrogate"),
        call(
            "appendForTopic: topic with an unpaired surrogate",
            w -> w.appendForTopic("\uD800", new byte[] {1}),
            InvalidTopicException.class,
            "surrogate"),
        call(
            "appendForTopic: topic of 64 emoji",
            w -> w.appendForTopic(LONG_EMOJI, new byte[] {1}),
            InvalidTopicException.class,
            "256"),
        call(
            "batchAppendForTopic: null topic",
            w -> w.batchAppendForTopic(null, List.of(new byte[1])),
            InvalidTopicException.class,
            "null"),
        call(
            "batchAppendForTopic: the 2,000th entry too large",
            w -> w.batchAppendForTopic("t", lastTooLarge),
            EntryTooLargeException.class,
            "1001"),
        call(
            "batchAppendForTopic: 2,001 empty entries on a new topic",
            w -> {
              List<byte[]> l = new ArrayList<>();
              for (int i = 0; i <= Walrus.MAX_BATCH_ENTRIES; i++) {
                l.add(new byte[0]);
              }
              w.batchAppendForTopic("new", l);
            },
            BatchTooLargeException.class,
            "2001"));
  }

  private static Arguments call(
      String name, Consumer<Walrus> call, Class<? extends WalrusException> type, String named) {
    return Arguments.of(Named.of(name, call), type, named);
  }

  private State populate(Walrus w) {
    for (long i = 0; i < 400; i++) {
      w.appendForTopic("t", payload(i));
    }
    while (!w.batchReadForTopic("t", 1 << 20, true).isEmpty()) {
      // drain the shared cursor
    }
    while (!w.batchReadForTopic("t", "billing", 1 << 20, true).isEmpty()) {
      // drain billing
    }
    w.checkpoint("t", "billing", 390);
    w.setTopicConfig("t", TopicConfig.unlimited().withRetention(Duration.ofDays(30)));
    w.reclaim();
    return AuditSupport.state(w, dir);
  }

  /** A refused call throws its type naming the value, and nothing changes, also after a reopen. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedCalls")
  void aRefusedCallNamesTheValueAndChangesNothing(
      Consumer<Walrus> call, Class<? extends WalrusException> type, String named) {
    State before;
    long billing;
    TopicConfig config;
    try (Walrus w = AuditSupport.open(dir)) {
      before = populate(w);
      billing = w.position("t", "billing");
      config = w.topicConfig("t");

      assertThatThrownBy(() -> call.accept(w)).isInstanceOf(type).hasMessageContaining(named);

      w.reclaim();
      assertThat(AuditSupport.state(w, dir)).isEqualTo(before);
      assertThat(w.position("t", "billing")).isEqualTo(billing);
      assertThat(w.topicConfig("t")).isEqualTo(config);
      assertThat(w.appendForTopic("t", payload(400))).isEqualTo(400);
    }
    try (Walrus w = AuditSupport.open(dir)) {
      assertThat(w.topics()).isEqualTo(before.topics());
      assertThat(w.position("t", "billing")).isEqualTo(billing);
      assertThat(w.topicConfig("t")).isEqualTo(config);
      assertThat(w.stats("t").orElseThrow().nextOffset()).isEqualTo(401);
      assertThat(w.stats("t").orElseThrow().unread().keySet())
          .isEqualTo(before.stats().get("t").unread().keySet());
    }
  }

  /**
   * Documented no-ops: an empty batch "writes nothing", peeks and position queries of an
   * unknown consumer create nothing; file bytes and stats stay the same.
   */
  @Test
  void documentedNoOpsWriteNothing() {
    try (Walrus w = AuditSupport.open(dir)) {
      State before = populate(w);
      assertThat(w.batchAppendForTopic("t", List.of())).isEqualTo(400);
      w.batchAppendForTopic("brand-new", List.of());
      w.readNext("t", "ghost", false);
      assertThat(w.batchReadForTopic("t", "ghost", 1 << 20, false)).isNotNull();
      assertThat(w.batchRead("t", "ghost", 1 << 20, false, (o, ts, p) -> {})).isNotNegative();
      w.position("t", "ghost");
      w.position("brand-new", "ghost");
      assertThat(w.readNext("brand-new", false)).isEmpty();
      w.offsetForTime("t", Instant.EPOCH);
      w.topicConfig("brand-new");
      w.reclaim();
      assertThat(AuditSupport.state(w, dir)).isEqualTo(before);
      assertThat(w.topics()).containsExactly("t");
    }
    try (Walrus w = AuditSupport.open(dir)) {
      assertThat(w.topics()).containsExactly("t");
      assertThat(w.stats("t").orElseThrow().unread()).doesNotContainKey("ghost");
    }
  }
}
