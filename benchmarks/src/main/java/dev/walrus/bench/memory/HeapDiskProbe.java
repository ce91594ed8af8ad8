package dev.walrus.bench.memory;

import dev.walrus.Entry;
import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import dev.walrus.bench.jmh.BenchDirs;
import dev.walrus.bench.peer.ChroniclePeer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Writes N 100-byte entries to one log, then reopens it and reads them all, printing
 * {@code key=value} lines: the used heap after a full GC at a small log size and at N (on
 * the way in and on the way out), the bytes the log allocated on disk, and how long the
 * reopen took. Runs in its own JVM (see {@link ProbeLauncher}) so one log's heap does not
 * colour the other's.
 *
 * <p>Usage: {@code HeapDiskProbe walrus|chronicle <entries> <milestone>}.
 */
public final class HeapDiskProbe {
  private static final int BATCH = 1000;

  private HeapDiskProbe() {}

  /**
   * @param args the implementation, the entry count and the milestone
   * @throws Exception if the probe fails
   */
  public static void main(String[] args) throws Exception {
    String impl = args[0];
    long n = Long.parseLong(args[1]);
    long milestone = Long.parseLong(args[2]);
    if (n % BATCH != 0 || milestone % BATCH != 0) {
      throw new IllegalArgumentException("counts must be multiples of " + BATCH);
    }
    Path dir = BenchDirs.fresh("probe-" + impl);
    try {
      if (impl.equals("walrus")) {
        walrus(dir, n, milestone);
      } else {
        chronicle(dir, n, milestone);
      }
    } finally {
      BenchDirs.delete(dir);
    }
  }

  private static Walrus open(Path dir) {
    return Walrus.builder()
        .sharedCursor(false)
        .dataDir(dir)
        .fsyncSchedule(FsyncSchedule.noFsync())
        .consistency(ReadConsistency.atLeastOnce(1000))
        .quiet(true)
        .open();
  }

  private static void walrus(Path dir, long n, long milestone) throws Exception {
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < BATCH; i++) {
      batch.add(BenchDirs.payload(100));
    }
    try (Walrus w = open(dir)) {
      for (long written = 0; written < n; written += BATCH) {
        w.batchAppendForTopic("probe", batch);
        if (written + BATCH == milestone) {
          report("heapAfterWriteMilestone", usedHeap());
        }
      }
      report("heapAfterWrite", usedHeap());
    }
    report("diskBytes", allocated(dir));
    long t0 = System.nanoTime();
    try (Walrus w = open(dir)) {
      report("reopenMillis", (System.nanoTime() - t0) / 1e6);
      long read = 0;
      boolean milestoneSeen = false;
      List<Entry> got;
      while (!(got = w.batchReadForTopic("probe", "reader", 2000 * 100L, true)).isEmpty()) {
        read += got.size();
        if (!milestoneSeen && read >= milestone) {
          milestoneSeen = true;
          report("heapAfterReadMilestone", usedHeap());
        }
      }
      check(read, n);
      report("heapAfterRead", usedHeap());
    }
  }

  private static void chronicle(Path dir, long n, long milestone) throws Exception {
    byte[] payload = BenchDirs.payload(100);
    try (ChroniclePeer q = ChroniclePeer.open(dir)) {
      for (long written = 1; written <= n; written++) {
        q.append(payload);
        if (written == milestone) {
          report("heapAfterWriteMilestone", usedHeap());
        }
      }
      report("heapAfterWrite", usedHeap());
    }
    report("diskBytes", allocated(dir));
    long t0 = System.nanoTime();
    try (ChroniclePeer q = ChroniclePeer.open(dir)) {
      report("reopenMillis", (System.nanoTime() - t0) / 1e6);
      long read = 0;
      while (q.readNext() != null) {
        if (++read == milestone) {
          report("heapAfterReadMilestone", usedHeap());
        }
      }
      check(read, n);
      report("heapAfterRead", usedHeap());
    }
  }

  private static void check(long read, long n) {
    if (read != n) {
      throw new IllegalStateException("read " + read + " entries, wrote " + n);
    }
  }

  private static void report(String key, double value) {
    System.out.println("probe." + key + "=" + value);
    System.out.flush();
  }

  /** Used heap after full collections, once it stops shrinking. */
  static long usedHeap() throws InterruptedException {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
      best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  /** Bytes allocated on disk (as {@code du} counts them: sparse files count what is used). */
  static long allocated(Path dir) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("du", "-s", "-B1", dir.toString()).start();
    String out = new String(p.getInputStream().readAllBytes()).trim();
    if (p.waitFor() == 0 && !out.isEmpty()) {
      return Long.parseLong(out.split("\\s+")[0]);
    }
    try (Stream<Path> s = Files.walk(dir)) { // no du: logical sizes (overstates sparse files)
      return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }
}
