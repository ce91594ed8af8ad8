package dev.walrus.internal.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.BufferPool;
import dev.walrus.internal.core.DataFile;
import dev.walrus.internal.format.BlockHeader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The staging queue groups queued writes into runs per file in order, and once warm it
 * allocates nothing per append (its class comment promises it; the write path of every
 * single append goes through it).
 */
class StagingBuffersTest {
  private static Block block(long fileSequence) {
    byte[] name = "t".getBytes(StandardCharsets.UTF_8);
    BlockHeader h = BlockHeader.decode(BlockHeader.encode(1, 4096, 0, 7, name));
    return new Block(new DataFile(fileSequence, null, 1 << 20), 0, h);
  }

  @Test
  void queuedWritesAreRunsOfConsecutiveWritesToOneFileInOrder() {
    StagingBuffers s = new StagingBuffers(64);
    s.use(new BufferPool());
    Block a = block(1);
    Block b = block(2);
    long[] at = {100, 200, 300, 400, 500, 600}; // more than a run's initial capacity
    for (long p : at) {
      s.current().put((byte) p);
      s.queue(a, p);
    }
    s.current().put((byte) 1).put((byte) 2);
    s.queue(b, 7);
    s.current().put((byte) 3);
    s.queue(a, 700);

    assertThat(s.runCount()).isEqualTo(3);
    assertThat(s.queuedBytes()).isEqualTo(at.length + 2 + 1);
    assertThat(s.run(0).file()).isSameAs(a.file());
    assertThat(s.run(0).buffers()).hasSize(at.length);
    assertThat(Arrays.copyOf(s.run(0).positions(), at.length)).containsExactly(at);
    assertThat(s.run(0).buffers().get(5).get(0)).isEqualTo((byte) 600);
    assertThat(s.run(1).file()).isSameAs(b.file());
    assertThat(s.run(1).buffers()).hasSize(1);
    assertThat(s.run(1).buffers().get(0).remaining()).isEqualTo(2);
    assertThat(s.run(1).positions()[0]).isEqualTo(7);
    assertThat(s.run(2).file()).isSameAs(a.file());
    assertThat(s.run(2).positions()[0]).isEqualTo(700);

    s.recycle();
    assertThat(s.runCount()).isZero();
    assertThat(s.queuedBytes()).isZero();
    s.current().put((byte) 9);
    s.queue(b, 11);
    assertThat(s.runCount()).isEqualTo(1);
    assertThat(s.run(0).file()).isSameAs(b.file());
    assertThat(s.run(0).buffers()).hasSize(1);
    assertThat(s.run(0).positions()[0]).isEqualTo(11);
  }

  @Test
  void aWarmQueueAllocatesNothingPerAppend() {
    java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "no allocation counter here");
    com.sun.management.ThreadMXBean counter = (com.sun.management.ThreadMXBean) mx;
    assumeTrue(counter.isThreadAllocatedMemorySupported(), "no allocation counter here");
    counter.setThreadAllocatedMemoryEnabled(true);
    StagingBuffers s = new StagingBuffers(256);
    s.use(new BufferPool());
    Block a = block(1);
    Block b = block(2);
    for (int i = 0; i < 1_000; i++) {
      appendAndWrite(s, a, b, i);
    }
    int n = 20_000;
    long before = counter.getCurrentThreadAllocatedBytes();
    long sink = 0;
    for (int i = 0; i < n; i++) {
      sink += appendAndWrite(s, a, b, i);
    }
    long allocated = counter.getCurrentThreadAllocatedBytes() - before;
    assertThat(sink).isPositive();
    // One object per append (16 bytes at least) would be 320,000 bytes.
    assertThat(allocated).as("bytes allocated by %s appends", n).isLessThan(1_024);
  }

  /** What a single append does (one buffer), and a batch that spans two files. */
  private static long appendAndWrite(StagingBuffers s, Block a, Block b, int i) {
    s.current().putLong(i);
    s.queue(a, 8L * i);
    if (i % 2 == 0) {
      s.current().putLong(i);
      s.queue(a, 8L * i + 8);
      s.current().putLong(i);
      s.queue(b, 0);
    }
    long sum = 0;
    for (int r = 0; r < s.runCount(); r++) {
      StagingBuffers.FileRun run = s.run(r);
      for (int k = 0; k < run.buffers().size(); k++) {
        sum += run.positions()[k] + run.buffers().get(k).remaining();
      }
    }
    s.recycle();
    return sum;
  }
}
