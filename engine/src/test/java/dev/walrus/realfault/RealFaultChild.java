package dev.walrus.realfault;

import dev.walrus.Entry;
import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import dev.walrus.crash.CrashChild;
import dev.walrus.testkit.WholeTopic;
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
 * The child JVM of the real-fault tests. The backend comes from the system properties
 * ({@link RealBackend#fromProperties()}).
 *
 * <p>{@code work DIR SCHEDULE SEED [OPTIONS]}: opens the namespace (StrictlyAtOnce, 4 KiB blocks, 4
 * per file: many files and directory syncs), prints {@code S t next cursor cp} for each
 * topic as it found it and {@code G}, then appends, batches, checkpoints the named consumer
 * {@value #CHECKPOINTER} and consumes forever, with {@link CrashChild}'s protocol:
 * an intent line before each call ({@code a t off}, {@code b t first n}, {@code c t off},
 * {@code r t}, {@code q t}) and an acknowledgment after it returned ({@code A t off len},
 * {@code B t first n}, {@code C t off}, {@code K t} for a refused checkpoint, {@code R t off},
 * {@code Q t first n}, {@code E t}). When a call throws, it prints {@code F description}
 * (class and message of the exception and its causes), then tries an append to the topic
 * {@value #PROBE} and a consuming read and prints {@code P append|read description} for
 * each (a poisoned instance refuses both), then {@code Z}, and halts. Each line is one
 * unbuffered write. OPTIONS, comma-separated: {@code hold} checkpoints a consumer
 * {@value #HOLDER} at 0 in each topic once it exists (nothing is ever reclaimed);
 * {@code appends} makes every call an append or a batch (no reads, no checkpoints: the
 * first call to meet a fault is a data write or its fsync, never a cursor write).
 *
 * <p>{@code files DIR N}: appends N entries that each fill a 4 KiB block of a file of one
 * block (N data files), closes, reopens, reads all back and prints {@code OK N}; or, if the
 * namespace already holds them, only reopens and reads. Run under {@code ulimit -n}.
 */
public final class RealFaultChild {
  /** The topics worked on. */
  static final String[] TOPICS = {"c0", "c1", "c2"};

  /** The named consumer moved by explicit checkpoints. */
  static final String CHECKPOINTER = "cp";

  /** With {@code hold}: the consumer that holds every topic at 0 (nothing is reclaimed). */
  static final String HOLDER = "hold";

  /** The topic the poison probes append to (never checked). */
  static final String PROBE = "p0";

  private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);

  private RealFaultChild() {}

  static void line(String s) {
    try {
      OUT.write((s + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      Runtime.getRuntime().halt(7); // the parent is gone
    }
  }

  public static void main(String[] args) throws Exception {
    RealBackend backend = RealBackend.fromProperties();
    Path dir = Path.of(args[1]);
    if (args[0].equals("files")) {
      files(backend, dir, Integer.parseInt(args[2]));
      return;
    }
    Walrus w = backend.open(backend.builder(dir, RealBackend.schedule(args[2]), 4096, 4));
    try {
      List<String> opts = args.length > 4 ? List.of(args[4].split(",")) : List.of();
      work(w, new Random(Long.parseLong(args[3])), opts.contains("hold"), opts.contains("appends"));
    } catch (Throwable e) {
      line("F " + Failures.describe(e));
      probe(w);
      line("Z");
      Runtime.getRuntime().halt(5);
    }
  }

  private static void probe(Walrus w) {
    try {
      w.appendForTopic(PROBE, new byte[] {1});
      line("P append accepted");
    } catch (Throwable e) {
      line("P append " + Failures.describe(e));
    }
    try {
      w.readNext(TOPICS[0], false);
      line("P read accepted");
    } catch (Throwable e) {
      line("P read " + Failures.describe(e));
    }
  }

  private static void work(Walrus w, Random rnd, boolean hold, boolean appendsOnly) {
    boolean[] held = new boolean[TOPICS.length];
    String[] topics = TOPICS;
    long[] next = new long[topics.length];
    long[] cursor = new long[topics.length];
    long[] cp = new long[topics.length];
    for (int i = 0; i < topics.length; i++) {
      Optional<TopicStats> s = w.stats(topics[i]);
      next[i] = s.map(TopicStats::nextOffset).orElse(0L);
      Long unread = s.map(x -> x.unread().get(TopicStats.DEFAULT_CONSUMER)).orElse(null);
      cursor[i] = unread == null ? s.map(TopicStats::firstOffset).orElse(0L) : next[i] - unread;
      cp[i] =
          s.isPresent() && s.get().unread().containsKey(CHECKPOINTER)
              ? w.position(topics[i], CHECKPOINTER)
              : -1;
      line("S " + topics[i] + " " + next[i] + " " + cursor[i] + " " + cp[i]);
    }
    line("G");
    while (true) {
      int i = rnd.nextInt(topics.length);
      String t = topics[i];
      int op = rnd.nextInt(appendsOnly ? 50 : 100);
      if (op < 40) {
        byte[] p = CrashChild.payload(t, next[i]);
        line("a " + t + " " + next[i]);
        expect(w.appendForTopic(t, p), next[i], "append to " + t);
        line("A " + t + " " + next[i]++ + " " + p.length);
        held[i] = hold && !held[i] ? holdAtZero(w, t) : held[i];
      } else if (op < 50) {
        int n = 2 + rnd.nextInt(39);
        List<byte[]> ps = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
          ps.add(CrashChild.payload(t, next[i] + k));
        }
        line("b " + t + " " + next[i] + " " + n);
        expect(w.batchAppendForTopic(t, ps), next[i], "batch append to " + t);
        line("B " + t + " " + next[i] + " " + n);
        next[i] += n;
        held[i] = hold && !held[i] ? holdAtZero(w, t) : held[i];
      } else if (op < 55) {
        cp[i] = CrashChild.checkpointForwards(w, t, cp[i], next[i], rnd, RealFaultChild::line);
      } else if (op < 80) {
        line("r " + t);
        Optional<Entry> e = w.readNext(t, true);
        if (e.isEmpty()) {
          expect(cursor[i], next[i], "empty readNext of " + t + " before the end");
          line("E " + t);
        } else {
          check(e.get(), t, cursor[i]++);
          line("R " + t + " " + e.get().offset());
        }
      } else {
        line("q " + t);
        List<Entry> l = w.batchReadForTopic(t, rnd.nextInt(3000), true);
        if (l.isEmpty()) {
          expect(cursor[i], next[i], "empty batch read of " + t + " before the end");
          line("E " + t);
        } else {
          long first = cursor[i];
          for (Entry e : l) {
            check(e, t, cursor[i]++);
          }
          line("Q " + t + " " + first + " " + l.size());
        }
      }
    }
  }

  /**
   * Checkpoints the consumer {@value #HOLDER} at offset 0 (once the topic exists): it never
   * reads, so no data file is ever reclaimed, and opening the namespace has nothing to
   * reclaim (a reclamation pass forces the journal, which would hide what a previous
   * process left unforced in it).
   */
  private static boolean holdAtZero(Walrus w, String t) {
    if (w.stats(t).map(TopicStats::firstOffset).orElse(0L) == 0) {
      w.checkpoint(t, HOLDER, 0);
    }
    return true;
  }

  private static void expect(long got, long expected, String what) {
    if (got != expected) {
      line("X " + what + ": " + got + ", expected " + expected);
      Runtime.getRuntime().halt(3);
    }
  }

  private static void check(Entry e, String t, long expected) {
    if (e.offset() != expected || !Arrays.equals(e.data(), CrashChild.payload(t, expected))) {
      line(
          "X read of "
              + t
              + " returned offset "
              + e.offset()
              + " ("
              + e.data().length
              + " bytes), expected "
              + expected);
      Runtime.getRuntime().halt(3);
    }
  }

  private static void files(RealBackend backend, Path dir, int n) {
    String t = "d";
    boolean fresh;
    try (Walrus w = backend.open(backend.builder(dir, RealBackend.schedule("nofsync"), 4096, 1))) {
      fresh = w.stats(t).isEmpty();
      for (int k = 0; fresh && k < n; k++) {
        expect(w.appendForTopic(t, block(t, k)), k, "append to " + t);
      }
    }
    try (Walrus w = backend.open(backend.builder(dir, RealBackend.schedule("nofsync"), 4096, 1))) {
      List<Entry> all = WholeTopic.read(w, t);
      expect(all.size(), n, "entries of " + t + " after reopening");
      for (Entry e : all) {
        if (!Arrays.equals(e.data(), block(t, e.offset()))) {
          line("X wrong bytes at " + e.offset());
          Runtime.getRuntime().halt(3);
        }
      }
    }
    line("OK " + n + (fresh ? " created" : " reopened"));
  }

  /** A payload that, with its header, leaves no room in a 4 KiB block for another entry. */
  private static byte[] block(String t, long k) {
    byte[] b = new byte[3000];
    Arrays.fill(b, (byte) (k * 31 + t.hashCode()));
    return b;
  }
}
