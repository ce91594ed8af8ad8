package dev.walrus.crash;

import dev.walrus.Entry;
import dev.walrus.FsyncSchedule;
import dev.walrus.InvalidArgumentException;
import dev.walrus.ReadConsistency;
import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import dev.walrus.testkit.Payloads;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The process {@link CrashTest} kills: opens a namespace and appends (single and batch) and
 * consumes (readNext and batch reads on the shared cursor) forever, at random. Before each
 * operation it prints an intent line ({@code a t off}, {@code b t first n}, {@code r t},
 * {@code q t}, {@code c t off}) and after the operation returns an acknowledgment line
 * ({@code A t off len}, {@code B t first n}, {@code R t off}, {@code Q t first n},
 * {@code E t} for an empty read, {@code C t off} for an explicit checkpoint of the named
 * consumer {@value #CHECKPOINTER}).
 * Each line is one unbuffered write, so a line the parent reads was written after the
 * operation it acknowledges returned. Payloads are derived from topic and offset
 * ({@link #payload}); a read that returns anything else prints {@code X reason} and exits.
 *
 * <p>Arguments: data dir, schedule ({@code nofsync}, {@code ms200}, {@code synceach}),
 * consistency ({@code strict} or {@code alo:N}), seed, and optionally {@code checkpoints}
 * to mix in explicit checkpoints of the named consumer.
 */
public final class CrashChild {
  static final String[] TOPICS = {"c0", "c1", "c2"};

  /** The named consumer moved by explicit {@code checkpoint} calls. */
  static final String CHECKPOINTER = "cp";

  private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);

  private CrashChild() {}

  /** @return the payload of {@code topic} at {@code offset}: 0 to 299 bytes */
  public static byte[] payload(String topic, long offset) {
    return Payloads.of(topic, offset, 300);
  }

  static FsyncSchedule schedule(String s) {
    switch (s) {
      case "nofsync":
        return FsyncSchedule.noFsync();
      case "synceach":
        return FsyncSchedule.syncEach();
      case "ms200":
        return FsyncSchedule.milliseconds(200);
      default:
        throw new IllegalArgumentException(s);
    }
  }

  static ReadConsistency consistency(String s) {
    return s.equals("strict")
        ? ReadConsistency.strictlyAtOnce()
        : ReadConsistency.atLeastOnce(Integer.parseInt(s.substring(4)));
  }

  static Walrus open(Path dir, String schedule, String consistency) {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(4)
        .fsyncSchedule(schedule(schedule))
        .consistency(consistency(consistency))
        .open();
  }

  /** @return the shared cursor's position as the engine reports it */
  static long sharedPosition(TopicStats s) {
    Long unread = s.unread().get(TopicStats.DEFAULT_CONSUMER);
    return unread == null ? s.firstOffset() : s.nextOffset() - unread;
  }

  private static void line(String s) throws IOException {
    OUT.write((s + "\n").getBytes(StandardCharsets.US_ASCII)); // one write(2): atomic on a pipe
  }

  private static void die(String why) throws IOException {
    line("X " + why);
    System.exit(3);
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Walrus w = open(dir, args[1], args[2]);
    Random rnd = new Random(Long.parseLong(args[3]));
    boolean checkpoints = args.length > 4 && args[4].equals("checkpoints");
    long[] next = new long[TOPICS.length];
    long[] cursor = new long[TOPICS.length];
    long[] cp = new long[TOPICS.length];
    for (int i = 0; i < TOPICS.length; i++) {
      Optional<TopicStats> s = w.stats(TOPICS[i]);
      next[i] = s.map(TopicStats::nextOffset).orElse(0L);
      cursor[i] = s.map(CrashChild::sharedPosition).orElse(0L);
      cp[i] =
          s.isPresent() && s.get().unread().containsKey(CHECKPOINTER)
              ? w.position(TOPICS[i], CHECKPOINTER)
              : -1;
    }
    line("S");
    while (true) {
      int i = rnd.nextInt(TOPICS.length);
      String t = TOPICS[i];
      int op = rnd.nextInt(100);
      if (op < 40) {
        long off = next[i];
        byte[] p = payload(t, off);
        line("a " + t + " " + off);
        long got = w.appendForTopic(t, p);
        if (got != off) {
          die("append to " + t + " returned " + got + ", expected " + off);
        }
        next[i]++;
        line("A " + t + " " + off + " " + p.length);
      } else if (op < 50) {
        int n = 2 + rnd.nextInt(39);
        long first = next[i];
        List<byte[]> ps = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
          ps.add(payload(t, first + k));
        }
        line("b " + t + " " + first + " " + n);
        long got = w.batchAppendForTopic(t, ps);
        if (got != first) {
          die("batch append to " + t + " returned " + got + ", expected " + first);
        }
        next[i] += n;
        line("B " + t + " " + first + " " + n);
      } else if (op < 55 && checkpoints) {
        cp[i] = checkpointForwards(w, t, cp[i], next[i], rnd, CrashChild::line);
      } else if (op < 80) {
        line("r " + t);
        Optional<Entry> e = w.readNext(t, true);
        if (e.isEmpty()) {
          if (cursor[i] != next[i]) {
            die("readNext of " + t + " empty at " + cursor[i] + " before the end " + next[i]);
          }
          line("E " + t);
        } else {
          check(e.get(), t, cursor[i]);
          cursor[i]++;
          line("R " + t + " " + e.get().offset());
        }
      } else {
        line("q " + t);
        List<Entry> l = w.batchReadForTopic(t, rnd.nextInt(3000), true);
        if (l.isEmpty()) {
          if (cursor[i] != next[i]) {
            die("batch read of " + t + " empty at " + cursor[i] + " before the end " + next[i]);
          }
          line("E " + t);
        } else {
          long first = cursor[i];
          for (Entry e : l) {
            check(e, t, cursor[i]);
            cursor[i]++;
          }
          line("Q " + t + " " + first + " " + l.size());
        }
      }
    }
  }

  /**
   * Where a child prints its protocol lines.
   *
   * @param <E> what printing may throw
   */
  @FunctionalInterface
  public interface Lines<E extends Exception> {
    /** @param line printed and flushed before the call goes on */
    void print(String line) throws E;
  }

  /**
   * An explicit checkpoint of {@link #CHECKPOINTER} on {@code t}, forwards from its last one
   * (or the first retained offset), up to 50 entries, never past {@code next}: prints
   * {@code c T X} before and {@code C T X} after it, or {@code K T} if the engine refused it
   * because reclamation raised the floor past X meanwhile (the shared cursor's progress let
   * it; nothing moved). Does nothing on an empty topic or with the floor above {@code next}.
   *
   * @param cp the last acknowledged checkpoint, or -1
   * @param next the topic's next offset
   * @return the checkpoint now
   */
  public static <E extends Exception> long checkpointForwards(
      Walrus w, String t, long cp, long next, Random rnd, Lines<E> out) throws E {
    long lo = cp >= 0 ? cp : w.stats(t).map(TopicStats::firstOffset).orElse(0L);
    if (next == 0 || lo > next) {
      return cp;
    }
    long x = lo + rnd.nextInt((int) Math.min(50, next - lo) + 1);
    out.print("c " + t + " " + x);
    try {
      w.checkpoint(t, CHECKPOINTER, x);
    } catch (InvalidArgumentException raced) {
      if (x >= w.stats(t).map(TopicStats::firstOffset).orElse(0L)) {
        throw raced;
      }
      out.print("K " + t); // refused: nothing moved
      return cp;
    }
    out.print("C " + t + " " + x);
    return x;
  }

  private static void check(Entry e, String t, long expected) throws IOException {
    if (e.offset() != expected || !Arrays.equals(e.data(), payload(t, expected))) {
      die("read of " + t + " returned " + e + ", expected offset " + expected);
    }
  }
}
