package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.internal.format.BlockHeader;
import dev.walrus.internal.format.BlockSeal;
import dev.walrus.internal.storage.FileChannelBackend;
import dev.walrus.internal.storage.ForwardingBackend;
import dev.walrus.internal.storage.ForwardingStorageFile;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SyncEach group commit of one topic is pipelined: the leader writes a group, asks for
 * its force, and writes the next group while that force runs. What must hold: an entry is
 * neither acknowledged nor visible to readers before a force that covers it has returned,
 * and a write that fails while the group before it is still being forced rolls back only
 * itself (the earlier group is acknowledged, survives a reopen, and offsets continue after
 * it, never reusing one). Deterministic: the backend holds the group force and the write
 * of chosen payloads. FD positional backend (the fault seam).
 */
class GroupCommitPipelineTest {
  @TempDir Path dir;

  private static byte[] marked(char c) {
    byte[] b = new byte[64];
    Arrays.fill(b, (byte) c);
    return b;
  }

  private static boolean contains(ByteBuffer src, byte[] what) {
    ByteBuffer b = src.duplicate();
    outer:
    for (int i = b.position(); i + what.length <= b.limit(); i++) {
      for (int j = 0; j < what.length; j++) {
        if (b.get(i + j) != what[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** Holds the group forces while {@code holdForces}; holds or fails writes of marked payloads. */
  private static final class Hooked extends ForwardingBackend {
    volatile boolean holdForces;
    final CountDownLatch forceHeld = new CountDownLatch(1);
    final CountDownLatch releaseForces = new CountDownLatch(1);
    volatile byte[] holdWriteOf;
    final CountDownLatch writeHeld = new CountDownLatch(1);
    final CountDownLatch releaseWrite = new CountDownLatch(1);
    volatile byte[] failWriteOf;

    Hooked() {
      super(new FileChannelBackend());
    }

    @Override
    public String name() {
      return "hooked-fd";
    }

    @Override
    public void forceAll(List<StorageFile> files) throws IOException {
      if (holdForces) {
        forceHeld.countDown();
        await(releaseForces);
      }
      super.forceAll(files);
    }

    @Override
    public StorageFile create(Path path, long size, boolean syncWrites) throws IOException {
      return new File(delegate.create(path, size, syncWrites));
    }

    @Override
    public StorageFile openPreallocated(Path path, boolean syncWrites) throws IOException {
      return new File(delegate.openPreallocated(path, syncWrites));
    }

    private final class File extends ForwardingStorageFile {
      File(StorageFile f) {
        super(f);
      }

      @Override
      public void write(ByteBuffer src, long position) throws IOException {
        check(src);
        delegate.write(src, position);
      }

      @Override
      public void writeBatch(List<ByteBuffer> buffers, long[] positions) throws IOException {
        for (ByteBuffer b : buffers) {
          check(b);
        }
        delegate.writeBatch(buffers, positions);
      }

      private void check(ByteBuffer b) throws IOException {
        byte[] hold = holdWriteOf;
        if (hold != null && contains(b, hold)) {
          holdWriteOf = null;
          writeHeld.countDown();
          await(releaseWrite);
        }
        byte[] fail = failWriteOf;
        if (fail != null && contains(b, fail)) {
          failWriteOf = null;
          throw new IOException("No space left on device");
        }
      }
    }
  }

  private static void await(CountDownLatch l) {
    try {
      if (!l.await(60, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released");
      }
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static void until(String what, BooleanSupplier c) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!c.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
      Thread.sleep(1); // polling a condition with a deadline
    }
  }

  private Walrus open(Hooked h) {
    return Walrus.builder()
        .dataDir(dir)
        .fsyncSchedule(FsyncSchedule.syncEach())
        .storageBackend(h)
        .open();
  }

  private static CompletableFuture<Long> appendAsync(Walrus w, byte[] p, List<Thread> threads) {
    CompletableFuture<Long> f = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                f.complete(w.appendForTopic("t", p));
              } catch (Throwable e) {
                f.completeExceptionally(e);
              }
            });
    threads.add(t);
    t.start();
    return f;
  }

  private static boolean parked(Thread t) {
    Thread.State s = t.getState();
    return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
  }

  @Test
  void anEntryIsNeitherAcknowledgedNorReadableBeforeItsForceReturned() throws Exception {
    Hooked h = new Hooked();
    List<Thread> threads = new ArrayList<>();
    try (Walrus w = open(h)) {
      assertThat(w.appendForTopic("t", marked('0'))).isEqualTo(0); // the topic's block exists
      h.holdForces = true;
      CompletableFuture<Long> a = appendAsync(w, marked('a'), threads);
      await(h.forceHeld); // written, its force running (held)
      assertThat(a).isNotDone();
      assertThat(w.readNext("t", "reader", true).orElseThrow().offset()).isZero();
      assertThat(w.readNext("t", "reader", true)).as("visible before its force").isEmpty();
      h.releaseForces.countDown();
      assertThat(a.get(60, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(w.readNext("t", "reader", true).orElseThrow().data()).isEqualTo(marked('a'));
    }
  }

  /**
   * Entry 0, then A (its write held) and B queued behind A's lock; A's group is written
   * and its force held, A writes B's group, whose write fails and is rolled back.
   *
   * @return A's append, not yet acknowledged (its force is held)
   */
  private static CompletableFuture<Long> failTheGroupAfterA(Walrus w, Hooked h)
      throws InterruptedException {
    List<Thread> threads = new ArrayList<>();
    assertThat(w.appendForTopic("t", marked('0'))).isEqualTo(0);
    h.holdForces = true;
    h.holdWriteOf = marked('a');
    h.failWriteOf = marked('b');
    CompletableFuture<Long> a = appendAsync(w, marked('a'), threads);
    await(h.writeHeld); // A leads; its write is held
    CompletableFuture<Long> b = appendAsync(w, marked('b'), threads);
    Thread bt = threads.get(1);
    until("B queued behind A's lock", () -> parked(bt));
    h.releaseWrite.countDown(); // A's group is written, its force held; A writes B's group
    assertThatThrownBy(() -> b.get(60, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(WriteRolledBackException.class);
    return a;
  }

  @Test
  void aWriteFailingWhileTheGroupBeforeItIsForcedRollsBackOnlyItself() throws Exception {
    Hooked h = new Hooked();
    try (Walrus w = open(h)) {
      CompletableFuture<Long> a = failTheGroupAfterA(w, h);
      assertThat(a).isNotDone(); // its force is still held
      h.releaseForces.countDown();
      assertThat(a.get(60, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(w.appendForTopic("t", marked('c')))
          .as("offsets continue after A, B's is not reused")
          .isEqualTo(2);
      assertThat(w.health().isOpen()).isTrue();
    }
    try (Walrus w = Walrus.builder().dataDir(dir).open()) {
      List<byte[]> got = new ArrayList<>();
      List<Long> offsets = new ArrayList<>();
      for (Entry e; (e = w.readNext("t", "check", true).orElse(null)) != null; ) {
        got.add(e.data());
        offsets.add(e.offset());
      }
      assertThat(offsets).containsExactly(0L, 1L, 2L);
      assertThat(got.get(1)).isEqualTo(marked('a'));
      assertThat(got.get(2)).isEqualTo(marked('c'));
      // After a restart the topic goes on after C, never handing out A's or C's offset again.
      assertThat(w.stats("t").orElseThrow().nextOffset()).isEqualTo(3);
      assertThat(w.appendForTopic("t", marked('d'))).isEqualTo(3);
    }
  }

  @Test
  void aGroupAcknowledgedAfterTheNextGroupFailedSurvivesARestartWithNothingAfterIt()
      throws Exception {
    Hooked h = new Hooked();
    try (Walrus w = open(h)) {
      CompletableFuture<Long> a = failTheGroupAfterA(w, h);
      h.releaseForces.countDown();
      assertThat(a.get(60, TimeUnit.SECONDS)).isEqualTo(1); // acknowledged: on stable storage
    } // no append after the failure: the rolled-back block is the topic's last
    try (Walrus w = Walrus.builder().dataDir(dir).open()) {
      List<Long> offsets = new ArrayList<>();
      byte[] last = null;
      for (Entry e; (e = w.readNext("t", "check", true).orElse(null)) != null; ) {
        offsets.add(e.offset());
        last = e.data();
      }
      assertThat(offsets).as("the acknowledged A after a restart").containsExactly(0L, 1L);
      assertThat(last).isEqualTo(marked('a'));
      assertThat(w.appendForTopic("t", marked('c'))).isEqualTo(2);
    }
  }

  /**
   * The rollback's seal of the block the failed write started in must cover the group
   * written before it and still being forced (A): A is acknowledged once that force
   * returns, and recovery trusts a valid seal over a scan. Read from the file while the
   * instance is open, before anything else could seal the block again.
   */
  @Test
  void theRollbackSealCoversTheGroupStillBeingForced() throws Exception {
    Hooked h = new Hooked();
    try (Walrus w = open(h)) {
      CompletableFuture<Long> a = failTheGroupAfterA(w, h);
      h.releaseForces.countDown();
      assertThat(a.get(60, TimeUnit.SECONDS)).isEqualTo(1);
      List<BlockSeal> seals = sealsOfTopic("t");
      assertThat(seals).as("one live block, sealed by the rollback").hasSize(1);
      BlockSeal seal = seals.get(0);
      assertThat(seal).as("a valid seal (an inconsistent one is ignored and scanned)").isNotNull();
      assertThat(seal.ends().endOffset()).as("its entries end after A").isEqualTo(2);
      assertThat(seal.ends().commitOffset()).as("committed through A").isEqualTo(2);
    }
  }

  /** @return the seal of every block of {@code topic} not sealed dead (null: no valid seal) */
  private List<BlockSeal> sealsOfTopic(String topic) throws IOException {
    List<BlockSeal> seals = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.getFileName().toString().startsWith("wal-")).sorted().toList();
    }
    assertThat(files).as("data files in %s", dir).isNotEmpty();
    for (Path f : files) {
      try (FileChannel ch = FileChannel.open(f)) {
        long pos = 0;
        while (pos < ch.size()) {
          ByteBuffer b = ByteBuffer.allocate(BlockHeader.MAX_SIZE).order(ByteOrder.LITTLE_ENDIAN);
          ch.read(b, pos);
          b.flip();
          BlockHeader hd = BlockHeader.decode(b);
          if (hd == null) {
            break;
          }
          BlockSeal seal = hd.decodeSeal(b);
          if (hd.topic.equals(topic) && (seal == null || !seal.dead())) {
            seals.add(seal);
          }
          pos += hd.length;
        }
      }
    }
    return seals;
  }
}
