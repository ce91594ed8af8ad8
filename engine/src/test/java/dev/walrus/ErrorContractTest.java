package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's error table, row by row: for each failure class, the type a caller catches,
 * whether the instance stays usable, and what is there after a reopen. Faults come from
 * {@link FaultyStorage}; the finer cases of each class are in {@link FaultsTest},
 * {@link WriteFailureTest}, {@link MmapFaultsTest}, {@link InterruptTest} and
 * {@link ReadsAfterDamageTest}.
 */
class ErrorContractTest {
  private static final String T = "t";

  @TempDir Path dir;

  /** Every block 4096 bytes: the damage below is placed by position in the first block. */
  private Walrus.Builder fixedBlocks() {
    return builder().firstBlockSize(4096);
  }

  private Walrus.Builder builder() {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(4)
        .fsyncSchedule(FsyncSchedule.syncEach())
        .quiet(true);
  }

  /** What a caller's {@code catch (type e)} block would get; fails if nothing is thrown. */
  private static <X extends Throwable> X caught(Class<X> type, ThrowingCallable call) {
    try {
      call.call();
    } catch (Throwable t) {
      assertThat(t).isInstanceOf(type);
      return type.cast(t);
    }
    throw new AssertionError("nothing thrown; expected " + type.getSimpleName());
  }

  private static byte[] p(long i) {
    return ("entry-" + i).getBytes(StandardCharsets.UTF_8);
  }

  private static List<byte[]> batch(long first, int n) {
    List<byte[]> b = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      b.add(p(first + i));
    }
    return b;
  }

  /** Everything the reopened namespace holds for {@link #T}, as read by a fresh consumer. */
  private List<String> reopenedEntries() {
    List<String> out = new ArrayList<>();
    try (Walrus w = builder().open()) {
      for (List<Entry> b; !(b = w.batchReadForTopic(T, "check", 1 << 20, false)).isEmpty(); ) {
        b.forEach(e -> out.add(e.dataAsString()));
        w.checkpoint(T, "check", b.get(b.size() - 1).offset() + 1);
      }
      w.removeConsumer(T, "check");
    }
    return out;
  }

  private static List<String> expected(long n) {
    List<String> out = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      out.add("entry-" + i);
    }
    return out;
  }

  @Test
  void theRolledBackAndTheFatalTypesAreIoExceptionsButAPoisonedRefusalIsNot() {
    // Existing catch (WalrusIOException) blocks still see both new failures; a retry loop
    // over WalrusIOException does not spin on a poisoned instance.
    assertThat(WalrusIOException.class)
        .isAssignableFrom(WriteRolledBackException.class)
        .isAssignableFrom(FatalIOException.class);
    assertThat(WalrusIOException.class.isAssignableFrom(WalrusPoisonedException.class)).isFalse();
    assertThat(
            WriteRolledBackException.class.isAssignableFrom(FatalIOException.class)
                || FatalIOException.class.isAssignableFrom(WriteRolledBackException.class))
        .isFalse();
  }

  @Test
  void aFailedWriteIsCaughtAsRolledBackAndTheInstanceGoesOn() {
    FaultyStorage s = new FaultyStorage();
    try (Walrus w = builder().storageBackend(s).open()) {
      w.batchAppendForTopic(T, batch(0, 5));
      w.checkpoint(T, "holder", 0);
      s.failWriteIn.set(1);
      WriteRolledBackException single =
          caught(WriteRolledBackException.class, () -> w.appendForTopic(T, "lost".getBytes()));
      assertThat(single).hasMessageContaining("No space left on device");
      s.failWriteIn.set(1);
      WriteRolledBackException whole =
          caught(WriteRolledBackException.class, () -> w.batchAppendForTopic(T, batch(100, 40)));
      assertThat(whole).hasMessageContaining("rolled back");
      assertThat(w.appendForTopic(T, p(5))).as("no offset used up").isEqualTo(5);
      assertThat(w.batchAppendForTopic(T, batch(6, 3))).isEqualTo(6);
    }
    assertThat(reopenedEntries()).isEqualTo(expected(9));
  }

  @Test
  void aFullDiskIsRolledBackUntilSpaceIsFreedThenAppendsContinue() {
    FaultyStorage s = new FaultyStorage();
    long next = 0;
    try (Walrus w = builder().storageBackend(s).open()) {
      w.appendForTopic(T, p(next++));
      w.checkpoint(T, "holder", 0);
      s.sticky = true;
      s.failCreateIn.set(1); // no space for the next data file, until healed
      int rolledBack = 0;
      for (int i = 0; i < 2000 && rolledBack < 3; i++) {
        try {
          assertThat(w.appendForTopic(T, p(next))).isEqualTo(next);
          next++;
        } catch (WriteRolledBackException e) {
          rolledBack++;
        }
      }
      assertThat(rolledBack).as("appends needing a new file are rolled back").isEqualTo(3);
      s.heal(); // space freed
      for (int i = 0; i < 5; i++) {
        assertThat(w.appendForTopic(T, p(next))).isEqualTo(next);
        next++;
      }
    }
    assertThat(reopenedEntries()).isEqualTo(expected(next));
  }

  @Test
  void aRollbackThatFailsTooIsFatalThenEveryCallIsRefusedAsPoisoned() {
    FaultyStorage s = new FaultyStorage();
    try (Walrus w = builder().storageBackend(s).open()) {
      w.batchAppendForTopic(T, batch(0, 10));
      w.checkpoint(T, "holder", 0);
      s.sticky = true;
      s.failWriteIn.set(1); // the write and the rollback's seal writes fail
      FatalIOException fatal =
          caught(FatalIOException.class, () -> w.batchAppendForTopic(T, batch(10, 30)));
      assertThat(fatal).hasMessageContaining("No space left on device");
      s.heal();
      WalrusPoisonedException refused =
          caught(WalrusPoisonedException.class, () -> w.appendForTopic(T, p(10)));
      assertThat(refused)
          .hasMessageContaining("reopen")
          .hasCauseInstanceOf(java.io.IOException.class);
    }
    List<String> after = reopenedEntries();
    assertThat(after)
        .as("the failed batch is wholly there or wholly absent")
        .isIn(expected(10), expected(40));
  }

  @Test
  void aFailedForceIsFatalThenEveryCallIsRefusedAsPoisonedWithTheCause() {
    FaultyStorage s = new FaultyStorage();
    try (Walrus w = builder().fsyncSchedule(FsyncSchedule.noFsync()).storageBackend(s).open()) {
      w.batchAppendForTopic(T, batch(0, 4));
      w.sync();
      w.appendForTopic(T, p(4)); // in the page cache only
      s.failForceIn.set(1);
      FatalIOException fatal = caught(FatalIOException.class, w::sync);
      assertThat(fatal).hasMessageContaining("fsync").hasRootCauseMessage("Input/output error");
      for (Runnable call :
          List.<Runnable>of(
              () -> w.appendForTopic(T, p(5)),
              () -> w.readNext(T, true),
              () -> w.checkpoint(T, "c", 0),
              w::sync)) {
        WalrusPoisonedException refused = caught(WalrusPoisonedException.class, call::run);
        assertThat(refused).hasRootCauseMessage("Input/output error");
      }
    }
    assertThat(reopenedEntries())
        .as(
            "what the first sync made durable, and perhaps the entry"
                + " the failed one was to force")
        .isIn(expected(4), expected(5));
  }

  @Test
  void aFailedFinalForceIsFatalAndLeavesTheInstanceClosed() {
    FaultyStorage s = new FaultyStorage();
    Walrus w = builder().fsyncSchedule(FsyncSchedule.noFsync()).storageBackend(s).open();
    w.batchAppendForTopic(T, batch(0, 3));
    s.failForceIn.set(1);
    FatalIOException fatal = caught(FatalIOException.class, w::close);
    assertThat(fatal).hasMessageContaining("final fsync");
    caught(WalrusClosedException.class, () -> w.appendForTopic(T, p(3)));
    w.close(); // idempotent
    assertThat(reopenedEntries().size()).as("the namespace opens again").isBetween(0, 3);
  }

  @Test
  void anInterruptFailsNothingAndTheThreadKeepsItsStatus() {
    try (Walrus w = builder().open()) {
      Thread.currentThread().interrupt();
      try {
        assertThat(w.appendForTopic(T, p(0))).isZero();
        assertThat(w.batchAppendForTopic(T, batch(1, 2))).isEqualTo(1);
        assertThat(w.readNext(T, "c", true)).map(Entry::offset).contains(0L);
        w.sync();
        assertThat(Thread.currentThread().isInterrupted()).as("status kept").isTrue();
      } finally {
        Thread.interrupted();
      }
      assertThat(w.appendForTopic(T, p(3))).as("not poisoned").isEqualTo(3);
    }
    assertThat(reopenedEntries()).isEqualTo(expected(4));
  }

  @Test
  void aCorruptEntryIsTypedTheCursorStaysAndACheckpointMovesPastIt() throws Exception {
    try (Walrus w = fixedBlocks().fsyncSchedule(FsyncSchedule.milliseconds(3_600_000)).open()) {
      for (int i = 0; i < 10; i++) {
        w.appendForTopic(T, new byte[100]);
      }
    }
    try (Walrus w = fixedBlocks().open()) {
      assertThat(w.stats(T).orElseThrow().nextOffset()).isEqualTo(10); // the block is sealed
    }
    Path data;
    try (Stream<Path> l = Files.list(dir)) {
      data =
          l.filter(f -> f.getFileName().toString().startsWith("wal-"))
              .sorted()
              .findFirst()
              .orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
      long at = 88 + 128 * 5 + 24 + 10; // a payload byte of entry 5 (see ReadsAfterDamageTest)
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x40);
    }
    try (Walrus w = fixedBlocks().open()) {
      for (long i = 0; i < 5; i++) {
        assertThat(w.readNext(T, "c", true)).map(Entry::offset).contains(i);
      }
      CorruptEntryException corrupt =
          caught(CorruptEntryException.class, () -> w.readNext(T, "c", true));
      assertThat(corrupt).hasMessageContaining("offset 5");
      assertThat(w.position(T, "c")).as("the cursor stays").isEqualTo(5);
      assertThat(w.appendForTopic(T, new byte[1])).as("the instance stays usable").isEqualTo(10);
      w.checkpoint(T, "c", w.position(T, "c") + 1);
      Optional<Entry> after = w.readNext(T, "c", true);
      assertThat(after).map(Entry::offset).contains(6L);
    }
  }

  @Test
  void aRefusedCallALockedNamespaceAndAClosedInstanceHaveTheirOwnTypes() {
    Walrus w = builder().open();
    try {
      caught(InvalidTopicException.class, () -> w.appendForTopic("", p(0)));
      caught(InvalidArgumentException.class, () -> w.readNext(T, "", true));
      caught(NamespaceLockedException.class, () -> builder().open());
      assertThat(w.topics()).as("nothing was created").isEmpty();
    } finally {
      w.close();
    }
    caught(WalrusClosedException.class, () -> w.appendForTopic(T, p(0)));
  }
}
