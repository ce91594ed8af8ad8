package dev.walrus.reclaim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Walrus;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression: while the last cursor of a topic was being removed, a concurrent
 * reclamation pass could see "some cursors, but none to take the minimum of" and treat
 * every block of the topic as consumed, deleting unread data.
 */
class ReclaimRaceTest {
  @TempDir Path dir;

  @Test
  void removingTheLastCursorNeverMakesUnreadDataReclaimable() throws Exception {
    try (Walrus w = Walrus.builder().dataDir(dir).blockSize(4096).blocksPerFile(1).open()) {
      for (int i = 0; i < 300; i++) {
        w.appendForTopic("t", new byte[100]); // about ten one-block files, nothing consumed
      }
      w.appendForTopic("other", new byte[1]); // a later file, so every file of t is reclaimable
      AtomicBoolean stop = new AtomicBoolean();
      Thread reclaimer =
          new Thread(
              () -> {
                while (!stop.get()) {
                  w.reclaim();
                }
              });
      reclaimer.start();
      try {
        for (int i = 0; i < 5_000 && w.stats("t").orElseThrow().firstOffset() == 0; i++) {
          w.readNext("t", "peeker", false); // a cursor at 0 that consumed nothing
          w.removeConsumer("t", "peeker");
        }
      } finally {
        stop.set(true);
        reclaimer.join();
      }
      assertThat(w.stats("t").orElseThrow().firstOffset()).as("nothing was consumed").isZero();
      assertThat(w.readNext("t", true).orElseThrow().offset()).isZero();
    }
  }
}
