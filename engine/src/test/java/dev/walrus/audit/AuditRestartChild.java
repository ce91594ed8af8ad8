package dev.walrus.audit;

import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import dev.walrus.testkit.Payloads;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The process {@link AuditRestartTest} kills: on a thread whose interrupt status is set
 * before every call, appends to topic {@code a} (single and batch) and consumes it through
 * the named consumer {@code h} with the allocation-free reads and through the shared cursor
 * with the copying reads. After each call returns it prints one unbuffered line: {@code A
 * off}, {@code B first n}, {@code H first n} (the handler read consumed {@code [first,
 * first + n)}), {@code S off}; {@code X reason} on a wrong entry.
 *
 * <p>Arguments: data dir, consistency ({@code strict} or {@code alo:N}), schedule
 * ({@code nofsync}, {@code ms200}, {@code synceach}), seed.
 */
public final class AuditRestartChild {
  private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);

  private AuditRestartChild() {}

  static byte[] payload(long offset) {
    return Payloads.of("a", offset, 300);
  }

  static Walrus open(Path dir, String consistency, String schedule) {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(4)
        .consistency(
            consistency.equals("strict")
                ? ReadConsistency.strictlyAtOnce()
                : ReadConsistency.atLeastOnce(Integer.parseInt(consistency.substring(4))))
        .fsyncSchedule(
            switch (schedule) {
              case "nofsync" -> FsyncSchedule.noFsync();
              case "synceach" -> FsyncSchedule.syncEach();
              default -> FsyncSchedule.milliseconds(200);
            })
        .open();
  }

  private static void say(String line) throws IOException {
    OUT.write((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  public static void main(String[] args) throws IOException {
    Random rnd = new Random(Long.parseLong(args[3]));
    Thread.currentThread().interrupt();
    Walrus w = open(Path.of(args[0]), args[1], args[2]);
    long next = w.stats("a").map(s -> s.nextOffset()).orElse(0L);
    say("O " + next);
    while (true) {
      Thread.currentThread().interrupt();
      int op = rnd.nextInt(10);
      if (op < 4) {
        long off = w.appendForTopic("a", payload(next));
        if (off != next) {
          say("X append got " + off + " expected " + next);
          return;
        }
        next++;
        say("A " + off);
      } else if (op < 5) {
        int n = 1 + rnd.nextInt(30);
        List<byte[]> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          batch.add(payload(next + i));
        }
        long first = w.batchAppendForTopic("a", batch);
        if (first != next) {
          say("X batch got " + first + " expected " + next);
          return;
        }
        next += n;
        say("B " + first + " " + n);
      } else if (op < 8) {
        long[] range = {-1, 0};
        String[] bad = {null};
        EntryCheck check =
            (o, p) -> {
              if (range[0] < 0) {
                range[0] = o;
              } else if (o != range[0] + range[1]) {
                bad[0] = "handler offset " + o + " after " + (range[0] + range[1] - 1);
              }
              range[1]++;
              if (!java.util.Arrays.equals(p, payload(o))) {
                bad[0] = "wrong payload at " + o;
              }
            };
        if (op == 5) {
          w.readNext(
              "a",
              "h",
              true,
              (o, ts, b) -> {
                byte[] p = new byte[b.remaining()];
                b.get(p);
                check.accept(o, p);
              });
        } else {
          w.batchRead(
              "a",
              "h",
              1 + rnd.nextInt(4000),
              true,
              (o, ts, b) -> {
                byte[] p = new byte[b.remaining()];
                b.get(p);
                check.accept(o, p);
              });
        }
        if (bad[0] != null) {
          say("X " + bad[0]);
          return;
        }
        if (range[1] > 0) {
          say("H " + range[0] + " " + range[1]);
        }
      } else {
        var e = w.readNext("a", true);
        if (e.isPresent()) {
          if (!java.util.Arrays.equals(e.get().data(), payload(e.get().offset()))) {
            say("X shared wrong payload at " + e.get().offset());
            return;
          }
          say("S " + e.get().offset());
        }
      }
    }
  }

  private interface EntryCheck {
    void accept(long offset, byte[] payload);
  }
}
