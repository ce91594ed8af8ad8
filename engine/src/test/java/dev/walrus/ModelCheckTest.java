package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrency against a sequential model (SPEC §4.7, §8): writer threads append and
 * batch-append to several topics, reader threads compete on each topic's shared cursor
 * (single and batch consuming reads), a watcher reads every topic through its own
 * consumer, and a checkpointer moves a named consumer; all at once, on the execution's
 * backend. Afterwards every topic's history must be explainable by one sequential order:
 *
 * <ul>
 *   <li>the offsets handed to writers are exactly 0..n-1, each once; each writer's offsets
 *       rise in its program order; a batch occupies consecutive offsets, in its order;</li>
 *   <li>the entry at each offset is the one whose append returned that offset;</li>
 *   <li>the shared cursor delivers each offset to at most one reader, each reader in rising
 *       order, and with a final drain every offset exactly once;</li>
 *   <li>no read ever ends inside a batch (readers see all of it or none);</li>
 *   <li>a named consumer's position is what its checkpoint set; a topic's next offset never
 *       falls as seen by one thread;</li>
 *   <li>after close and reopen, the same entries at the same offsets.</li>
 * </ul>
 */
class ModelCheckTest {
  private static final String[] TOPICS = {"m0", "m1", "m2"};
  private static final int WRITERS = 4;
  private static final int OPS_PER_WRITER = 250;
  private static final int READERS = 2;

  @TempDir Path dir;

  /** Payload: writer, sequence number in that writer, index in batch, batch size, padding. */
  private static byte[] payload(int writer, int seq, int index, int size, Random r) {
    ByteBuffer b = ByteBuffer.allocate(16 + r.nextInt(200));
    b.putInt(writer).putInt(seq).putInt(index).putInt(size);
    return b.array();
  }

  private static String id(byte[] p) {
    ByteBuffer b = ByteBuffer.wrap(p);
    return b.getInt() + "/" + b.getInt() + "/" + b.getInt() + "/" + b.getInt();
  }

  private Walrus open() {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(8192)
        .blocksPerFile(4)
        .fsyncSchedule(FsyncSchedule.milliseconds(5))
        .quiet(true)
        .open();
  }

  /** One acknowledged append: its first offset, its entries' ids, the writer. */
  private record Ack(String topic, long first, List<String> ids, int writer, int seq) {}

  @Test
  void concurrentHistoriesAreExplainedByASequentialOrder() throws Exception {
    assertTimeoutPreemptively(Duration.ofSeconds(120), this::run);
  }

  private void run() throws Exception {
    List<Ack> acks = Collections.synchronizedList(new ArrayList<>());
    Map<String, List<List<Long>>> delivered = new ConcurrentHashMap<>(); // topic -> per reader
    List<String> violations = Collections.synchronizedList(new ArrayList<>());
    Map<String, Map<Long, String>> seenByReaders = new ConcurrentHashMap<>();
    List<long[]> readEnds = Collections.synchronizedList(new ArrayList<>()); // [topic, end]
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS + 2);
    try (Walrus w = open()) {
      for (String t : TOPICS) { // each topic exists, and a holder keeps all of it retained
        byte[] p = payload(-1, 0, 0, 1, new Random(0));
        acks.add(new Ack(t, w.appendForTopic(t, p), List.of(id(p)), -1, 0));
        w.checkpoint(t, "holder", 0);
      }
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> writers = new ArrayList<>();
      for (int wi = 0; wi < WRITERS; wi++) {
        final int writer = wi;
        writers.add(
            pool.submit(
                () -> {
                  Random r = new Random(writer);
                  Map<String, Long> last = new HashMap<>();
                  start.await();
                  for (int seq = 0; seq < OPS_PER_WRITER; seq++) {
                    String t = TOPICS[r.nextInt(TOPICS.length)];
                    int n = r.nextInt(4) == 0 ? 2 + r.nextInt(30) : 1;
                    List<byte[]> ps = new ArrayList<>();
                    List<String> ids = new ArrayList<>();
                    for (int k = 0; k < n; k++) {
                      byte[] p = payload(writer, seq, k, n, r);
                      ps.add(p);
                      ids.add(id(p));
                    }
                    long first =
                        n == 1 && r.nextBoolean()
                            ? w.appendForTopic(t, ps.get(0))
                            : w.batchAppendForTopic(t, ps);
                    Long prev = last.put(t, first + n - 1);
                    if (prev != null && first <= prev) {
                      violations.add(
                          "writer " + writer + " got " + first + " in " + t + " after " + prev);
                    }
                    acks.add(new Ack(t, first, ids, writer, seq));
                  }
                  return null;
                }));
      }
      List<Future<?>> others = new ArrayList<>();
      for (int ri = 0; ri < READERS; ri++) {
        final int reader = ri;
        others.add(
            pool.submit(
                () -> {
                  Random r = new Random(100 + reader);
                  Map<String, List<Long>> mine = new HashMap<>();
                  for (String t : TOPICS) {
                    List<Long> l = new ArrayList<>();
                    mine.put(t, l);
                    delivered
                        .computeIfAbsent(t, k -> Collections.synchronizedList(new ArrayList<>()))
                        .add(l);
                  }
                  start.await();
                  while (writing.get()) {
                    String t = TOPICS[r.nextInt(TOPICS.length)];
                    List<Entry> got =
                        r.nextBoolean()
                            ? w.readNext(t, true).map(List::of).orElse(List.of())
                            : w.batchReadForTopic(t, r.nextInt(3000), true);
                    for (Entry e : got) {
                      List<Long> l = mine.get(t);
                      if (!l.isEmpty() && e.offset() <= l.get(l.size() - 1)) {
                        violations.add(
                            "reader " + reader + " went back in " + t + " to " + e.offset());
                      }
                      l.add(e.offset());
                      seenByReaders
                          .computeIfAbsent(t, k -> new ConcurrentHashMap<>())
                          .put(e.offset(), id(e.data()));
                    }
                  }
                  return null;
                }));
      }
      others.add(
          pool.submit(
              () -> { // the watcher: its own consumer, unlimited batch reads
                Random r = new Random(200);
                Map<String, Long> next = new HashMap<>();
                start.await();
                while (writing.get()) {
                  String t = TOPICS[r.nextInt(TOPICS.length)];
                  long before = w.stats(t).map(TopicStats::nextOffset).orElse(0L);
                  if (before < next.getOrDefault(t, 0L)) {
                    violations.add("next offset of " + t + " fell to " + before);
                  }
                  next.put(t, before);
                  List<Entry> got = w.batchReadForTopic(t, "watcher", Long.MAX_VALUE, true);
                  if (!got.isEmpty() && got.size() < Walrus.MAX_BATCH_ENTRIES) {
                    readEnds.add(
                        new long[] {t.charAt(1) - '0', got.get(got.size() - 1).offset() + 1});
                  }
                  for (Entry e : got) {
                    seenByReaders
                        .computeIfAbsent(t, k -> new ConcurrentHashMap<>())
                        .merge(
                            e.offset(),
                            id(e.data()),
                            (a, b) -> {
                              if (!a.equals(b)) {
                                violations.add(
                                    t + "@" + e.offset() + " read as " + a + " and as " + b);
                              }
                              return a;
                            });
                  }
                }
                return null;
              }));
      others.add(
          pool.submit(
              () -> { // the checkpointer
                Random r = new Random(300);
                Map<String, Long> cp = new HashMap<>();
                start.await();
                while (writing.get()) {
                  String t = TOPICS[r.nextInt(TOPICS.length)];
                  long end = w.stats(t).map(TopicStats::nextOffset).orElse(0L);
                  long lo = cp.getOrDefault(t, 0L);
                  if (end <= lo) {
                    continue;
                  }
                  long x = lo + r.nextInt((int) Math.min(end - lo, 100) + 1);
                  w.checkpoint(t, "cp", x);
                  cp.put(t, x);
                  long pos = w.position(t, "cp");
                  if (pos != x) {
                    violations.add("checkpoint of " + t + " at " + x + " reads back as " + pos);
                  }
                }
                return null;
              }));
      start.countDown();
      for (Future<?> f : writers) {
        f.get();
      }
      writing.set(false);
      for (Future<?> f : others) {
        f.get();
      }
      // drain what the competing readers left
      for (String t : TOPICS) {
        List<Long> rest = new ArrayList<>();
        List<Entry> got;
        while (!(got = w.batchReadForTopic(t, Long.MAX_VALUE, true)).isEmpty()) {
          got.forEach(e -> rest.add(e.offset()));
        }
        delivered
            .computeIfAbsent(t, k -> Collections.synchronizedList(new ArrayList<>()))
            .add(rest);
      }
      assertThat(violations).isEmpty();
      Map<String, Map<Long, String>> expected = check(acks, delivered, readEnds, seenByReaders);
      // the full history as one reader sees it now, and after reopening
      verifyAll(w, expected, "before close");
    }
    pool.shutdownNow();
    try (Walrus w = open()) {
      verifyAll(w, check(acks, Map.of(), List.of(), Map.of()), "after reopen");
    }
  }

  private static Map<String, Map<Long, String>> check(
      List<Ack> acks,
      Map<String, List<List<Long>>> delivered,
      List<long[]> readEnds,
      Map<String, Map<Long, String>> seen) {
    Map<String, Map<Long, String>> byOffset = new HashMap<>();
    Map<String, List<long[]>> batches = new HashMap<>();
    for (Ack a : acks) {
      Map<Long, String> m = byOffset.computeIfAbsent(a.topic, k -> new HashMap<>());
      for (int k = 0; k < a.ids.size(); k++) {
        String prev = m.put(a.first + k, a.ids.get(k));
        if (prev != null) {
          fail(
              "offset %s@%d handed out twice (%s and %s)",
              a.topic, a.first + k, prev, a.ids.get(k));
        }
      }
      if (a.ids.size() > 1) {
        batches
            .computeIfAbsent(a.topic, k -> new ArrayList<>())
            .add(new long[] {a.first, a.ids.size()});
      }
    }
    for (String t : TOPICS) {
      Map<Long, String> m = byOffset.getOrDefault(t, Map.of());
      for (long o = 0; o < m.size(); o++) {
        assertThat(m).as("offsets of %s are exactly 0..%d", t, m.size() - 1).containsKey(o);
      }
      for (Map.Entry<Long, String> e : seen.getOrDefault(t, Map.of()).entrySet()) {
        assertThat(e.getValue()).as("%s@%d as read", t, e.getKey()).isEqualTo(m.get(e.getKey()));
      }
      if (delivered.containsKey(t)) {
        List<Long> all = new ArrayList<>();
        delivered.get(t).forEach(all::addAll);
        Collections.sort(all);
        List<Long> want = new ArrayList<>();
        for (long o = 0; o < m.size(); o++) {
          want.add(o);
        }
        assertThat(all)
            .as("the shared cursor of %s delivers every offset exactly once", t)
            .isEqualTo(want);
      }
      int ti = t.charAt(1) - '0';
      for (long[] end : readEnds) {
        if (end[0] != ti) {
          continue;
        }
        for (long[] b : batches.getOrDefault(t, List.of())) {
          if (end[1] > b[0] && end[1] < b[0] + b[1]) {
            fail(
                "a read of %s ended at %d, inside the batch [%d, %d)",
                t, end[1], b[0], b[0] + b[1]);
          }
        }
      }
    }
    return byOffset;
  }

  private static void verifyAll(Walrus w, Map<String, Map<Long, String>> expected, String when) {
    for (String t : TOPICS) {
      Map<Long, String> m = expected.getOrDefault(t, Map.of());
      List<Entry> got = new ArrayList<>();
      List<Entry> b;
      while (!(b = w.batchReadForTopic(t, "final-" + when.replace(' ', '-'), Long.MAX_VALUE, true))
          .isEmpty()) {
        got.addAll(b);
      }
      assertThat(got).as("%s: %s", when, t).hasSize(m.size());
      for (Entry e : got) {
        assertThat(id(e.data())).as("%s: %s@%d", when, t, e.offset()).isEqualTo(m.get(e.offset()));
      }
    }
  }
}
