package dev.walrus.reclaim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.FsyncSchedule;
import dev.walrus.Walrus;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression (bug G of docs/RELIABILITY.md): a consumer created while a reclamation pass
 * was deciding started at the old first retained offset, but the pass had not counted it
 * and deleted the file it started in; its reads then skipped silently from the middle of
 * the deleted range to the new floor. A new consumer must see either the topic before the
 * pass (and hold the pass back) or after it (and start at the new floor): whatever it
 * reads is a gap-free run of offsets.
 */
class NewConsumerRaceTest {
  private static final int ENTRIES = 2_000;
  private static final int PER_BLOCK = 31; // 100-byte payloads in 4 KiB blocks

  @TempDir Path dir;

  @Test
  void aConsumerCreatedDuringReclamationNeverSkipsEntries() throws Exception {
    try (Walrus w =
        Walrus.builder()
            .dataDir(dir)
            .blockSize(4096)
            .blocksPerFile(1)
            .fsyncSchedule(FsyncSchedule.milliseconds(1000))
            .open()) {
      for (int i = 0; i < ENTRIES; i++) {
        w.appendForTopic("t", new byte[100]);
      }
      w.appendForTopic("other", new byte[1]); // a later file: every file of t can go
      AtomicBoolean stop = new AtomicBoolean();
      Thread reclaimer =
          new Thread(
              () -> {
                while (!stop.get()) {
                  w.reclaim();
                }
              });
      reclaimer.start();
      int consumers = 0;
      try {
        while (w.stats("t").orElseThrow().firstOffset() < ENTRIES - 2 * PER_BLOCK) {
          w.batchReadForTopic("t", PER_BLOCK * 100L, true); // about one file consumable
          String name = "late-" + consumers++;
          // the first consuming read creates the consumer, at the first retained offset
          List<Entry> first = w.batchReadForTopic("t", name, 1 << 20, true);
          long start = first.get(0).offset();
          long expect = start;
          for (List<Entry> b = first;
              !b.isEmpty();
              b = w.batchReadForTopic("t", name, 1 << 20, true)) {
            for (Entry e : b) {
              assertThat(e.offset())
                  .as("%s, created at %d, reads every offset", name, start)
                  .isEqualTo(expect++);
            }
          }
          assertThat(expect).as("%s reads to the end", name).isEqualTo(ENTRIES);
          w.removeConsumer("t", name);
        }
      } finally {
        stop.set(true);
        reclaimer.join();
      }
      assertThat(consumers).isGreaterThan(50);
    }
  }
}
