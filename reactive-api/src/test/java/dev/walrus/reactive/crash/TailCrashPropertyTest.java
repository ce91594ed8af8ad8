package dev.walrus.reactive.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import dev.walrus.reactive.CheckpointMode;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.reactive.ReceivedEntry;
import dev.walrus.reactive.TailOptions;
import dev.walrus.testkit.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property test of the tail resume rule (SPEC §4.3, §5; issue 12 items 3 and 8b): random
 * trials of (consistency, checkpoint mode, demand pattern, crash point, live appends).
 * Each trial writes history, starts a {@link TailCrashChild} that tails it and halts right
 * after entry k reached the tail's subscriber, reopens the namespace and checks where the
 * consumer resumes:
 * <ul>
 *   <li>AUTO, {@code StrictlyAtOnce}: exactly k + 1;</li>
 *   <li>AUTO, {@code AtLeastOnce(N)}: between k + 1 - N and k + 1 (at most N replayed,
 *       nothing skipped);</li>
 *   <li>MANUAL: at or after the last checkpoint reported complete, never after k + 1;</li>
 * </ul>
 * and that the child was given entries 0..k in order, and a restarted tail starts at the
 * resume position. AUTO trials tail a named consumer or the topic's shared cursor. Trials: {@code -Dwalrus.tailcrash.trials=N} (default 10), seed
 * {@code -Dwalrus.tailcrash.seed=S} (docs/RELIABILITY.md).
 */
class TailCrashPropertyTest {
  private static final int TRIALS = Integer.getInteger("walrus.tailcrash.trials", 10);
  private static final long SEED = Long.getLong("walrus.tailcrash.seed", 12L);
  private static final int HISTORY = 200;

  @TempDir Path dir;
  @TempDir Path logs;

  @Test
  void aCrashRightAfterADeliveredEntryResumesPerTheConsistencyMode() throws Exception {
    Random rnd = new Random(SEED);
    int[] kinds = new int[3]; // AUTO named, AUTO shared, MANUAL
    for (int trial = 0; trial < TRIALS; trial++) {
      String consistency = rnd.nextBoolean() ? "strict" : "alo:" + (2 + rnd.nextInt(40));
      // kinds and patterns rotate, so even a short run covers each kind and pattern
      CheckpointMode mode = trial % 3 == 1 ? CheckpointMode.MANUAL : CheckpointMode.AUTO;
      boolean shared = trial % 3 == 2;
      kinds[mode == CheckpointMode.MANUAL ? 2 : shared ? 1 : 0]++;
      int pattern = trial < TailCrashChild.PATTERNS ? trial : rnd.nextInt(TailCrashChild.PATTERNS);
      int live = rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(200);
      long crashAt = rnd.nextInt(HISTORY + live);
      long seed = rnd.nextLong();
      String where =
          String.format(
              "trial %d (seed %d): %s %s%s pattern %d crash after %d, %d live",
              trial,
              SEED,
              consistency,
              mode,
              shared ? " shared cursor" : "",
              pattern,
              crashAt,
              live);
      Path data = dir.resolve("t" + trial);
      Files.createDirectories(data);
      try (Walrus w = TailCrashChild.open(data, consistency)) {
        for (int i = 0; i < HISTORY; i++) {
          w.appendForTopic(TailCrashChild.TOPIC, new byte[] {(byte) i});
        }
      }
      long[] seen =
          run(data, consistency, mode, pattern, crashAt, live, seed, shared, where, trial);
      long lastCheckpoint = seen[1];
      try (Walrus w = TailCrashChild.open(data, consistency)) {
        long resume =
            shared ? sharedPosition(w) : w.position(TailCrashChild.TOPIC, TailCrashChild.CONSUMER);
        if (mode == CheckpointMode.MANUAL) {
          assertThat(resume).as(where).isBetween(lastCheckpoint + 1, crashAt + 1);
        } else if (consistency.equals("strict")) {
          assertThat(resume).as(where).isEqualTo(crashAt + 1);
        } else {
          int n = Integer.parseInt(consistency.substring(4));
          assertThat(resume).as(where).isBetween(Math.max(0, crashAt + 1 - n), crashAt + 1);
        }
        try (ReactiveWalrus rw = ReactiveWalrus.create(w)) {
          TailOptions opts =
              shared
                  ? TailOptions.defaults()
                  : TailOptions.forConsumer(TailCrashChild.CONSUMER).checkpointMode(mode);
          Long first =
              rw.tail(TailCrashChild.TOPIC, opts)
                  .map(ReceivedEntry::offset)
                  .next()
                  .block(Duration.ofSeconds(20));
          assertThat(first)
              .as(where + ": a restarted tail starts at the resume position")
              .isEqualTo(resume);
        }
      }
    }
    System.out.printf(
        "TailCrashPropertyTest: %d crashes (%d AUTO named, %d AUTO shared cursor,"
            + " %d MANUAL), every resume position per the rule%n",
        TRIALS, kinds[0], kinds[1], kinds[2]);
  }

  /** The shared cursor's position: where its next consuming read starts. */
  private static long sharedPosition(Walrus w) {
    TopicStats s = w.stats(TailCrashChild.TOPIC).orElseThrow();
    Long unread = s.unread().get(TopicStats.DEFAULT_CONSUMER);
    return unread == null ? s.firstOffset() : s.nextOffset() - unread;
  }

  /** @return {last delivered, last checkpoint reported complete (-1 if none)} */
  private long[] run(
      Path data,
      String consistency,
      CheckpointMode mode,
      int pattern,
      long crashAt,
      int live,
      long seed,
      boolean shared,
      String where,
      int trial)
      throws Exception {
    long delivered = -1;
    long checkpointed = -1;
    // the child halts itself after entry crashAt; a hung one is killed and the test fails
    try (ChildJvm child =
        ChildJvm.builder(TailCrashChild.class)
            .inheritProperties("walrus.backend")
            .args(
                data.toString(),
                consistency,
                mode.name(),
                Integer.toString(pattern),
                Long.toString(crashAt),
                Integer.toString(live),
                Long.toString(seed),
                shared ? "shared" : "named")
            .stderrTo(logs.resolve("tailchild-" + trial + ".err"))
            .killAfterSeconds(60)
            .start()) {
      String line;
      while ((line = child.readLine()) != null) {
        String[] f = line.split(" ");
        long o = Long.parseLong(f[1]);
        if (f[0].equals("D")) {
          assertThat(o)
              .as("%s: entries are delivered in order, none skipped", where)
              .isEqualTo(delivered + 1);
          delivered = o;
        } else if (f[0].equals("C")) {
          checkpointed = Math.max(checkpointed, o);
        } else {
          fail(where + ": unexpected line from the child: " + line);
        }
      }
      int exit = child.awaitExit(60) ? child.exitValue() : -1;
      if (exit != 0 || delivered != crashAt) {
        fail(
            where
                + ": the child exited "
                + exit
                + " after delivering "
                + delivered
                + "; stderr:\n"
                + child.stderr());
      }
    }
    return new long[] {delivered, checkpointed};
  }
}
