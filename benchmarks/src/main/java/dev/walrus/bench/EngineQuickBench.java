package dev.walrus.bench;

import dev.walrus.Entry;
import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A quick single-thread measurement of the blocking engine on 100-byte entries, with the
 * raw {@code pwrite} ceiling measured in the same run for a ratio. Not a JMH benchmark:
 * a smoke figure for closing notes. Usage: {@code EngineQuickBench [dir] [seconds]}.
 */
public final class EngineQuickBench {
  private static final int SIZE = 100;

  private EngineQuickBench() {}

  public static void main(String[] args) throws Exception {
    Path base =
        args.length > 0
            ? Files.createDirectories(Path.of(args[0]))
            : Files.createTempDirectory("walrus-bench");
    double secs = args.length > 1 ? Double.parseDouble(args[1]) : 2.0;
    byte[] payload = new byte[SIZE];
    List<String[]> rows = new ArrayList<>();

    double pwrite = pwriteCeiling(base.resolve("raw.bin"), secs);
    rows.add(new String[] {"pwrite 128 B (ceiling)", fmt(pwrite), ""});
    for (FsyncSchedule s :
        new FsyncSchedule[] {
          FsyncSchedule.noFsync(), FsyncSchedule.milliseconds(200), FsyncSchedule.syncEach()
        }) {
      Path dir = base.resolve("append-" + s.kind());
      try (Walrus w =
          Walrus.builder().sharedCursor(false).dataDir(dir).fsyncSchedule(s).quiet(true).open()) {
        double r = rate(secs, () -> w.appendForTopic("bench", payload));
        rows.add(new String[] {"appendForTopic " + s, fmt(r), pct(r, pwrite)});
      }
    }
    Path readDir = base.resolve("read");
    int n = 2_000_000;
    List<byte[]> batch = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      batch.add(payload);
    }
    String[][] backends = {
      {"positional", "FD", "false"}, {"io_uring", "FD", "true"}, {"mmap", "MMAP", "false"}
    };
    for (String[] b : backends) {
      Path dir = base.resolve("batch-" + b[0]);
      Walrus.Builder builder =
          Walrus.builder()
              .sharedCursor(false)
              .dataDir(dir)
              .fsyncSchedule(FsyncSchedule.noFsync())
              .backend(dev.walrus.Backend.valueOf(b[1]))
              .ioUring(Boolean.parseBoolean(b[2]))
              .quiet(true);
      try (Walrus w = builder.open()) {
        String used = w.backendInfo().toString();
        if (b[0].equals("io_uring") && !w.backendInfo().ioUring()) {
          System.out.println("io_uring unavailable here; its rows are skipped");
          continue;
        }
        double single = rate(secs, () -> w.appendForTopic("single", payload));
        rows.add(
            new String[] {
              "appendForTopic NoFsync [" + used + "]", fmt(single), pct(single, pwrite)
            });
        long t0 = System.nanoTime();
        for (int i = 0; i < n / 1000; i++) {
          w.batchAppendForTopic("bench", batch);
        }
        double r = n / ((System.nanoTime() - t0) / 1e9);
        rows.add(
            new String[] {"batchAppend 1000 x 100 B [" + used + "]", fmt(r) + " entries/s", ""});
        t0 = System.nanoTime();
        long got = 0;
        List<Entry> chunk;
        while (!(chunk = w.batchReadForTopic("bench", "batch", 1000 * 100, true)).isEmpty()) {
          got += chunk.size();
        }
        r = got / ((System.nanoTime() - t0) / 1e9);
        rows.add(new String[] {"batchRead 1000 x 100 B [" + used + "]", fmt(r) + " entries/s", ""});
      }
    }
    try (Walrus w =
        Walrus.builder()
            .sharedCursor(false)
            .dataDir(readDir)
            .fsyncSchedule(FsyncSchedule.noFsync())
            .quiet(true)
            .open()) {
      // a cursor that never moves keeps every file: without it the first consumer's reads
      // let reclamation delete what the later consumers are to read (only the shared cursor,
      // off here, would hold them)
      w.checkpoint("bench", "holder", 0);
      for (int i = 0; i < n / 1000; i++) {
        w.batchAppendForTopic("bench", batch);
      }
    }
    for (ReadConsistency c :
        new ReadConsistency[] {
          ReadConsistency.atLeastOnce(1000), ReadConsistency.strictlyAtOnce()
        }) {
      try (Walrus w =
          Walrus.builder().sharedCursor(false).dataDir(readDir).consistency(c).quiet(true).open()) {
        String consumer = "c-" + c.persistEvery() + c.isStrict();
        long t0 = System.nanoTime();
        long got = 0;
        while (w.readNext("bench", consumer, true).isPresent()) {
          got++;
        }
        double r = got / ((System.nanoTime() - t0) / 1e9);
        rows.add(new String[] {"readNext " + c, fmt(r), ""});
      }
    }
    try (Walrus w = Walrus.builder().sharedCursor(false).dataDir(readDir).quiet(true).open()) {
      long t0 = System.nanoTime();
      long got = 0;
      List<Entry> b;
      while (!(b = w.batchReadForTopic("bench", "batch", 1 << 20, true)).isEmpty()) {
        got += b.size();
      }
      double r = got / ((System.nanoTime() - t0) / 1e9);
      rows.add(
          new String[] {
            "batchReadForTopic 1 MiB budget [" + w.backendInfo() + "]", fmt(r) + " entries/s", ""
          });
    }
    System.out.printf(
        "%-58s %22s %10s%n", "operation (100-byte entries, one thread)", "rate/s", "vs pwrite");
    for (String[] r : rows) {
      System.out.printf("%-58s %22s %10s%n", r[0], r[1], r[2]);
    }
    deleteTree(base);
  }

  private static double pwriteCeiling(Path file, double secs) throws IOException {
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocateDirect(128);
      long[] pos = {0};
      return rate(
          secs,
          () -> {
            b.clear();
            try {
              pos[0] += ch.write(b, pos[0]);
            } catch (IOException e) {
              throw new RuntimeException(e);
            }
          });
    }
  }

  private interface Op {
    void run() throws Exception;
  }

  private static double rate(double secs, Op op) {
    try {
      long warm = System.nanoTime() + (long) (secs * 0.3e9);
      while (System.nanoTime() < warm) {
        for (int i = 0; i < 1000; i++) {
          op.run();
        }
      }
      long ops = 0;
      long t0 = System.nanoTime();
      long end = t0 + (long) (secs * 1e9);
      long now;
      while ((now = System.nanoTime()) < end) {
        for (int i = 0; i < 1000; i++) {
          op.run();
        }
        ops += 1000;
      }
      return ops / ((now - t0) / 1e9);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  private static String fmt(double r) {
    return String.format("%,.0f", r);
  }

  private static String pct(double r, double base) {
    return String.format("%.0f%%", 100 * r / base);
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    }
  }
}
