package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.walrus.crash.CrashChild;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SPEC §4.5, §4.8 (issue 12 item 1): a storm of {@code Thread.interrupt()}s at random
 * instants, thousands of them, against threads appending, batch-appending, reading
 * (consuming and peeking, through the shared cursor and named consumers, one by one and
 * in batches), checkpointing and syncing. Afterwards the instance is healthy, and every
 * entry and every cursor agrees with a model, before and after a reopen: an operation that
 * returned is there, one that threw a typed exception was rolled back, and nothing else.
 * Runs on every backend (the suite's {@code walrus.backend}); tiny files make the
 * descriptor cache close and reopen descriptors throughout.
 *
 * <p>{@code -Dwalrus.storm.seconds=N} makes each storm last N seconds (default 2).
 */
class InterruptStormTest {
  private static final int WORKERS = 5;
  private static final double SECONDS =
      Double.parseDouble(System.getProperty("walrus.storm.seconds", "2"));

  @TempDir Path dir;

  private static String topic(int i) {
    return "storm-" + i;
  }

  private Walrus open(String schedule) {
    FsyncSchedule s =
        schedule.equals("syncEach") ? FsyncSchedule.syncEach() : FsyncSchedule.milliseconds(5);
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(4)
        .fsyncSchedule(s)
        .quiet(true)
        .open();
  }

  /** What one worker's topic and cursors must look like. */
  private static final class Model {
    final String topic;

    /** Offset the next append gets: one writer per topic, rolled-back appends take none. */
    volatile long end;

    long named; // next offset of consumer "c"
    long batched; // next offset of consumer "b"
    long checkpointed; // next offset of consumer "k"
    final Set<Long> sharedConsumed = ConcurrentHashMap.newKeySet();

    Model(String topic) {
      this.topic = topic;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"syncEach", "milliseconds"})
  void interruptsNeverPoisonLoseOrCorruptAnything(String schedule) throws Exception {
    assertTimeoutPreemptively(
        Duration.ofSeconds(120 + (long) (4 * SECONDS)), () -> storm(schedule));
  }

  private void storm(String schedule) throws Exception {
    Model[] models = new Model[WORKERS];
    ConcurrentLinkedQueue<Throwable> broken = new ConcurrentLinkedQueue<>();
    AtomicLong typedFailures = new AtomicLong();
    AtomicLong operations = new AtomicLong();
    long interrupts = 0;
    try (Walrus w = open(schedule)) {
      for (int i = 0; i < WORKERS; i++) {
        models[i] = new Model(topic(i));
        assertThat(w.appendForTopic(topic(i), CrashChild.payload(topic(i), 0))).isZero();
        models[i].end = 1;
        w.checkpoint(topic(i), "keeper", 0); // holds every file: all entries stay readable
      }
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch started = new CountDownLatch(WORKERS);
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < WORKERS; i++) {
        int me = i;
        Thread t =
            new Thread(
                () -> {
                  started.countDown();
                  Random rnd = new Random(me * 7919L + schedule.hashCode());
                  while (!stop.get()) {
                    try {
                      step(w, models, me, rnd);
                      operations.incrementAndGet();
                    } catch (WalrusPoisonedException e) {
                      broken.add(e);
                      return;
                    } catch (WalrusException e) {
                      typedFailures.incrementAndGet(); // rolled back: the model did not move
                    } catch (Throwable e) {
                      broken.add(e);
                      return;
                    }
                    if (rnd.nextBoolean()) {
                      Thread.interrupted(); // half the time the next call starts with no interrupt
                    }
                  }
                },
                "storm-worker-" + i);
        threads.add(t);
        t.start();
      }
      started.await();
      Random chaos = new Random(42);
      long deadline = System.nanoTime() + (long) (SECONDS * 1e9);
      while (System.nanoTime() < deadline && broken.isEmpty()) {
        threads.get(chaos.nextInt(WORKERS)).interrupt();
        interrupts++;
        LockSupport.parkNanos(chaos.nextInt(40_000));
      }
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
      assertThat(broken).as("no worker may see a poisoned instance or an untyped error").isEmpty();
      System.out.printf(
          "InterruptStormTest [%s, %s]: %d interrupts, %d operations, %d typed"
              + " failures (rolled back)%n",
          w.backendInfo(), schedule, interrupts, operations.get(), typedFailures.get());
      assertThat(interrupts).isGreaterThan(1000);
      // Healthy: a plain append and read work, on a thread nobody interrupted.
      for (Model m : models) {
        verify(w, m);
      }
      long off = w.appendForTopic(topic(0), CrashChild.payload(topic(0), models[0].end));
      assertThat(off).isEqualTo(models[0].end);
      models[0].end++;
    }
    try (Walrus w = open(schedule)) {
      for (Model m : models) {
        verify(w, m);
      }
    }
  }

  /** One random operation of worker {@code me}; updates the model only when it returned. */
  private static void step(Walrus w, Model[] models, int me, Random rnd) {
    Model m = models[me];
    int op = rnd.nextInt(100);
    if (op < 30) {
      long off = w.appendForTopic(m.topic, CrashChild.payload(m.topic, m.end));
      check(off == m.end, "append returned offset " + off + ", expected " + m.end);
      m.end++;
    } else if (op < 42) {
      int n = 1 + rnd.nextInt(20);
      List<byte[]> batch = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        batch.add(CrashChild.payload(m.topic, m.end + k));
      }
      long first = w.batchAppendForTopic(m.topic, batch);
      check(first == m.end, "batch returned offset " + first + ", expected " + m.end);
      m.end += n;
    } else if (op < 54) {
      Optional<Entry> e =
          rnd.nextBoolean() ? w.readNext(m.topic, "c", true) : viewRead(w, m.topic, "c");
      if (e.isPresent()) {
        checkEntry(m.topic, e.get());
        check(
            e.get().offset() == m.named,
            "consumer c read " + e.get().offset() + ", expected " + m.named);
        m.named++;
      } else {
        check(m.named == m.end, "consumer c found nothing at " + m.named + " < " + m.end);
      }
    } else if (op < 64) {
      long budget = 1 + rnd.nextInt(4096);
      List<Entry> got =
          rnd.nextBoolean()
              ? w.batchReadForTopic(m.topic, "b", budget, true)
              : viewBatch(w, m.topic, "b", budget);
      for (Entry e : got) {
        checkEntry(m.topic, e);
        check(e.offset() == m.batched, "consumer b read " + e.offset() + ", expected " + m.batched);
        m.batched++;
      }
    } else if (op < 76) {
      Model other = models[rnd.nextInt(models.length)];
      Optional<Entry> e = w.readNext(other.topic, true); // the shared cursor, competing
      if (e.isPresent()) {
        checkEntry(other.topic, e.get());
        check(
            other.sharedConsumed.add(e.get().offset()),
            "shared cursor delivered " + e.get().offset() + " of " + other.topic + " twice");
      }
    } else if (op < 86) {
      Model other = models[rnd.nextInt(models.length)];
      Optional<Entry> e =
          rnd.nextBoolean()
              ? w.readNext(other.topic, false)
              : w.readNext(other.topic, "c", false); // peeks, never moving a cursor
      e.ifPresent(x -> checkEntry(other.topic, x));
    } else if (op < 97) {
      long next = (long) (rnd.nextDouble() * (m.end + 1));
      w.checkpoint(m.topic, "k", next);
      m.checkpointed = next;
    } else {
      w.sync();
    }
  }

  /** The allocation-free read, its view copied into an entry while the handler runs. */
  private static Optional<Entry> viewRead(Walrus w, String topic, String consumer) {
    List<Entry> got = new ArrayList<>(1);
    w.readNext(topic, consumer, true, (o, ts, p) -> got.add(copy(topic, o, p)));
    return got.stream().findFirst();
  }

  private static List<Entry> viewBatch(Walrus w, String topic, String consumer, long budget) {
    List<Entry> got = new ArrayList<>();
    int n = w.batchRead(topic, consumer, budget, true, (o, ts, p) -> got.add(copy(topic, o, p)));
    check(n == got.size(), "batchRead counted " + n + ", handed out " + got.size());
    return got;
  }

  private static Entry copy(String topic, long offset, java.nio.ByteBuffer payload) {
    byte[] b = new byte[payload.remaining()];
    payload.get(b);
    return new Entry(topic, offset, b);
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  private static void checkEntry(String topic, Entry e) {
    check(
        Arrays.equals(e.data(), CrashChild.payload(topic, e.offset())),
        "wrong bytes at offset " + e.offset() + " of " + topic);
  }

  private static void verify(Walrus w, Model m) {
    long next = 0;
    List<Entry> got;
    while (!(got = w.batchReadForTopic(m.topic, "verify", 1 << 20, true)).isEmpty()) {
      for (Entry e : got) {
        assertThat(e.offset()).as("offsets of %s are continuous", m.topic).isEqualTo(next);
        checkEntry(m.topic, e);
        next++;
      }
    }
    w.removeConsumer(m.topic, "verify");
    assertThat(next)
        .as("every acknowledged entry of %s, and nothing else", m.topic)
        .isEqualTo(m.end);
    assertThat(w.position(m.topic, "c")).as("consumer c of %s", m.topic).isEqualTo(m.named);
    assertThat(w.position(m.topic, "b")).as("consumer b of %s", m.topic).isEqualTo(m.batched);
    if (w.position(m.topic, "k") != m.checkpointed) {
      assertThat(w.position(m.topic, "k"))
          .as("consumer k of %s", m.topic)
          .isEqualTo(m.checkpointed);
    }
    TopicStats st = w.stats(m.topic).orElseThrow();
    long shared = st.nextOffset() - st.unread().get(TopicStats.DEFAULT_CONSUMER);
    assertThat(m.sharedConsumed)
        .as("the shared cursor of %s delivered each entry below its" + " position once", m.topic)
        .hasSize((int) shared);
    for (long o = 0; o < shared; o++) {
      assertThat(m.sharedConsumed).contains(o);
    }
  }
}
