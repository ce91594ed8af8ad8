package dev.walrus.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.Walrus;
import dev.walrus.testkit.ChildJvm;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SPEC §4.1, §4.3, §4.5 and ReadConsistency's Javadoc, across unclean stops of a process
 * whose calls all run with the interrupt status set: kill -9 loses no acknowledged entry,
 * offsets continue exactly after the last acknowledged append (or after a whole in-flight
 * batch), a named consumer read through the allocation-free reads and the shared cursor are
 * never behind their acknowledged reads by more than the consistency model allows
 * (StrictlyAtOnce: not at all) and never past what was read.
 */
class AuditRestartTest {
  @TempDir Path dir;

  /** State acknowledged by the child, carried over kills. */
  private static final class Acks {
    long next; // offset after the last acknowledged append
    long pendingEnd = -1; // end of the in-flight append/batch, if an intent could be pending
    long handler; // position of h after its last acknowledged read
    long shared; // position of the shared cursor after its last acknowledged read
    long handlerAtOpen;
    long sharedAtOpen;
  }

  /** Kills a child several times and checks the namespace after each kill. */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"strict, ms200", "alo:5, nofsync", "strict, synceach"})
  void killedInterruptedProcessesLoseNothingAcknowledged(String consistency, String schedule)
      throws Exception {
    int persistEvery =
        consistency.equals("strict") ? 1 : Integer.parseInt(consistency.substring(4));
    Random rnd = new Random(consistency.hashCode() * 31L + schedule.hashCode());
    Acks acks = new Acks();
    for (int kill = 0; kill < 3; kill++) {
      String where = consistency + " " + schedule + " kill " + kill;
      try (ChildJvm child =
          ChildJvm.builder(AuditRestartChild.class)
              .inheritProperties("walrus.backend")
              .args(dir.toString(), consistency, schedule, String.valueOf(rnd.nextLong()))
              .stderrTo(dir.resolve("child-" + kill + ".err"))
              .killAfterSeconds(60)
              .start()) {
        child.killAfterAcks(50 + rnd.nextInt(300), where, line -> accept(acks, line, where));
      }
      try (Walrus w = AuditRestartChild.open(dir, consistency, schedule)) {
        long nextOffset = w.stats("a").orElseThrow().nextOffset();
        long first = w.stats("a").orElseThrow().firstOffset();
        assertThat(nextOffset).as("%s: next offset", where).isGreaterThanOrEqualTo(acks.next);
        assertThat(first)
            .as("%s: nothing unconsumed reclaimed", where)
            .isLessThanOrEqualTo(Math.min(w.position("a", "h"), w.position("a")));
        for (long i = first; i < acks.next; i++) {
          Entry e = w.readNext("a", "verify" + kill, false).orElseThrow();
          assertThat(e.offset()).isEqualTo(i);
          w.checkpoint("a", "verify" + kill, i + 1);
          assertThat(e.data()).as("%s: entry %d", where, i).isEqualTo(AuditRestartChild.payload(i));
        }
        w.removeConsumer("a", "verify" + kill);
        acks.next = nextOffset; // an in-flight append or batch is wholly there or absent
        long h = w.position("a", "h");
        long s = w.position("a");
        assertThat(h)
            .as("%s: consumer h (acknowledged %d)", where, acks.handler)
            .isBetween(Math.max(acks.handlerAtOpen, acks.handler - persistEvery), nextOffset);
        assertThat(s)
            .as("%s: shared cursor (acknowledged %d)", where, acks.shared)
            .isBetween(Math.max(acks.sharedAtOpen, acks.shared - persistEvery), nextOffset);
        if (persistEvery == 1) {
          assertThat(h)
              .as("%s: h exactly (StrictlyAtOnce), or past the in-flight read", where)
              .isGreaterThanOrEqualTo(acks.handler);
          assertThat(s)
              .as("%s: shared exactly (StrictlyAtOnce)", where)
              .isGreaterThanOrEqualTo(acks.shared);
        }
        acks.handler = h;
        acks.shared = s;
        acks.handlerAtOpen = h;
        acks.sharedAtOpen = s;
      }
    }
  }

  private static boolean accept(Acks a, String line, String where) {
    String[] f = line.split(" ");
    switch (f[0]) {
      case "O":
        assertThat(Long.parseLong(f[1]))
            .as("%s: next offset at the child's open", where)
            .isEqualTo(a.next);
        return false;
      case "A":
        assertThat(Long.parseLong(f[1])).as(where).isEqualTo(a.next);
        a.next++;
        return true;
      case "B":
        assertThat(Long.parseLong(f[1])).as(where).isEqualTo(a.next);
        a.next += Long.parseLong(f[2]);
        return true;
      case "H":
        assertThat(Long.parseLong(f[1]))
            .as("%s: h reads on from its position", where)
            .isEqualTo(a.handler);
        a.handler = Long.parseLong(f[1]) + Long.parseLong(f[2]);
        return true;
      case "S":
        assertThat(Long.parseLong(f[1]))
            .as("%s: shared reads on", where)
            .isGreaterThanOrEqualTo(a.shared);
        a.shared = Long.parseLong(f[1]) + 1;
        return true;
      default:
        throw new AssertionError(where + ": " + line);
    }
  }
}
