package dev.walrus.bench.scale;

import java.io.File;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the scaling probes read from their own process and from the disk: used heap after full
 * collections, the {@code direct} and {@code mapped} buffer pools, live threads, open file
 * descriptors, and the bytes a directory allocates (blocks, as {@code du} counts them) and
 * holds (apparent sizes).
 */
final class Gauges {
  private Gauges() {}

  /**
   * A snapshot of the process.
   *
   * @param heap used heap after full collections, bytes
   * @param direct bytes in the JVM's {@code direct} buffer pool
   * @param mapped bytes in the JVM's {@code mapped} buffer pool
   * @param threads live Java threads
   * @param descriptors open file descriptors ({@code /proc/self/fd}), -1 where not available
   */
  record Snapshot(long heap, long direct, long mapped, int threads, int descriptors) {}

  /**
   * @return the process as it is now, after full collections
   * @throws InterruptedException if interrupted between collections
   */
  static Snapshot take() throws InterruptedException {
    long heap = usedHeap();
    return new Snapshot(
        heap,
        pool("direct"),
        pool("mapped"),
        ManagementFactory.getThreadMXBean().getThreadCount(),
        descriptors());
  }

  /** Used heap after full collections, once it stops shrinking. */
  static long usedHeap() throws InterruptedException {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50); // lets reference processing and cleaners run between collections
      best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return best;
  }

  private static long pool(String name) {
    for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (b.getName().equals(name)) {
        return b.getMemoryUsed();
      }
    }
    return 0;
  }

  private static int descriptors() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length - 1; // less the one list() itself holds open
  }

  /**
   * @param dir a directory
   * @return the bytes its files allocate on disk (blocks, {@code du -s -B1}); sparse files
   *     count only what is allocated. Falls back to apparent sizes where {@code du} is missing
   * @throws IOException if the directory cannot be walked
   * @throws InterruptedException if interrupted while waiting for {@code du}
   */
  static long allocated(Path dir) throws IOException, InterruptedException {
    long du = du(dir, "-B1");
    return du >= 0 ? du : apparent(dir);
  }

  /**
   * @param dir a directory
   * @return the sum of its regular files' sizes (what {@code ls -l} shows)
   * @throws IOException if the directory cannot be walked
   */
  static long apparent(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  /**
   * @param dir a directory
   * @return how many regular files are under it
   * @throws IOException if the directory cannot be walked
   */
  static long files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  private static long du(Path dir, String unit) throws InterruptedException {
    try {
      Process p = new ProcessBuilder("du", "-s", unit, dir.toString()).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (p.waitFor() == 0 && !out.isEmpty()) {
        return Long.parseLong(out.split("\\s+")[0]);
      }
    } catch (IOException | NumberFormatException e) {
      // no du on this system: the caller falls back
    }
    return -1;
  }
}
