package dev.walrus.bench.memory;

import dev.walrus.Backend;
import dev.walrus.Walrus;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Opens N namespaces in one process, each with T topics of three 100-byte entries, and
 * prints what they hold while open: live threads (ThreadMXBean), direct memory (the
 * "direct" BufferPoolMXBean, after a GC) and descriptors ({@code /proc/self/fd}), in total
 * and per namespace over what the process held before the first open, plus the walrus
 * threads by name. Run it with {@code T = 0} to see a namespace's own cost and with
 * {@code T = 1} to add one small topic's (its staging and read-ahead buffers).
 *
 * <p>Usage: {@code NamespacesProbe <namespaces> [fd|fd-positional|mmap] [topics] [dir]}.
 */
public final class NamespacesProbe {
  private NamespacesProbe() {}

  /**
   * @param args the namespace count, the backend, the topics per namespace, the directory
   * @throws Exception if the probe fails
   */
  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    String backend = args.length > 1 ? args[1] : "fd";
    int topics = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Path dir = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("walrus-ns");
    var threads = ManagementFactory.getThreadMXBean();
    int t0 = threads.getThreadCount();
    long d0 = direct();
    long f0 = descriptors();
    List<Walrus> open = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int i = 0; i < n; i++) {
        Walrus.Builder b = Walrus.builder().dataDir(dir).namespace("tenant-" + i).quiet(true);
        switch (backend) {
          case "mmap" -> b.backend(Backend.MMAP);
          case "fd-positional" -> b.backend(Backend.FD).ioUring(false);
          default -> b.backend(Backend.FD);
        }
        Walrus w = b.open();
        open.add(w);
        for (int t = 0; t < topics; t++) {
          for (int k = 0; k < 3; k++) {
            w.appendForTopic("t" + t, new byte[100]);
          }
        }
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      Thread.sleep(1500); // two rounds of every instance's periodic tasks
      System.gc(); // what is unreachable (recovery's scan windows) is not held
      Thread.sleep(200);
      int t1 = threads.getThreadCount();
      long d1 = direct();
      long f1 = descriptors();
      System.out.printf(
          "namespaces=%d backend=%s topics=%d open_ms=%d threads=%d (+%d, %.3f/ns)"
              + " direct_kib=%d (+%d, %.1f KiB/ns) fds=%d (+%d, %.2f/ns)%n",
          n,
          backend,
          topics,
          ms,
          t1,
          t1 - t0,
          (t1 - t0) / (double) n,
          d1 >> 10,
          (d1 - d0) >> 10,
          (d1 - d0) / 1024.0 / n,
          f1,
          f1 - f0,
          (f1 - f0) / (double) n);
      Map<String, Integer> names = new TreeMap<>();
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().startsWith("walrus")) {
          names.merge(t.getName().replaceAll("-[0-9]+$", "-N"), 1, Integer::sum);
        }
      }
      System.out.println("walrus threads: " + names);
    } finally {
      for (Walrus w : open) {
        w.close();
      }
    }
  }

  private static long direct() {
    for (BufferPoolMXBean p : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (p.getName().equals("direct")) {
        return p.getMemoryUsed();
      }
    }
    return -1;
  }

  private static long descriptors() throws IOException {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) {
      return -1;
    }
    try (Stream<Path> s = Files.list(fds)) {
      return s.count();
    }
  }
}
