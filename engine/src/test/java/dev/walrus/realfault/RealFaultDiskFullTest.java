package dev.walrus.realfault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.walrus.Entry;
import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import dev.walrus.WalrusException;
import dev.walrus.WalrusIOException;
import dev.walrus.WalrusPoisonedException;
import dev.walrus.testkit.Payloads;
import dev.walrus.testkit.WholeTopic;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A real full disk (issue 13 item 1, SPEC §4.5): a 16 MiB tmpfs or loop-mounted ext4, on every backend and
 * under every fsync schedule, filled by single appends or by batches until the kernel says
 * ENOSPC. Required: the failure is a typed {@link WalrusIOException} naming the cause,
 * thrown before anything is acknowledged (no untyped error, ever, including after a call
 * returned); every acknowledged entry reads back with its bytes, in the instance and after
 * reopening; no offset is skipped; no later write lands on an acknowledged entry; once a
 * ballast file (written first) is removed, the instance (or, if the failure poisoned it, a
 * reopened one) appends and reads again.
 */
class RealFaultDiskFullTest extends MountingTest {
  private static final String[] TOPICS = {"f0", "f1"};
  private static final int MAX_PAYLOAD = 6000;
  private static final long BLOCK = 64 << 10;
  private static final int BLOCKS_PER_FILE = 8;

  static Stream<Arguments> matrix() {
    List<Arguments> a = new ArrayList<>();
    for (RealBackend b : RealBackend.values()) {
      for (String fs : List.of("tmpfs", "ext4")) {
        for (String s : List.of("synceach", "ms200", "nofsync")) {
          a.add(Arguments.of(fs, b, s, false));
          a.add(Arguments.of(fs, b, s, true));
        }
      }
    }
    return a.stream();
  }

  /** The acknowledged state of one topic, and the unacknowledged call that failed on it. */
  private static final class Topic {
    long end;
    long pendingCount; // entries of the last failed append after the last acknowledged one
  }

  /** Untyped failures seen (the bug this test is about); reported after the data is checked. */
  private final List<String> untyped = new ArrayList<>();

  @ParameterizedTest(name = "{0} {1} {2} batches={3}")
  @MethodSource("matrix")
  void aFullDiskFailsTypedAndLosesNothingAcknowledged(
      String fs, RealBackend backend, String schedule, boolean batches) throws Exception {
    backend.assumeUsable();
    String where =
        fs
            + " ENOSPC, "
            + backend.description
            + ", "
            + schedule
            + (batches ? ", batches" : ", single appends");
    try (Mount m = fs.equals("tmpfs") ? Mount.tmpfs(16) : Mount.ext4(16)) {
      Path ballast = m.path().resolve("ballast");
      try (OutputStream o = Files.newOutputStream(ballast)) {
        o.write(new byte[2 << 20]);
      }
      Path dir = m.path().resolve("ns");
      Topic[] model = {new Topic(), new Topic()};
      Random rnd = RealFaultMachine.random(where);
      Walrus w = open(backend, dir, schedule);
      List<WalrusException> failures = new ArrayList<>();
      boolean reopen = false; // poisoned, or not to be trusted after an untyped error
      long acked = 0;
      AssertionError broken = null;
      try {
        try {
          for (int i = 0; i < 200_000 && failures.size() + untyped.size() < 4 && !reopen; i++) {
            int ti = rnd.nextInt(TOPICS.length);
            String t = TOPICS[ti];
            Topic tm = model[ti];
            int n = batches ? 2 + rnd.nextInt(39) : 1;
            try {
              long got = append(w, t, tm.end, n, batches);
              assertThat(got)
                  .as(
                      "%s: offset of the append to %s after %d acknowledged (no offset"
                          + " skipped, failed calls rolled back)",
                      where, t, tm.end)
                  .isEqualTo(tm.end);
              tm.end += n;
              tm.pendingCount = 0;
              acked += n;
            } catch (WalrusPoisonedException e) {
              reopen = true;
              failures.add(e);
              tm.pendingCount = 0; // refused: writes nothing
            } catch (WalrusException e) {
              failures.add(e);
              tm.pendingCount = n;
              reopen |= isPoisoned(w);
            } catch (AssertionError e) {
              throw e;
            } catch (Throwable e) { // possibly surfacing from an earlier, acknowledged call
              untyped.add(Failures.describe(e) + " (after " + acked + " acknowledged entries)");
              tm.pendingCount = n;
              reopen = true;
            }
          }
        } catch (AssertionError e) {
          throw e;
        } catch (Throwable e) { // the JVM raises a mapping's SIGBUS late, anywhere in this thread
          untyped.add("surfacing in the test's own code: " + Failures.describe(e));
          reopen = true;
        }
        assertThat(failures.size() + untyped.size())
            .as("%s: the disk filled up", where)
            .isPositive();
        if (!reopen) {
          verify(w, model, where + ", same instance, disk still full");
        }
        Files.delete(ballast);
        if (reopen || isPoisoned(w)) {
          reopen = true;
          closeQuietly(w);
          w = open(backend, dir, schedule);
          adoptPending(w, model, where);
        }
        continueAfterSpaceFreed(w, model, where);
        verify(w, model, where + ", after space was freed");
        closeQuietly(w);
        try (Walrus again = open(backend, dir, schedule)) {
          adoptPending(again, model, where);
          verify(again, model, where + ", reopened");
        }
      } catch (AssertionError | RuntimeException e) {
        broken =
            e instanceof AssertionError
                ? (AssertionError) e
                : new AssertionError(where + ": " + Failures.describe(e), e);
      } finally {
        closeQuietly(w);
      }
      if (!untyped.isEmpty()) {
        fail(
            where
                + ": untyped failures "
                + untyped
                + "; and then the acknowledged entries: "
                + (broken == null ? "all there" : broken.getMessage()),
            broken);
      }
      if (broken != null) {
        throw broken;
      }
      WalrusException first = failures.get(0);
      assertThat(first).as("%s: the first failure", where).isInstanceOf(WalrusIOException.class);
      assertThat(Failures.describe(first))
          .as("%s: the failure names its cause", where)
          .containsAnyOf("No space left on device", "ENOSPC");
      System.out.printf(
          "RealFaultDiskFullTest %s: %d entries acknowledged before ENOSPC, %d"
              + " typed failures (%s), %s, 0 lost%n",
          where,
          acked,
          failures.size(),
          first.getClass().getSimpleName(),
          reopen ? "poisoned, reopened" : "instance continued");
    }
  }

  private static Walrus open(RealBackend backend, Path dir, String schedule) {
    return backend.open(
        backend.builder(dir, RealBackend.schedule(schedule), BLOCK, BLOCKS_PER_FILE));
  }

  private static long append(Walrus w, String t, long first, int n, boolean batches) {
    if (!batches) {
      return w.appendForTopic(t, Payloads.of(t, first, MAX_PAYLOAD));
    }
    List<byte[]> ps = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      ps.add(Payloads.of(t, first + k, MAX_PAYLOAD));
    }
    return w.batchAppendForTopic(t, ps);
  }

  private boolean isPoisoned(Walrus w) {
    try {
      w.stats(TOPICS[0]);
      return false;
    } catch (WalrusPoisonedException e) {
      return true;
    } catch (Throwable e) { // e.g. the InternalError of a fault in a mapping, surfacing late
      untyped.add("in stats(): " + Failures.describe(e));
      return true;
    }
  }

  /** After a reopen, the one failed call per topic may be wholly there (it was not acknowledged). */
  private static void adoptPending(Walrus w, Topic[] model, String where) {
    for (int i = 0; i < TOPICS.length; i++) {
      long next = w.stats(TOPICS[i]).map(TopicStats::nextOffset).orElse(0L);
      Topic tm = model[i];
      assertThat(next)
          .as(
              "%s: next offset of %s after reopening (acknowledged end %d, failed" + " call of %d)",
              where, TOPICS[i], tm.end, tm.pendingCount)
          .isIn(tm.end, tm.end + tm.pendingCount);
      tm.end = next;
      tm.pendingCount = 0;
    }
  }

  private static void continueAfterSpaceFreed(Walrus w, Topic[] model, String where) {
    for (int i = 0; i < TOPICS.length; i++) {
      Topic tm = model[i];
      for (int k = 0; k < 10; k++) {
        int n = k % 2 == 0 ? 1 : 5;
        long got;
        try {
          got = append(w, TOPICS[i], tm.end, n, n > 1);
        } catch (RuntimeException e) {
          throw new AssertionError(
              where
                  + ": appending to "
                  + TOPICS[i]
                  + " after space was freed: "
                  + Failures.describe(e),
              e);
        }
        assertThat(got)
            .as("%s: offset of %s after space was freed", where, TOPICS[i])
            .isEqualTo(tm.end);
        tm.end += n;
      }
    }
  }

  private static void verify(Walrus w, Topic[] model, String where) {
    for (int i = 0; i < TOPICS.length; i++) {
      String t = TOPICS[i];
      List<Entry> all;
      try {
        all = WholeTopic.read(w, t);
      } catch (RuntimeException e) {
        throw new AssertionError(where + ": reading " + t + ": " + Failures.describe(e), e);
      }
      assertThat(all.size()).as("%s: entries of %s", where, t).isEqualTo(model[i].end);
      for (int k = 0; k < all.size(); k++) {
        Entry e = all.get(k);
        assertThat(e.offset()).as("%s: offsets of %s", where, t).isEqualTo(k);
        if (!Arrays.equals(e.data(), Payloads.of(t, k, MAX_PAYLOAD))) {
          fail("%s: wrong bytes in %s @%d (%d bytes)", where, t, k, e.data().length);
        }
      }
    }
  }

  private void closeQuietly(Walrus w) {
    try {
      w.close();
    } catch (WalrusException e) {
      // a poisoned or full instance may fail its last fsync: typed, and nothing to do
    } catch (Throwable e) {
      untyped.add("in close(): " + Failures.describe(e));
    }
  }
}
