package dev.walrus.realfault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Walrus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Page-cache bytes a killed process leaves for the next one (issue 13 item 3, SPEC §4.5:
 * "at open, whatever a previous process left in the page cache is made durable before
 * anything is written after it"). On a loop-mounted ext4 image, a first child under
 * NoFsync or Milliseconds(200) appends, batches, checkpoints and consumes and is killed
 * with SIGKILL: its unsynced data-file and cursor-journal bytes stay dirty in the page
 * cache. A second child opens the namespace under SyncEach (its view at open is checked:
 * a kill -9 loses nothing acknowledged) and works with acknowledgments; then the image is
 * shut down without flushing (a power cut: the dirty pages of both are lost, only what
 * reached the disk stays). After unmounting, mounting and reopening, everything the SyncEach
 * process acknowledged must be there: the entries and cursors it found at open (it made
 * them durable before writing after them) and every entry, cursor position and checkpoint
 * it acknowledged since. Both children hold every topic at offset 0 with a consumer that
 * never reads: with nothing to reclaim, opening the namespace forces nothing by chance (a
 * reclamation pass at open forces the journal and would hide the bug).
 */
class RealFaultLeftoverTest extends MountingTest {
  @TempDir Path logs;

  static Stream<Arguments> matrix() {
    List<Arguments> a = new ArrayList<>();
    for (RealBackend b : RealBackend.values()) {
      a.add(Arguments.of(b, "nofsync"));
      a.add(Arguments.of(b, "ms200"));
    }
    return a.stream();
  }

  @ParameterizedTest(name = "{0} first child {1}")
  @MethodSource("matrix")
  void aKilledProcessesPageCacheNeverCostsTheNextProcessDurableRecords(
      RealBackend backend, String firstSchedule) throws Exception {
    backend.assumeUsable();
    String where =
        "leftover page cache, "
            + backend.description
            + ", "
            + firstSchedule
            + " killed, then synceach, then power cut";
    Random rnd = RealFaultMachine.random(where);
    AckModel model = new AckModel();
    int firstAcks = 800 + rnd.nextInt(800); // several pages of journal records left dirty
    int secondAcks = 30 + rnd.nextInt(150);
    long firstEntries;
    try (Mount m = Mount.ext4(64)) {
      Path ns = m.path().resolve("ns");
      try (ChildRun c =
          ChildRun.start(
              backend,
              List.of("work", ns.toString(), firstSchedule, Long.toString(rnd.nextLong()), "hold"),
              0,
              logs,
              "first")) {
        String line;
        while ((line = c.readLine()) != null) {
          model.accept(line, where + " (first child)");
          assertThat(model.failure)
              .as("%s: the first child failed; stderr:%n%s", where, c.stderr())
              .isNull();
          if (model.acks >= firstAcks) {
            break;
          }
        }
        c.kill();
        // the acks it wrote before dying still count
        while ((line = c.readLine()) != null) {
          model.accept(line, where + " (first child)");
        }
        c.drainAndWait();
        assertThat(model.acks)
            .as("%s: the first child worked; stderr:%n%s", where, c.stderr())
            .isGreaterThanOrEqualTo(firstAcks);
      }
      firstEntries = model.entries;
      int before = model.acks;
      boolean shut = false;
      try (ChildRun c =
          ChildRun.start(
              backend,
              List.of("work", ns.toString(), "synceach", Long.toString(rnd.nextLong()), "hold"),
              0,
              logs,
              "second")) {
        String line;
        while ((line = c.readLine()) != null && !model.done) {
          model.accept(line, where + " (second child)");
          if (!shut && model.acks - before >= secondAcks) {
            c.freeze(); // the power cut strikes between the child's system calls
            m.shutdown(false);
            c.resume();
            c.note("shut down without flush after " + model.acks + " acks");
            shut = true;
            c.killAfterSeconds(5);
          }
          if (!shut && model.failure != null) {
            break;
          }
        }
        c.kill();
        c.drainAndWait();
        assertThat(shut)
            .as(
                "%s: the second child worked until the power cut (failure %s;" + " stderr:%n%s)",
                where, model.failure, c.stderr())
            .isTrue();
      }
      m.remount();
      AckModel.keepOnFailure(
          ns,
          logs,
          where,
          () -> {
            try (Walrus w =
                backend.open(backend.builder(ns, RealBackend.schedule("synceach"), 4096, 4))) {
              model.verifyDurable(w, where);
            }
          });
      model.assertTypedAndPoisoned(where + " (second child)");
    }
    System.out.printf(
        "RealFaultLeftoverTest %s: %d entries acknowledged by the killed child,"
            + " %d by the SyncEach child, %d acks in all, %d retained entries read back; 0"
            + " acknowledged entries or cursor positions lost%n",
        where, firstEntries, model.entries - firstEntries, model.acks, model.readBack);
  }
}
