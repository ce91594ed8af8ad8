package dev.walrus.realfault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.walrus.Entry;
import dev.walrus.NamespaceFiles;
import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import dev.walrus.crash.AckLog;
import dev.walrus.crash.CrashChild;
import dev.walrus.testkit.WholeTopic;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link RealFaultChild}'s acknowledgments say about its namespace, and the checks
 * of a reopened namespace against them: {@link #verifyDurable} (SyncEach: every
 * acknowledged entry and cursor position is there) and {@link #verifyPrefix}
 * (Milliseconds/NoFsync after a power cut: what survived is a correct prefix without
 * holes, and offsets never go backwards).
 */
final class AckModel extends AckLog {
  /** The first failure the child reported ({@code F} line), or null. */
  String failure;

  final List<String> probes = new ArrayList<>();
  boolean done;

  /** Entries read back by the last {@link #verifyDurable} or {@link #verifyPrefix}. */
  long readBack;

  AckModel() {
    super(RealFaultChild.TOPICS);
  }

  /**
   * Applies one line of the child. {@code S} lines (the child's view at open) are checked
   * against the model as a kill -9 must leave it (every ack kept, the in-flight call all or
   * nothing) and then adopted.
   */
  void accept(String line, String where) {
    String[] f = line.split(" ", 3);
    switch (f[0]) {
      case "S":
        {
          String[] s = line.split(" ");
          TopicModel m = topics.get(s[1]);
          long next = Long.parseLong(s[2]);
          long cursor = Long.parseLong(s[3]);
          long cp = Long.parseLong(s[4]);
          long extra = pendingOn(s[1], "ab") ? pending.count() : 0;
          assertThat(next)
              .as(
                  "%s: next offset of %s seen by the next process (acked end %d)",
                  where, s[1], m.end)
              .isIn(m.end, m.end + extra);
          long ahead = pendingOn(s[1], "rq") ? Math.min(pending.count(), next - m.cursor) : 0;
          assertThat(cursor)
              .as("%s: shared cursor of %s seen by the next process", where, s[1])
              .isBetween(m.cursor, m.cursor + Math.max(0, ahead));
          if (m.cp >= 0 || pendingOn(s[1], "c")) {
            assertThat(cp)
                .as("%s: checkpoint of %s seen by the next process", where, s[1])
                .isIn(m.cp, pendingOn(s[1], "c") ? pending.first() : m.cp);
          }
          m.end = next;
          m.cursor = cursor;
          m.cp = cp;
          break;
        }
      case "G":
        pending = null;
        break;
      case "F":
        failure = line.substring(2);
        break;
      case "P":
        probes.add(line.substring(2));
        break;
      case "Z":
        done = true;
        break;
      case "X":
        fail(where + ": the child saw a wrong result: " + line);
        break;
      case "K":
        pending = null;
        break;
      default:
        if (!apply(line, where)) {
          fail(where + ": unexpected line from the child: " + line);
        }
    }
  }

  /**
   * If the child reported a failure: it is a {@code FatalIOException} or a
   * {@code WalrusPoisonedException} naming the EIO (the README's error table: an EIO that
   * no rollback can repair poisons), and there is no silent retry: after a
   * failed append, batch or checkpoint (a write or fsync) the instance is poisoned, so the
   * append and the read tried after it are refused with {@code WalrusPoisonedException};
   * after a failed consuming read (which may have failed reading, not writing) the append
   * tried after it is refused with a typed exception.
   */
  void assertTypedAndPoisoned(String where) {
    if (failure == null) {
      return;
    }
    assertThat(failure)
        .as("%s: the failure is typed", where)
        .matches("dev\\.walrus\\.(FatalIO|WalrusPoisoned)Exception: .*");
    assertThat(failure)
        .as("%s: the failure names its cause", where)
        .containsAnyOf("Input/output error", "EIO");
    assertThat(probes).as("%s: the calls tried after the failure", where).hasSize(2);
    boolean reading = pending != null && (pending.kind() == 'r' || pending.kind() == 'q');
    if (reading) {
      assertThat(probes.get(0))
          .as("%s: an append after the failed read is refused, typed", where)
          .matches("append dev\\.walrus\\.(FatalIO|WalrusPoisoned)Exception: .*");
    } else {
      assertThat(probes)
          .as("%s: after the failure the instance is poisoned", where)
          .allMatch(p -> p.matches("(append|read) dev\\.walrus\\.WalrusPoisonedException: .*"));
    }
  }

  /**
   * Runs {@code check} on the namespace {@code ns}; if it fails and
   * {@code -Dwalrus.realfault.keep=DIR} is set, first copies the namespace (as the fault
   * left it) and the child logs under DIR for diagnosis.
   */
  static void keepOnFailure(Path ns, Path logs, String where, Runnable check) throws IOException {
    String keep = System.getProperty("walrus.realfault.keep");
    Path copy = null;
    if (keep != null) {
      copy = Path.of(keep, "realfault-" + System.nanoTime());
      NamespaceFiles.copy(ns, copy.resolve("ns"));
      NamespaceFiles.copy(logs, copy.resolve("logs"));
    }
    try {
      check.run();
    } catch (AssertionError e) {
      if (copy != null) {
        System.out.println(where + ": the namespace as the fault left it is in " + copy);
      }
      throw e;
    }
    if (copy != null) {
      NamespaceFiles.deleteTree(copy);
    }
  }

  /** SyncEach: every acknowledged entry, shared cursor position and checkpoint is there. */
  void verifyDurable(Walrus w, String where) {
    for (String t : RealFaultChild.TOPICS) {
      TopicModel m = topics.get(t);
      Optional<TopicStats> s = w.stats(t);
      if (s.isEmpty()) {
        assertThat(m.end).as("%s: topic %s has acknowledged entries", where, t).isZero();
        continue;
      }
      long end = s.get().nextOffset();
      long extra = pendingOn(t, "ab") ? pending.count() : 0;
      assertThat(end)
          .as(
              "%s: end of %s (every acknowledged entry kept; an in-flight call of %d"
                  + " all or nothing)",
              where, t, extra)
          .isIn(m.end, m.end + extra);
      long pos = sharedPosition(s.get());
      long ahead = pendingOn(t, "rq") ? Math.min(pending.count(), end - m.cursor) : 0;
      assertThat(pos)
          .as("%s: shared cursor of %s (acknowledged at %d)", where, t, m.cursor)
          .isBetween(m.cursor, m.cursor + Math.max(0, ahead));
      long cp = -1;
      if (m.cp >= 0 || pendingOn(t, "c")) {
        long inFlight = pendingOn(t, "c") ? pending.first() : m.cp;
        cp = w.position(t, RealFaultChild.CHECKPOINTER);
        assertThat(cp)
            .as("%s: checkpoint of %s (acknowledged %d, in flight %d)", where, t, m.cp, inFlight)
            .isIn(m.cp, inFlight);
      }
      List<Entry> all = readAll(w, t, where);
      long first = all.isEmpty() ? s.get().firstOffset() : all.get(0).offset();
      assertThat(first)
          .as("%s: first retained offset of %s (consumed up to %d)", where, t, m.cursor)
          .isLessThanOrEqualTo(m.cursor + Math.max(0, ahead));
      if (cp >= 0) {
        assertThat(first)
            .as("%s: nothing past the checkpoint of %s (at %d) reclaimed", where, t, cp)
            .isLessThanOrEqualTo(cp);
      }
      readBack += all.size();
      assertThat(checkContinuous(all, first, t, where))
          .as("%s: entries of %s end at its next" + " offset", where, t)
          .isEqualTo(end);
    }
  }

  /**
   * Milliseconds/NoFsync after a power cut: whatever survived is a run of correct entries
   * without holes, no more than was written, cursors inside the topic, and the next append
   * gets an offset past every surviving entry and cursor (offsets never go backwards).
   */
  void verifyPrefix(Walrus w, String where) {
    for (String t : RealFaultChild.TOPICS) {
      TopicModel m = topics.get(t);
      Optional<TopicStats> s = w.stats(t);
      if (s.isEmpty()) {
        continue;
      }
      List<Entry> all = readAll(w, t, where);
      long first = all.isEmpty() ? s.get().firstOffset() : all.get(0).offset();
      long readEnd = checkContinuous(all, first, t, where);
      readBack += all.size();
      long extra = pendingOn(t, "ab") ? pending.count() : 0;
      assertThat(readEnd)
          .as("%s: surviving entries of %s (written up to %d)", where, t, m.end)
          .isLessThanOrEqualTo(m.end + extra);
      long next = s.get().nextOffset();
      assertThat(next)
          .as("%s: next offset of %s vs. its surviving entries", where, t)
          .isGreaterThanOrEqualTo(readEnd);
      long pos = sharedPosition(s.get());
      assertThat(pos)
          .as("%s: shared cursor of %s inside the topic", where, t)
          .isLessThanOrEqualTo(next);
      long got = w.appendForTopic(t, CrashChild.payload(t, next));
      assertThat(got)
          .as("%s: the next append to %s (offsets never go backwards)", where, t)
          .isEqualTo(next);
    }
  }

  /** @return the shared cursor's position as the engine reports it */
  static long sharedPosition(TopicStats s) {
    Long unread = s.unread().get(TopicStats.DEFAULT_CONSUMER);
    return unread == null ? s.firstOffset() : s.nextOffset() - unread;
  }

  private static List<Entry> readAll(Walrus w, String t, String where) {
    try {
      return WholeTopic.read(w, t);
    } catch (RuntimeException e) {
      throw new AssertionError(
          where + ": reading " + t + " after the fault: " + Failures.describe(e), e);
    }
  }

  /** @return the offset after the last entry, having checked offsets and bytes from {@code first} */
  private static long checkContinuous(List<Entry> all, long first, String t, String where) {
    long expect = first;
    for (Entry e : all) {
      assertThat(e.offset()).as("%s: offsets of %s are continuous", where, t).isEqualTo(expect);
      if (!Arrays.equals(e.data(), CrashChild.payload(t, expect))) {
        fail("%s: wrong bytes in %s @%d", where, t, expect);
      }
      expect++;
    }
    return expect;
  }
}
