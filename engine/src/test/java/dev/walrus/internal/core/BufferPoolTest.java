package dev.walrus.internal.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The instance's buffer pool: buffers of the size asked for, a bounded number kept spare
 * whatever was borrowed at once, a borrower's own buffer handed back with its bytes only if
 * no one else took it in between, and no allocation once warm.
 */
class BufferPoolTest {
  @Test
  void buffersAreAtLeastTheSizeAskedForAndCleared() {
    BufferPool pool = new BufferPool();
    BufferPool.Lease l = pool.take(100, 0);
    assertThat(l.buffer().capacity()).isEqualTo(BufferPool.MIN_SIZE);
    l.buffer().putLong(42);
    pool.give(l);
    BufferPool.Lease again = pool.take(BufferPool.MIN_SIZE, 0);
    assertThat(again).isSameAs(l);
    assertThat(again.kept()).isFalse();
    assertThat(again.buffer().position()).isZero();
    assertThat(again.buffer().remaining()).isEqualTo(BufferPool.MIN_SIZE);
    assertThat(pool.take(64 * 1024 + 1, 0).buffer().capacity()).isEqualTo(128 * 1024);
  }

  @Test
  void whatThePoolKeepsIsBoundedHoweverManyWereBorrowedAtOnce() {
    BufferPool pool = new BufferPool();
    List<BufferPool.Lease> out = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      out.add(pool.take(64 * 1024, pool.newBorrower()));
    }
    out.forEach(pool::give);
    assertThat(pool.retainedBytes()).isEqualTo(BufferPool.RETAIN_PER_SIZE);
    assertThat(pool.retainedBytes()).isLessThanOrEqualTo(pool.maxRetainedBytes());
    assertThat(pool.maxRetainedBytes()).isLessThan(16L << 20);
  }

  @Test
  void aBorrowerGetsItsOwnBytesBackUnlessSomeoneTookThemMeanwhile() {
    BufferPool pool = new BufferPool();
    long reader = pool.newBorrower();
    BufferPool.Lease l = pool.take(64 * 1024, reader);
    l.buffer().position(10).limit(20);
    l.buffer().put(10, (byte) 7);
    pool.give(l);
    BufferPool.Lease back = pool.take(64 * 1024, reader);
    assertThat(back).isSameAs(l);
    assertThat(back.kept()).isTrue();
    assertThat(back.buffer().position()).isEqualTo(10);
    assertThat(back.buffer().get(10)).isEqualTo((byte) 7);
    pool.give(back);

    BufferPool.Lease other = pool.take(64 * 1024, pool.newBorrower()); // the only spare one
    assertThat(other).isSameAs(l);
    assertThat(other.kept()).isFalse();
    pool.give(other);
    BufferPool.Lease mine = pool.take(64 * 1024, reader);
    assertThat(mine.kept()).as("someone else's bytes now").isFalse();
    assertThat(mine.buffer().position()).isZero();
  }

  @Test
  void theSlotHintFindsTheBorrowersBufferAndNeverAnotherBorrowersBytes() {
    BufferPool pool = new BufferPool();
    long reader = pool.newBorrower();
    BufferPool.Lease l = pool.take(64 * 1024, reader);
    l.buffer().put(0, (byte) 9);
    int slot = pool.give(l, -1);
    assertThat(slot).isNotNegative();
    BufferPool.Lease back = pool.take(64 * 1024, reader, slot);
    assertThat(back).isSameAs(l);
    assertThat(back.kept()).isTrue();
    assertThat(back.buffer().get(0)).isEqualTo((byte) 9);
    slot = pool.give(back, slot);

    long other = pool.newBorrower();
    BufferPool.Lease taken = pool.take(64 * 1024, other, slot); // a hint that is not its own
    assertThat(taken).isSameAs(l);
    assertThat(taken.kept()).as("another borrower's bytes are never handed as kept").isFalse();
    int otherSlot = pool.give(taken, -1);
    BufferPool.Lease mine = pool.take(64 * 1024, reader, otherSlot);
    assertThat(mine.kept()).as("someone else held it in between").isFalse();
    assertThat(pool.take(64 * 1024, reader, 10_000))
        .as("a hint out of range is ignored")
        .isNotNull();
  }

  @Test
  void aWarmPoolAllocatesNothing() {
    java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "no allocation counter here");
    com.sun.management.ThreadMXBean counter = (com.sun.management.ThreadMXBean) mx;
    assumeTrue(counter.isThreadAllocatedMemorySupported(), "no allocation counter here");
    counter.setThreadAllocatedMemoryEnabled(true);
    BufferPool pool = new BufferPool();
    long reader = pool.newBorrower();
    long sink = 0;
    for (int i = 0; i < 1_000; i++) {
      sink += cycle(pool, reader);
    }
    long before = counter.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 20_000; i++) {
      sink += cycle(pool, reader);
    }
    long allocated = counter.getCurrentThreadAllocatedBytes() - before;
    assertThat(sink).isPositive();
    assertThat(allocated).as("bytes allocated by 20,000 take/give cycles").isLessThan(1_024);
  }

  private static long cycle(BufferPool pool, long reader) {
    BufferPool.Lease a = pool.take(4096, 0);
    BufferPool.Lease b = pool.take(64 * 1024, reader);
    long n = a.buffer().capacity() + b.buffer().capacity();
    pool.give(b);
    pool.give(a);
    return n;
  }
}
