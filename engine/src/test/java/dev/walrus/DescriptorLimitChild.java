package dev.walrus;

import dev.walrus.crash.CrashChild;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Run by {@link DescriptorLimitTest} in a child JVM under {@code ulimit -n}: writes one
 * small data file per entry (hundreds of files), syncs, closes, reopens and reads them all.
 * Prints {@code OK <entries>} on success; any failure escapes (non-zero exit).
 */
public final class DescriptorLimitChild {
  private DescriptorLimitChild() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    for (int round = 0; round < 2; round++) {
      try (Walrus w =
          Walrus.builder()
              .dataDir(dir)
              .namespace(null)
              .blockSize(4096)
              .blocksPerFile(1)
              .fsyncSchedule(FsyncSchedule.milliseconds(3_600_000))
              .quiet(true)
              .open()) {
        if (round == 0) {
          w.appendForTopic("t", CrashChild.payload("t", 0));
          w.checkpoint("t", "holder", 0);
          for (int i = 1; i < n; i++) {
            byte[] big = Arrays.copyOf(CrashChild.payload("t", i), 3000); // a block each
            w.appendForTopic("t", big);
          }
          w.sync();
        } else {
          long got = 0;
          for (Entry e; (e = w.readNext("t", "reader", true).orElse(null)) != null; got++) {
            if (e.offset() != got) {
              throw new IllegalStateException("read " + e.offset() + ", expected " + got);
            }
          }
          System.out.println("OK " + got);
        }
      }
    }
  }
}
