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
 * Real EIO and real power cuts (issue 13 item 2, SPEC §4.5, §4.8, §8): a child JVM
 * ({@link RealFaultChild}) appends, batches, checkpoints and consumes on a loop-mounted
 * ext4 image; after a random number of acknowledgments the image is shut down with
 * {@code EXT4_IOC_SHUTDOWN} (with {@code -f}: the journal is flushed first, like a crash;
 * without: like a power cut, the page cache and the unflushed journal are lost). From then
 * on every write, fsync and page fault fails with EIO.
 *
 * <p>Required: the first failure the child sees is a typed {@code WalrusIOException} or
 * {@code WalrusPoisonedException} naming the EIO, and the instance is poisoned (an append
 * and a read afterwards are refused with {@code WalrusPoisonedException}: no silent retry).
 * Under SyncEach every call reaches the disk, so the child must see the fault. Then the
 * child is killed, the image unmounted and mounted again, and the namespace reopened:
 * under SyncEach every acknowledged entry, shared-cursor position and checkpoint is there
 * ({@link AckModel#verifyDurable}); under Milliseconds/NoFsync whatever survived is a prefix
 * without holes or corrupt entries and offsets never go backwards
 * ({@link AckModel#verifyPrefix}). The acknowledgments are read by this JVM and logged
 * under {@code /tmp}, outside the image. Two workloads: {@code mixed} (appends, batches,
 * checkpoints, consuming reads) and {@code appends} (appends and batches only, so the first
 * call to meet the EIO is a data write or its fsync — for mmap, an {@code msync} — and not a
 * cursor write).
 */
class RealFaultShutdownTest extends MountingTest {
  @TempDir Path logs;

  static Stream<Arguments> matrix() {
    List<Arguments> a = new ArrayList<>();
    for (RealBackend b : RealBackend.values()) {
      for (String s : List.of("synceach", "ms200", "nofsync")) {
        for (String workload : List.of("mixed", "appends")) {
          a.add(Arguments.of(b, s, true, workload));
          a.add(Arguments.of(b, s, false, workload));
        }
      }
    }
    return a.stream();
  }

  @ParameterizedTest(name = "{0} {1} flushLog={2} {3}")
  @MethodSource("matrix")
  void eioIsTypedAndPoisonsAndRecoveryKeepsWhatWasPromised(
      RealBackend backend, String schedule, boolean flushLog, String workload) throws Exception {
    backend.assumeUsable();
    String where =
        "ext4 shutdown"
            + (flushLog ? " -f" : "")
            + ", "
            + backend.description
            + ", "
            + schedule
            + ", "
            + workload;
    Random rnd = RealFaultMachine.random(where);
    int shutdownAfter = 50 + rnd.nextInt(300);
    AckModel model = new AckModel();
    try (Mount m = Mount.ext4(64)) {
      Path ns = m.path().resolve("ns");
      int acksAtShutdown = -1;
      try (ChildRun c =
          ChildRun.start(
              backend,
              List.of(
                  "work",
                  ns.toString(),
                  schedule,
                  Long.toString(rnd.nextLong()),
                  workload.equals("appends") ? "appends" : "plain"),
              0,
              logs,
              "shutdown")) {
        String line;
        while ((line = c.readLine()) != null && !model.done) {
          model.accept(line, where);
          if (acksAtShutdown < 0 && model.acks >= shutdownAfter) {
            c.freeze(); // the fault strikes between the child's system calls
            m.shutdown(flushLog);
            c.resume();
            c.note("shut down (flushLog " + flushLog + ") after " + model.acks + " acks");
            acksAtShutdown = model.acks;
            c.killAfterSeconds(5); // a child whose calls never reach the disk sees nothing
          }
          if (acksAtShutdown < 0 && model.failure != null) {
            break;
          }
        }
        c.kill();
        c.drainAndWait();
        assertThat(acksAtShutdown)
            .as(
                "%s: the child worked until the shutdown (failure %s;" + " stderr:%n%s)",
                where, model.failure, c.stderr())
            .isGreaterThanOrEqualTo(0);
      }
      if (schedule.equals("synceach")) {
        assertThat(model.failure)
            .as("%s: every SyncEach call reaches the disk: the child saw" + " the fault", where)
            .isNotNull();
      }
      m.remount();
      AckModel.keepOnFailure(
          ns,
          logs,
          where,
          () -> {
            try (Walrus w =
                backend.open(backend.builder(ns, RealBackend.schedule("synceach"), 4096, 4))) {
              if (schedule.equals("synceach")) {
                model.verifyDurable(w, where);
              } else {
                model.verifyPrefix(w, where);
              }
            }
          });
      model.assertTypedAndPoisoned(where);
    }
    System.out.printf(
        "RealFaultShutdownTest %s: shut down after %d acks, %d acks in all, %d"
            + " entries acknowledged, %d retained entries read back after remount (%s); child saw:"
            + " %s%n",
        where,
        shutdownAfter,
        model.acks,
        model.entries,
        model.readBack,
        schedule.equals("synceach") ? "0 acknowledged lost" : "a correct prefix",
        model.failure == null ? "nothing" : model.failure);
  }
}
