package dev.walrus.lifecycle;

import dev.walrus.Entry;
import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import dev.walrus.testkit.Payloads;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

/**
 * The process {@link LifecycleCrashTest} kills. Arguments: data dir, mode, seed.
 *
 * <p>Mode {@code delete}: appends to {@code doomed} and {@code kept} ({@code A topic off}
 * after each returns), consumes {@code doomed} as consumer {@code c} ({@code R off}), and
 * now and then deletes {@code doomed}: {@code D} before the call, {@code d end} after it
 * returned.
 *
 * <p>Mode {@code retention}: appends to {@code r} under a 12 KiB size limit ({@code A r off}),
 * runs a reclamation pass (retention included) every 10 appends ({@code P} after it), and
 * consumes slowly as consumer {@code s}.
 *
 * <p>Each line is one unbuffered write, written after the operation it acknowledges returned.
 */
public final class LifecycleCrashChild {
  static final int RETENTION_BYTES = 3 * 4096;
  private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);

  private LifecycleCrashChild() {}

  static byte[] payload(String topic, long offset) {
    return Payloads.of(topic, offset, 200);
  }

  static Walrus open(Path dir, String mode) {
    Walrus.Builder b =
        Walrus.builder().dataDir(dir).namespace(null).blockSize(4096).blocksPerFile(2).quiet(true);
    if (mode.equals("retention")) {
      b.retentionBytes(RETENTION_BYTES);
    }
    return b.open();
  }

  private static void line(String s) throws IOException {
    OUT.write((s + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    String mode = args[1];
    Random rnd = new Random(Long.parseLong(args[2]));
    Walrus w = open(dir, mode);
    line("S");
    if (mode.equals("delete")) {
      runDeletes(w, rnd);
    } else {
      runRetention(w, rnd);
    }
  }

  private static long next(Walrus w, String topic) {
    return w.stats(topic).map(TopicStats::nextOffset).orElse(w.position(topic));
  }

  private static void runDeletes(Walrus w, Random rnd) throws IOException {
    while (true) {
      int n = 1 + rnd.nextInt(20);
      for (int i = 0; i < n; i++) {
        long o = w.appendForTopic("doomed", payload("doomed", next(w, "doomed")));
        line("A doomed " + o);
        long k = w.appendForTopic("kept", payload("kept", next(w, "kept")));
        line("A kept " + k);
        if (rnd.nextInt(3) == 0) {
          Optional<Entry> e = w.readNext("doomed", "c", true);
          if (e.isPresent()) {
            line("R " + e.get().offset());
          }
        }
      }
      if (rnd.nextInt(2) == 0) {
        long end = w.stats("doomed").orElseThrow().nextOffset();
        line("D");
        if (!w.deleteTopic("doomed")) {
          line("X deleteTopic returned false for a listed topic");
          System.exit(3);
        }
        line("d " + end);
      }
    }
  }

  private static void runRetention(Walrus w, Random rnd) throws IOException {
    long i = 0;
    while (true) {
      long o = w.appendForTopic("r", payload("r", next(w, "r")));
      line("A r " + o);
      if (++i % 10 == 0) {
        w.reclaim();
        line("P");
      }
      if (rnd.nextInt(7) == 0) {
        Optional<Entry> e = w.readNext("r", "s", true);
        if (e.isPresent()
            && !java.util.Arrays.equals(e.get().data(), payload("r", e.get().offset()))) {
          line("X wrong payload at " + e.get().offset());
          System.exit(3);
        }
      }
    }
  }
}
