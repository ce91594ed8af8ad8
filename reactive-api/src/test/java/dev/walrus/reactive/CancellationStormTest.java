package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Backend;
import dev.walrus.Entry;
import dev.walrus.ReadConsistency;
import dev.walrus.TopicStats;
import dev.walrus.reactive.testkit.CountingScheduler;
import dev.walrus.reactive.testkit.WalrusFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The storm (issue 12, item 8a): thousands of random operations from 32 concurrent lanes
 * — append, appendBatch, appendAll, consuming readNext and batchRead, AUTO tails (each
 * competing with the reads) of two named consumers and of the shared cursor, and a lane of MANUAL tails checkpointing (a third of the AUTO tails and half the MANUAL ones
 * spin, {@link WaitStrategy#spinThenPark}) — each cancelled at a random
 * instant (timeout, dispose, take) or not at all, with subscribers that now and then
 * leave the scheduler thread interrupted. Then the instance must be healthy and every
 * entry and cursor must match the model:
 * <ul>
 *   <li>an append whose Mono emitted is there exactly once, at the emitted offset; a
 *       cancelled one is there at most once; a batch is all there or absent; what one
 *       appendAll wrote is a prefix of its source, and what it acknowledged a prefix of
 *       that;</li>
 *   <li>every AUTO consumer's cursor stands exactly after the entries delivered to it,
 *       each delivered once (a cancelled read puts back what it did not deliver);</li>
 *   <li>the MANUAL consumer's checkpointed position is at or after its last completed
 *       checkpoint;</li>
 *   <li>a fresh tail sees exactly what was written, before and after a restart.</li>
 * </ul>
 * {@code -Dwalrus.storm.ops=N} (default 3,000 per backend) and
 * {@code -Dwalrus.storm.seed=S} for longer or other runs (docs/RELIABILITY.md).
 */
class CancellationStormTest extends WalrusFixture {
  private static final int OPS = Integer.getInteger("walrus.storm.ops", 3000);
  private static final long SEED = Long.getLong("walrus.storm.seed", 20261201L);
  private static final String T = "s";

  /** Short, so that spinning tails of 32 lanes on 2 cores do not starve the storm. */
  private static final WaitStrategy SPIN = WaitStrategy.spinThenPark(Duration.ofNanos(50_000));

  /** AUTO consumers; "" is the topic's shared cursor. */
  private static final String[] AUTO = {"c0", "c1", ""};

  private final CountingScheduler scheduler = new CountingScheduler();

  // the model
  private final Set<String> submitted = ConcurrentHashMap.newKeySet();
  private final Map<Long, String> acked = new ConcurrentHashMap<>();
  private final Map<String, Set<Long>> delivered = new ConcurrentHashMap<>();
  private final Queue<String> problems = new ConcurrentLinkedQueue<>();
  private final AtomicLong highestCheckpointed = new AtomicLong(-1);
  private final Map<Integer, Integer> streamSizes = new ConcurrentHashMap<>();
  private final Map<Integer, Set<Integer>> streamAcked = new ConcurrentHashMap<>();

  private void openOn(Backend b) {
    wal =
        engine()
            .backend(b)
            .consistency(
                b == Backend.FD ? ReadConsistency.strictlyAtOnce() : ReadConsistency.atLeastOnce(7))
            .open();
    rw = ReactiveWalrus.builder(wal).scheduler(scheduler).maxCoalescedEntries(64).build();
  }

  @ParameterizedTest
  @EnumSource(Backend.class)
  void aStormOfCancellationsLeavesTheInstanceHealthyAndTheLogMatchingTheModel(Backend b) {
    openOn(b);
    for (String c : AUTO) {
      delivered.put(c, ConcurrentHashMap.newKeySet());
    }
    Flux<Object> lanes =
        Flux.range(0, OPS).flatMap(i -> op(i, new Random(SEED * 1_000_003L + i)), 31);
    Flux<Object> manual =
        Flux.range(0, Math.max(1, OPS / 100))
            .concatMap(i -> manualSession(new Random(SEED * 7 + i)));
    Flux.merge(lanes, manual).then().block(Duration.ofMinutes(5));
    await("every engine call of the storm has finished", scheduler::idle);
    assertThat(problems).as("unexpected errors").isEmpty();

    healthy();
    List<String> log = verifyLog();
    verifyCursors();
    assertThat(freshTail("after-storm", log.size())).containsExactlyElementsOf(log);
    long[] positions = new long[AUTO.length];
    for (int i = 0; i < AUTO.length; i++) {
      positions[i] = position(AUTO[i]);
    }
    closeAll();
    openOn(b);
    healthy();
    assertThat(freshTail("after-restart", log.size())).containsExactlyElementsOf(log);
    for (int i = 0; i < AUTO.length; i++) {
      assertThat(position(AUTO[i])).as("%s after a clean restart", AUTO[i]).isEqualTo(positions[i]);
    }
  }

  // ---------------------------------------------------------------- operations

  private Mono<Object> op(int i, Random rnd) {
    Mono<?> m;
    switch (rnd.nextInt(7)) {
      case 0:
        {
          String id = "a" + i;
          submitted.add(id);
          m = cancel(rw.append(T, bytes(id)).doOnNext(o -> ack(o, id)), rnd);
          break;
        }
      case 1:
        {
          int n = 1 + rnd.nextInt(5);
          List<byte[]> batch = new ArrayList<>();
          List<String> ids = new ArrayList<>();
          for (int k = 0; k < n; k++) {
            ids.add("b" + i + "-" + k + "/" + n);
            batch.add(bytes(ids.get(k)));
          }
          submitted.addAll(ids);
          m =
              cancel(
                  rw.appendBatch(T, batch)
                      .doOnNext(
                          os -> {
                            for (int k = 0; k < n; k++) {
                              ack(os.get(k), ids.get(k));
                            }
                          }),
                  rnd);
          break;
        }
      case 2:
        {
          int n = 1 + rnd.nextInt(40);
          streamSizes.put(i, n);
          Set<Integer> a = ConcurrentHashMap.newKeySet();
          streamAcked.put(i, a);
          for (int k = 0; k < n; k++) {
            submitted.add("f" + i + "-" + k);
          }
          AtomicLong index = new AtomicLong();
          Flux<Long> f =
              rw.appendAll(T, Flux.range(0, n).map(k -> bytes("f" + i + "-" + k)))
                  .doOnNext(
                      o -> {
                        int k = (int) index.getAndIncrement();
                        a.add(k);
                        ack(o, "f" + i + "-" + k);
                      });
          m = cancel(f, rnd);
          break;
        }
      case 3:
        {
          String c = AUTO[rnd.nextInt(AUTO.length)];
          m =
              cancel(
                  (c.isEmpty() ? rw.readNext(T, true) : rw.readNext(T, c, true))
                      .doOnNext(e -> deliver(c, e.offset())),
                  rnd);
          break;
        }
      case 4:
        {
          String c = AUTO[rnd.nextInt(AUTO.length)];
          int budget = 1 + rnd.nextInt(200);
          m =
              cancel(
                  (c.isEmpty() ? rw.batchRead(T, budget, true) : rw.batchRead(T, c, budget, true))
                      .doOnNext(es -> es.forEach(e -> deliver(c, e.offset()))),
                  rnd);
          break;
        }
      case 5:
        {
          String c = AUTO[rnd.nextInt(AUTO.length)];
          boolean interrupt = rnd.nextInt(4) == 0;
          TailOptions opts = c.isEmpty() ? TailOptions.defaults() : TailOptions.forConsumer(c);
          if (rnd.nextInt(3) == 0) {
            opts = opts.waitStrategy(SPIN); // cancelled while it spins, as often as not
          }
          m =
              cancel(
                  rw.tail(T, opts)
                      .doOnNext(
                          r -> {
                            deliver(c, r.offset());
                            if (interrupt) {
                              Thread.currentThread()
                                  .interrupt(); // user code leaving a stale interrupt
                            }
                          })
                      .take(1 + rnd.nextInt(60))
                      .take(Duration.ofMillis(1 + rnd.nextInt(30))),
                  rnd);
          break;
        }
      default:
        {
          m = cancel(rw.readNext(T, "peeker", false), rnd);
          break;
        }
    }
    return m.onErrorResume(
            e -> {
              problems.add(e.toString());
              return Mono.empty();
            })
        .then(Mono.empty());
  }

  /** One MANUAL tail for a while, checkpointing some entries with random cancellation. */
  private Mono<Object> manualSession(Random rnd) {
    TailOptions opts = TailOptions.forConsumer("m").checkpointMode(CheckpointMode.MANUAL);
    return rw.tail(T, rnd.nextBoolean() ? opts : opts.waitStrategy(SPIN))
        .take(1 + rnd.nextInt(40))
        .take(Duration.ofMillis(1 + rnd.nextInt(30)))
        .concatMap(
            r ->
                rnd.nextInt(3) == 0
                    ? Mono.empty()
                    : cancel(
                        r.checkpoint()
                            .then(
                                Mono.fromRunnable(
                                    () ->
                                        highestCheckpointed.accumulateAndGet(
                                            r.offset(), Math::max))),
                        rnd))
        .onErrorResume(
            e -> {
              problems.add(e.toString());
              return Mono.empty();
            })
        .then(Mono.empty());
  }

  /** Cancels after a random short time, at once, or not at all. */
  private static Mono<?> cancel(Mono<?> m, Random rnd) {
    switch (rnd.nextInt(4)) {
      case 0:
        return m.timeout(Duration.ofNanos(rnd.nextInt(300_000)), Mono.empty());
      case 1:
        return Mono.create(
            sink -> {
              var d = m.subscribe(v -> {}, sink::error, sink::success);
              if (rnd.nextBoolean()) {
                d.dispose();
                sink.success();
              }
            });
      default:
        return m;
    }
  }

  private static Mono<?> cancel(Flux<?> f, Random rnd) {
    switch (rnd.nextInt(4)) {
      case 0:
        return f.timeout(Duration.ofNanos(rnd.nextInt(300_000)), Flux.empty()).then();
      case 1:
        return f.take(rnd.nextInt(5)).then();
      case 2:
        return Mono.create(
            sink -> {
              var d = f.subscribe(v -> {}, sink::error, sink::success);
              if (rnd.nextBoolean()) {
                d.dispose();
                sink.success();
              }
            });
      default:
        return f.then();
    }
  }

  private void ack(long offset, String id) {
    String before = acked.putIfAbsent(offset, id);
    if (before != null) {
      problems.add("offset " + offset + " acknowledged for " + before + " and " + id);
    }
  }

  private void deliver(String consumer, long offset) {
    if (!delivered.get(consumer).add(offset)) {
      problems.add("offset " + offset + " delivered twice to " + consumer);
    }
  }

  // ---------------------------------------------------------------- checks

  private void healthy() {
    long off = rw.append("health", bytes("ok")).block(TIMEOUT);
    List<Entry> all = rw.batchRead("health", "h", 1 << 20, true).block(TIMEOUT);
    assertThat(all.get(all.size() - 1).offset()).isEqualTo(off);
    assertThat(wal.appendForTopic("health", bytes("ok"))).isEqualTo(off + 1);
  }

  /** @return the topic's payloads in offset order, after checking them against the model */
  private List<String> verifyLog() {
    long end = wal.stats(T).map(TopicStats::nextOffset).orElse(0L);
    wal.checkpoint(T, "verify", 0);
    List<String> log = new ArrayList<>();
    Map<String, Long> where = new HashMap<>();
    List<Entry> got;
    while (!(got = wal.batchReadForTopic(T, "verify", 1 << 20, true)).isEmpty()) {
      for (Entry e : got) {
        assertThat(e.offset()).isEqualTo(log.size());
        String id = e.dataAsString();
        assertThat(submitted).as("payload at %d was submitted", e.offset()).contains(id);
        assertThat(where.put(id, e.offset())).as("%s written once", id).isNull();
        log.add(id);
      }
    }
    assertThat((long) log.size()).isEqualTo(end);
    acked.forEach(
        (o, id) -> assertThat(where.get(id)).as("acknowledged %s at its offset", id).isEqualTo(o));
    // batches: all or nothing, consecutive
    for (String id : log) {
      if (id.startsWith("b") && id.contains("-0/")) {
        int n = Integer.parseInt(id.substring(id.indexOf('/') + 1));
        String stem = id.substring(0, id.indexOf('-') + 1);
        long first = where.get(id);
        for (int k = 0; k < n; k++) {
          assertThat(log.get((int) first + k)).isEqualTo(stem + k + "/" + n);
        }
      } else if (id.startsWith("b")) {
        String first = id.substring(0, id.indexOf('-') + 1) + "0" + id.substring(id.indexOf('/'));
        assertThat(where).as("batch of %s whole", id).containsKey(first);
      }
    }
    // appendAll: written a prefix of the source, acknowledged a prefix of that, in order
    streamSizes.forEach(
        (i, n) -> {
          int written = 0;
          long last = -1;
          while (written < n && where.containsKey("f" + i + "-" + written)) {
            long o = where.get("f" + i + "-" + written);
            assertThat(o).as("stream %d in order", i).isGreaterThan(last);
            last = o;
            written++;
          }
          for (int k = written; k < n; k++) {
            assertThat(where)
                .as("stream %d wrote a prefix", i)
                .doesNotContainKey("f" + i + "-" + k);
          }
          TreeSet<Integer> a = new TreeSet<>(streamAcked.get(i));
          assertThat(a.isEmpty() || a.last() == a.size() - 1)
              .as("stream %d acked a prefix", i)
              .isTrue();
          assertThat(a.size()).isLessThanOrEqualTo(written);
        });
    return log;
  }

  private void verifyCursors() {
    for (String c : AUTO) {
      long pos = position(c);
      Set<Long> d = delivered.get(c);
      assertThat((long) d.size())
          .as("%s: cursor stands right after what it was given", c)
          .isEqualTo(pos);
      for (long o = 0; o < pos; o++) {
        assertThat(d).as("%s was given %d", c, o).contains(o);
      }
    }
    long checkpointed = wal.position(T, "m");
    long end = wal.stats(T).map(TopicStats::nextOffset).orElse(0L);
    assertThat(checkpointed)
        .as("MANUAL checkpointed position")
        .isBetween(highestCheckpointed.get() + 1, end);
  }

  private long position(String consumer) {
    if (!consumer.isEmpty()) {
      return wal.position(T, consumer);
    }
    TopicStats s = wal.stats(T).orElseThrow();
    return s.nextOffset() - s.unread().get(TopicStats.DEFAULT_CONSUMER);
  }

  private List<String> freshTail(String consumer, int n) {
    return rw.tail(T, TailOptions.forConsumer(consumer).startAt(StartPosition.earliest()))
        .take(n)
        .map(ReceivedEntry::dataAsString)
        .collectList()
        .block(TIMEOUT);
  }
}
