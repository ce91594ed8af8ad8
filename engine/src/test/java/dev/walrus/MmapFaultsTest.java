package dev.walrus;

import static dev.walrus.FaultsTest.batch;
import static dev.walrus.FaultsTest.p;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.internal.storage.MappedFileBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mmap backend against a full disk and a failing {@code msync} (issue 13 items 1 and
 * 2), injected under the mapping: space for a block is allocated through the descriptor
 * before the block is written through memory, so ENOSPC is a typed, rolled-back error
 * before anything is acknowledged (never a {@code SIGBUS} later); a failed {@code msync}
 * is a typed error that poisons the instance, as every failed fsync does. The real-disk
 * versions (a full tmpfs) run in the real-fault suite.
 */
class MmapFaultsTest {
  private static final String T = FaultsTest.T;

  @TempDir Path dir;

  /** Fails every msync while set, as the JDK reports EIO: an UncheckedIOException. */
  private final AtomicBoolean msyncFails = new AtomicBoolean();

  private MappedFileBackend backend(FaultyStorage positional) {
    return new MappedFileBackend(
        positional,
        (file, chunk, index, length) -> {
          if (msyncFails.get()) {
            throw new UncheckedIOException(new IOException("Input/output error"));
          }
          chunk.force(index, length);
        });
  }

  private Walrus.Builder builder(FsyncSchedule s) {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(2)
        .fsyncSchedule(s)
        .quiet(true);
  }

  private void assertReopenedHolds(long acked) {
    assertReopenedHolds(acked, 0);
  }

  /** After a reopen: every acknowledged entry, at most {@code inFlight} more, nothing else. */
  private void assertReopenedHolds(long acked, long inFlight) {
    try (Walrus w = builder(FsyncSchedule.syncEach()).backend(Backend.MMAP).open()) {
      long next = 0;
      List<Entry> got;
      while (!(got = w.batchReadForTopic(T, "verify", 1 << 20, true)).isEmpty()) {
        for (Entry e : got) {
          assertThat(e.offset()).isEqualTo(next);
          assertThat(Arrays.equals(e.data(), p(next))).as("bytes at %d", next).isTrue();
          next++;
        }
      }
      assertThat(next)
          .as("every acknowledged entry, and nothing else")
          .isBetween(acked, acked + inFlight);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"single", "batch"})
  void aFullDiskIsATypedErrorBeforeAnythingIsAcknowledgedAndTheInstanceCarriesOn(String kind) {
    FaultyStorage disk = new FaultyStorage();
    long next = 0;
    try (Walrus w = builder(FsyncSchedule.syncEach()).storageBackend(backend(disk)).open()) {
      w.checkpoint(T, "holder", 0);
      disk.sticky = true;
      disk.failWriteIn.set(1); // the disk is full from the next allocation on
      int failures = 0;
      for (int i = 0; i < 200 && failures < 3; i++) {
        try {
          if (kind.equals("single")) {
            assertThat(w.appendForTopic(T, p(next))).isEqualTo(next);
            next++;
          } else {
            assertThat(w.batchAppendForTopic(T, batch(next, 7))).isEqualTo(next);
            next += 7;
          }
        } catch (WalrusIOException e) {
          assertThat(e)
              .isInstanceOf(WriteRolledBackException.class)
              .hasMessageContaining("No space left on device")
              .hasMessageContaining("rolled back");
          failures++;
        }
      }
      assertThat(failures).as("the full disk was hit").isEqualTo(3);
      // (no entry at all when the disk filled before the first block: then no topic yet)
      assertThat(w.stats(T).map(TopicStats::nextOffset).orElse(0L))
          .as("no offset skipped")
          .isEqualTo(next);
      disk.heal(); // space freed
      for (int i = 0; i < 40; i++) {
        assertThat(w.appendForTopic(T, p(next))).isEqualTo(next);
        next++;
      }
      assertThat(w.batchAppendForTopic(T, batch(next, 20))).isEqualTo(next);
      next += 20;
    }
    assertReopenedHolds(next);
  }

  @ParameterizedTest
  @ValueSource(strings = {"single", "batch"})
  void aFailedMsyncUnderSyncEachIsTypedAndPoisons(String kind) {
    long acked;
    try (Walrus w =
        builder(FsyncSchedule.syncEach()).storageBackend(backend(new FaultyStorage())).open()) {
      w.batchAppendForTopic(T, batch(0, 10));
      acked = 10;
      msyncFails.set(true);
      assertThatThrownBy(
              () -> {
                if (kind.equals("single")) {
                  w.appendForTopic(T, p(10));
                } else {
                  w.batchAppendForTopic(T, batch(10, 5));
                }
              })
          .isInstanceOf(FatalIOException.class)
          .hasMessageContaining("Input/output error")
          .hasMessageContaining("wal-");
      msyncFails.set(false);
      assertThatThrownBy(() -> w.appendForTopic(T, p(10)))
          .isInstanceOf(WalrusPoisonedException.class)
          .hasMessageContaining("reopen");
    }
    // The failed append was not acknowledged; its bytes may have reached the disk anyway.
    assertReopenedHolds(acked, kind.equals("single") ? 1 : 5);
  }

  @ParameterizedTest
  @ValueSource(strings = {"milliseconds", "noFsync"})
  void aFailedMsyncOfAnExplicitSyncIsTypedAndPoisons(String sched) {
    FsyncSchedule s =
        sched.equals("noFsync") ? FsyncSchedule.noFsync() : FsyncSchedule.milliseconds(3_600_000);
    try (Walrus w = builder(s).storageBackend(backend(new FaultyStorage())).open()) {
      w.batchAppendForTopic(T, batch(0, 10));
      w.sync();
      w.appendForTopic(T, p(10));
      msyncFails.set(true);
      assertThatThrownBy(w::sync)
          .isInstanceOf(FatalIOException.class)
          .hasMessageContaining("Input/output error");
      msyncFails.set(false);
      assertThatThrownBy(() -> w.appendForTopic(T, p(11)))
          .isInstanceOf(WalrusPoisonedException.class);
    }
    assertReopenedHolds(10, 1); // what the first sync made durable; the 11th may be there too
  }
}
