package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.internal.maintenance.Maintenance;
import dev.walrus.internal.storage.FileChannelBackend;
import dev.walrus.internal.storage.ForwardingBackend;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances of one process share their background threads ({@code internal.maintenance})
 * and, with io_uring, one ring, but each still fails, syncs and closes on its own: one
 * instance's hung or failed force, lost ownership or close neither stalls nor breaks
 * another's periodic force, appends or batches. Runs on every backend (the second
 * instance uses the execution's backend; the faulty one is the FD backend under a
 * forwarding wrapper).
 */
class SharedMaintenanceTest {
  private static final long DEADLINE_SECONDS = 30;

  @TempDir Path dir;

  /** The FD backend whose background forces block or fail once armed. */
  private static final class FaultyForces extends ForwardingBackend {
    final AtomicBoolean armed = new AtomicBoolean();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    volatile boolean fail;

    FaultyForces() {
      super(new FileChannelBackend());
    }

    @Override
    public String name() {
      return "faulty-forces";
    }

    @Override
    public void forceAll(List<StorageFile> files) throws IOException {
      if (!files.isEmpty()
          && Thread.currentThread().getName().startsWith("walrus-maintenance")
          && armed.compareAndSet(true, false)) {
        entered.countDown();
        if (fail) {
          throw new IOException("injected EIO on the background force");
        }
        try { // bounded, but longer than any wait of a test: a broken engine fails first
          release.await(4 * DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      super.forceAll(files);
    }
  }

  /** Counts an instance's background force passes. */
  private static final class Forces implements WalrusMetricsListener {
    final AtomicInteger passes = new AtomicInteger();

    @Override
    public void onFsync(int files, long nanos) {
      passes.incrementAndGet();
    }
  }

  private Walrus.Builder builder(String ns) {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(ns)
        .fsyncSchedule(FsyncSchedule.milliseconds(5))
        .quiet(true);
  }

  private static void await(String what, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
    while (!cond.getAsBoolean()) {
      assertThat(System.nanoTime() < deadline).as("in time: " + what).isTrue();
      Thread.sleep(5); // polling with a deadline, not synchronisation
    }
  }

  /** Appends to {@code w} and waits until a background force pass covered it. */
  private static void appendAndAwaitForce(Walrus w, Forces f, String what) throws Exception {
    int before = f.passes.get();
    w.appendForTopic("t", new byte[100]);
    await(what, () -> f.passes.get() > before);
  }

  @Test
  void hungBackgroundForcesOfSomeInstancesDoNotDelayAnothers() throws Exception {
    // more hung instances than the workers there are when nothing is slow: the others'
    // forces still run (the shared threads grow past the hung ones)
    int hung = Maintenance.BASE_WORKERS + 1;
    List<FaultyForces> faulty = new ArrayList<>();
    List<Walrus> stuck = new ArrayList<>();
    Forces forcesB = new Forces();
    try {
      for (int i = 0; i < hung; i++) {
        FaultyForces f = new FaultyForces();
        faulty.add(f);
        Walrus a = builder("a" + i).storageBackend(f).open();
        stuck.add(a);
        f.armed.set(true);
        a.appendForTopic("t", new byte[100]);
        assertThat(f.entered.await(DEADLINE_SECONDS, TimeUnit.SECONDS))
            .as("a%d's background force started", i)
            .isTrue();
      }
      try (Walrus b = builder("b").open();
          AutoCloseable l = b.addMetricsListener(forcesB)) {
        for (int i = 0; i < 3; i++) {
          appendAndAwaitForce(b, forcesB, "b's background force " + i + " while others hang");
        }
        for (FaultyForces f : faulty) {
          assertThat(f.release.getCount()).as("still hung").isEqualTo(1);
        }
        assertThat(b.health().isOpen()).isTrue();
      }
    } finally {
      faulty.forEach(f -> f.release.countDown());
      for (Walrus a : stuck) {
        assertThat(a.health().isOpen()).isTrue();
        a.close();
      }
    }
  }

  @Test
  void aFailedBackgroundForcePoisonsOnlyItsInstance() throws Exception {
    FaultyForces faulty = new FaultyForces();
    faulty.fail = true;
    Forces forcesB = new Forces();
    try (Walrus a = builder("a").storageBackend(faulty).open();
        Walrus b = builder("b").open();
        AutoCloseable l = b.addMetricsListener(forcesB)) {
      faulty.armed.set(true);
      a.appendForTopic("t", new byte[100]);
      await("a is poisoned", () -> !a.health().isOpen());
      assertThatThrownBy(() -> a.appendForTopic("t", new byte[1]))
          .isInstanceOf(WalrusPoisonedException.class);
      appendAndAwaitForce(b, forcesB, "b's background force after a was poisoned");
      b.batchAppendForTopic("t", List.of(new byte[10], new byte[20]));
      b.sync();
      assertThat(b.health().isOpen()).isTrue();
    }
  }

  @Test
  void aLostOwnershipPoisonsOnlyItsInstance() throws Exception {
    Forces forcesB = new Forces();
    try (Walrus a = builder("a").open();
        Walrus b = builder("b").open();
        AutoCloseable l = b.addMetricsListener(forcesB)) {
      Path nsA = dir.resolve("a");
      // something else put in place of both lock files: a's re-check must give up
      Files.delete(nsA.resolve("LOCK"));
      Files.delete(nsA.resolve("OWNER"));
      Files.createDirectory(nsA.resolve("LOCK"));
      Files.createDirectory(nsA.resolve("OWNER"));
      await("a's ownership re-check poisons it", () -> !a.health().isOpen());
      appendAndAwaitForce(b, forcesB, "b's background force after a lost its namespace");
      assertThat(b.health().isOpen()).isTrue();
      Files.delete(nsA.resolve("LOCK"));
      Files.delete(nsA.resolve("OWNER"));
    }
  }

  @Test
  void closingOneInstanceLeavesTheOthersBackgroundWorkAndRingInPlace() throws Exception {
    Forces forcesB = new Forces();
    try (Walrus b = builder("b").open();
        AutoCloseable l = b.addMetricsListener(forcesB)) {
      for (int round = 0; round < 3; round++) {
        Walrus a = builder("a").open();
        a.batchAppendForTopic("t", List.of(new byte[10], new byte[20]));
        a.close();
        // the shared threads (and the shared io_uring ring, on that backend) serve b still
        appendAndAwaitForce(b, forcesB, "b's background force after a closed, round " + round);
        b.batchAppendForTopic("t", List.of(new byte[10], new byte[20]));
        assertThat(b.batchReadForTopic("t", 1 << 20, false)).isNotEmpty();
        b.sync();
      }
      assertThat(b.health().isOpen()).isTrue();
    }
  }

  @Test
  void aHundredInstancesShareABoundedNumberOfMaintenanceThreads() throws Exception {
    List<Walrus> open = new ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) {
        Walrus w = builder("n" + i).open();
        w.appendForTopic("t", new byte[100]);
        open.add(w);
      }
      long maintenance =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.getName().startsWith("walrus-maintenance"))
              .count();
      assertThat(maintenance)
          .as("maintenance threads for 100 open instances (timer + workers)")
          .isLessThanOrEqualTo(1 + Maintenance.MAX_WORKERS)
          .isLessThan(open.size());
      long ring =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.getName().startsWith("walrus-io_uring"))
              .count();
      assertThat(ring).as("io_uring threads (one shared ring, or none)").isLessThanOrEqualTo(1);
    } finally {
      for (Walrus w : open) {
        w.close();
      }
    }
  }
}
