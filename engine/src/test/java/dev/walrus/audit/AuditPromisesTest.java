package dev.walrus.audit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.TopicConfig;
import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import dev.walrus.WalrusClosedException;
import dev.walrus.WalrusHealth;
import dev.walrus.testkit.Payloads;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkable sentences of the README and the public Javadoc not tested elsewhere. */
class AuditPromisesTest {
  @TempDir Path dir;

  /** Entry: "every read returns a fresh copy"; appendForTopic: data "not retained after the call". */
  @Test
  void payloadArraysAreNeitherRetainedNorShared() {
    try (Walrus w = AuditSupport.open(dir)) {
      byte[] a = "original".getBytes(UTF_8);
      w.appendForTopic("t", a);
      Arrays.fill(a, (byte) 'X');
      List<byte[]> batch = new ArrayList<>(List.of("b0".getBytes(UTF_8), "b1".getBytes(UTF_8)));
      w.batchAppendForTopic("t", batch);
      Arrays.fill(batch.get(0), (byte) 'X');
      batch.set(1, "replaced".getBytes(UTF_8));
      Entry first = w.readNext("t", "c", false).orElseThrow();
      assertThat(first.dataAsString()).isEqualTo("original");
      first.data()[0] = 'Z';
      byte[] kept = first.data();
      kept[1] = 'Z';
      assertThat(w.readNext("t", "c", false).orElseThrow().dataAsString()).isEqualTo("original");
      List<Entry> all = w.batchReadForTopic("t", "c", 1 << 20, false);
      assertThat(all).extracting(Entry::dataAsString).containsExactly("original", "b0", "b1");
    }
    try (Walrus w = AuditSupport.open(dir)) {
      assertThat(w.batchReadForTopic("t", "c", 1 << 20, true))
          .extracting(Entry::dataAsString)
          .containsExactly("original", "b0", "b1");
    }
  }

  /**
   * TopicNames: "Names are not normalised: two strings are the same name exactly when they
   * are equal"; names up to 255 UTF-8 bytes in every width are valid, also across a reopen.
   */
  @Test
  void namesAreExactStringsUpToTheirByteLimitAcrossReopens() {
    String nfc = "caf\u00e9";
    String nfd = "cafe\u0301";
    String upper = "CAFE";
    String lower = "cafe";
    String twoByte = "\u00e9".repeat(127); // 254 bytes
    String threeByte = "\u20ac".repeat(85); // 255 bytes
    String emoji = "\uD83D\uDE00".repeat(63); // 252 bytes
    List<String> names = List.of(nfc, nfd, upper, lower, twoByte, threeByte, emoji);
    try (Walrus w = AuditSupport.open(dir)) {
      for (int i = 0; i < names.size(); i++) {
        String n = names.get(i);
        for (int k = 0; k <= i; k++) {
          w.appendForTopic(n, (n + k).getBytes(UTF_8));
        }
        w.checkpoint(n, n, i); // a consumer named like its topic, at its own position
        assertThat(w.readNext(n, true).orElseThrow().offset()).isZero();
      }
      assertThat(w.topics()).containsExactlyInAnyOrderElementsOf(names);
    }
    try (Walrus w = AuditSupport.open(dir)) {
      assertThat(w.topics()).containsExactlyInAnyOrderElementsOf(names);
      for (int i = 0; i < names.size(); i++) {
        String n = names.get(i);
        TopicStats s = w.stats(n).orElseThrow();
        assertThat(s.nextOffset()).as("next offset of name %d", i).isEqualTo(i + 1);
        assertThat(w.position(n, n)).as("consumer of name %d", i).isEqualTo(i);
        assertThat(w.position(n)).as("shared cursor of name %d", i).isEqualTo(1);
        assertThat(w.readNext(n, n, true).orElseThrow().dataAsString()).isEqualTo(n + i);
        for (String other : names) {
          if (!other.equals(n)) {
            assertThat(s.unread()).doesNotContainKey(other);
          }
        }
      }
    }
  }

  /** Entry Javadoc: "The entries of one batch share one timestamp"; timestamps never go back. */
  @Test
  void aBatchSharesOneTimestampAndTimestampsNeverGoBackAcrossAReopen() {
    long last;
    try (Walrus w = AuditSupport.open(dir)) {
      w.appendForTopic("t", new byte[0]);
      w.batchAppendForTopic("t", List.of(new byte[0], new byte[3], new byte[0]));
      List<Entry> es = w.batchReadForTopic("t", "c", 1 << 20, true);
      assertThat(es).hasSize(4);
      assertThat(es.get(1).timestampMicros())
          .isEqualTo(es.get(2).timestampMicros())
          .isEqualTo(es.get(3).timestampMicros())
          .isGreaterThanOrEqualTo(es.get(0).timestampMicros());
      assertThat(es.get(0).data()).isEmpty();
      last = es.get(3).timestampMicros();
    }
    try (Walrus w = AuditSupport.open(dir)) {
      w.appendForTopic("t", new byte[] {1});
      assertThat(w.readNext("t", "c", true).orElseThrow().timestampMicros())
          .isGreaterThanOrEqualTo(last);
    }
  }

  /**
   * EntryHandler: "appends and checkpoints are allowed" from inside a handler; a checkpoint
   * of the handler's own consumer made inside it wins (the read consumed before handing
   * out), and holds across a reopen.
   */
  @Test
  void aHandlerMayAppendAndCheckpointItsOwnConsumer() {
    try (Walrus w = AuditSupport.open(dir)) {
      for (int i = 0; i < 10; i++) {
        w.appendForTopic("t", ("e" + i).getBytes(UTF_8));
      }
      int n =
          w.batchRead(
              "t",
              "h",
              1 << 20,
              true,
              (o, ts, p) -> {
                if (o == 2) {
                  w.checkpoint("t", "h", 1);
                  w.appendForTopic("t", "from-handler".getBytes(UTF_8));
                }
              });
      assertThat(n).isEqualTo(10);
      assertThat(w.position("t", "h")).isEqualTo(1);
      assertThat(w.readNext("t", "h", true, (o, ts, p) -> w.checkpoint("t", "h", 5))).isTrue();
      assertThat(w.position("t", "h")).isEqualTo(5);
    }
    try (Walrus w = AuditSupport.open(dir)) {
      assertThat(w.position("t", "h")).isEqualTo(5);
      assertThat(w.stats("t").orElseThrow().nextOffset()).isEqualTo(11);
    }
  }

  /** removeConsumer: forgotten for good (a reopen does not bring it back); no longer holds files. */
  @Test
  void aRemovedConsumerStaysRemovedAfterAReopen() {
    try (Walrus w = AuditSupport.open(dir)) {
      for (int i = 0; i < 100; i++) {
        w.appendForTopic("t", Payloads.of("t", i, 900));
      }
      w.checkpoint("t", "keep", 50);
      w.readNext("t", "gone", true);
      assertThat(w.removeConsumer("t", "gone")).isTrue();
    }
    try (Walrus w = AuditSupport.open(dir)) {
      assertThat(w.stats("t").orElseThrow().unread()).containsOnlyKeys("", "keep");
      assertThat(w.position("t", "keep")).isEqualTo(50);
      assertThat(w.removeConsumer("t", "gone")).isFalse();
    }
  }

  /** Error table: "a call after close()" throws WalrusClosedException, for every public call. */
  @Test
  void everyCallAfterCloseThrowsWalrusClosedException() {
    Walrus w = AuditSupport.open(dir);
    w.appendForTopic("t", new byte[1]);
    w.close();
    w.close();
    assertThat(w.health().state()).isEqualTo(WalrusHealth.State.CLOSED);
    Map<String, Consumer<Walrus>> calls = new java.util.LinkedHashMap<>();
    calls.put("batchAppendForTopic", x -> x.batchAppendForTopic("t", List.of(new byte[1])));
    calls.put("readNext named", x -> x.readNext("t", "c", false));
    calls.put("readNext handler", x -> x.readNext("t", "c", true, (o, ts, p) -> {}));
    calls.put("batchReadForTopic", x -> x.batchReadForTopic("t", 100, true));
    calls.put("batchReadForTopic named", x -> x.batchReadForTopic("t", "c", 100, true));
    calls.put("batchRead handler", x -> x.batchRead("t", "c", 100, true, (o, ts, p) -> {}));
    calls.put("checkpoint", x -> x.checkpoint("t", "c", 0));
    calls.put("checkpoint shared", x -> x.checkpoint("t", 0));
    calls.put("position", x -> x.position("t", "c"));
    calls.put("position shared", x -> x.position("t"));
    calls.put("removeConsumer", x -> x.removeConsumer("t", "c"));
    calls.put("topics", Walrus::topics);
    calls.put("stats", x -> x.stats("t"));
    calls.put("offsetForTime", x -> x.offsetForTime("t", Instant.EPOCH));
    calls.put("deleteTopic", x -> x.deleteTopic("t"));
    calls.put("topicConfig", x -> x.topicConfig("t"));
    calls.put("setTopicConfig", x -> x.setTopicConfig("t", TopicConfig.unlimited()));
    calls.put("clearTopicConfig", x -> x.clearTopicConfig("t"));
    calls.put("sync", Walrus::sync);
    calls.put("reclaim", Walrus::reclaim);
    calls.put("addAppendListener", x -> x.addAppendListener("t", (t, e) -> {}));
    List<String> notRefused = new ArrayList<>();
    for (Map.Entry<String, Consumer<Walrus>> c : calls.entrySet()) {
      try {
        c.getValue().accept(w);
        notRefused.add(c.getKey() + ": returned");
      } catch (WalrusClosedException expected) {
        // as documented
      } catch (RuntimeException other) {
        notRefused.add(c.getKey() + ": " + other);
      }
    }
    assertThat(notRefused)
        .as("calls after close() not refused with WalrusClosedException")
        .isEmpty();
    try (Walrus again = AuditSupport.open(dir)) {
      assertThat(again.stats("t").orElseThrow().nextOffset()).isEqualTo(1);
      assertThat(again.topics()).containsExactly("t");
    }
  }

  /**
   * close() racing appends and consuming reads on other threads: nothing acknowledged is
   * missing after a reopen and no consumer is behind what its acknowledged reads consumed
   * (close "persists every cursor, forces all data").
   */
  @Test
  void closeRacingCallsLosesNothingAcknowledged() throws Exception {
    for (int round = 0; round < 5; round++) {
      Race r = race(dir.resolve("d" + round));
      r.verify(round);
    }
  }

  /**
   * close() racing calls on other threads: each call either completes or throws
   * WalrusClosedException (README error table: "a call after close()"), never a
   * FatalIOException or WalrusPoisonedException, which would tell the caller the instance
   * failed and the call is in doubt.
   */
  @Test
  void callsRacingCloseEitherCompleteOrThrowWalrusClosedException() throws Exception {
    List<String> unexpected = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      Race r = race(dir.resolve("e" + round));
      for (Throwable t : r.unexpected) {
        unexpected.add("round " + round + ": " + t);
        if (unexpected.size() == 1) {
          t.printStackTrace(System.out);
        }
      }
    }
    assertThat(unexpected).as("failures other than WalrusClosedException").isEmpty();
  }

  /** What a race of four working threads with close() left. */
  private static final class Race {
    final Path ns;
    final Map<Integer, Long> lastAppend = new ConcurrentHashMap<>();
    final Map<Integer, Long> lastRead = new ConcurrentHashMap<>();
    final List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());

    Race(Path ns) {
      this.ns = ns;
    }

    void verify(int round) {
      try (Walrus again = AuditSupport.open(ns)) {
        for (Map.Entry<Integer, Long> a : lastAppend.entrySet()) {
          String topic = "w" + a.getKey();
          long acked = a.getValue();
          assertThat(again.stats(topic).orElseThrow().nextOffset())
              .as("round %d: next offset of %s (acknowledged %d)", round, topic, acked)
              .isGreaterThan(acked);
          for (long i = 0; i <= acked; i++) {
            Entry e = again.readNext(topic, "verify", true).orElseThrow();
            assertThat(e.offset()).isEqualTo(i);
            assertThat(e.data()).isEqualTo(Payloads.of(topic, i, 900));
          }
        }
        for (Map.Entry<Integer, Long> rd : lastRead.entrySet()) {
          assertThat(again.position("r", "c" + rd.getKey()))
              .as("round %d consumer c%d (acknowledged read %d)", round, rd.getKey(), rd.getValue())
              .isEqualTo(rd.getValue() + 1);
        }
      }
    }
  }

  private static Race race(Path ns) throws Exception {
    Race r = new Race(ns);
    Walrus w = AuditSupport.open(ns);
    for (int i = 0; i < 20; i++) {
      w.appendForTopic("r", new byte[] {(byte) i});
    }
    int threads = 4;
    CountDownLatch started = new CountDownLatch(threads);
    List<Thread> ts = new ArrayList<>();
    for (int k = 0; k < threads; k++) {
      int id = k;
      Thread t =
          new Thread(
              () -> {
                String topic = "w" + id;
                started.countDown();
                try {
                  for (long i = 0; ; i++) {
                    long off = w.appendForTopic(topic, Payloads.of(topic, i, 900));
                    if (off != i) {
                      throw new AssertionError(topic + ": offset " + off + " for append " + i);
                    }
                    r.lastAppend.put(id, off);
                    Entry e = w.readNext("r", "c" + id, true).orElse(null);
                    if (e != null) {
                      r.lastRead.put(id, e.offset());
                    }
                  }
                } catch (WalrusClosedException expected) {
                  // the documented end
                } catch (Throwable other) {
                  r.unexpected.add(other);
                }
              });
      ts.add(t);
      t.start();
    }
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    while (r.lastAppend.size() < threads) {
      Thread.onSpinWait();
    }
    w.close();
    for (Thread t : ts) {
      t.join(20_000);
      assertThat(t.isAlive()).isFalse();
    }
    return r;
  }
}
