package dev.walrus.internal.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.FsyncSchedule;
import dev.walrus.InvalidArgumentException;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.EngineConfig;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.storage.FileChannelBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How long a topic's blocks are: small first, doubling up to the block size, fitted to big entries. */
class BlockLengthTest {
  private static final long MIB = 1 << 20;

  @TempDir Path dir;

  private BlockAllocator allocator(long blockSize, long firstBlock) {
    EngineConfig c =
        new EngineConfig(
                dir,
                blockSize,
                blockSize * 100,
                1 << 30,
                ReadConsistency.atLeastOnce(1),
                FsyncSchedule.noFsync(),
                new FileChannelBackend(),
                true)
            .withFirstBlockSize(firstBlock);
    return new BlockAllocator(c, new ConcurrentSkipListMap<>(), 1, 1);
  }

  /** Allocates blocks for {@code t} as its writer rolls (each linked as the new tail). */
  private static List<Long> roll(BlockAllocator a, Topic t, long frame, int n) throws Exception {
    List<Long> lengths = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Block b = a.allocate(t, t.endOffset(), frame);
      t.link(b);
      lengths.add(b.length());
    }
    return lengths;
  }

  @Test
  void aTopicsBlocksStartSmallAndDoubleUpToTheBlockSize() throws Exception {
    BlockAllocator a = allocator(10 * MIB, EngineConfig.DEFAULT_FIRST_BLOCK);
    Topic t = new Topic("t", 0, 0);
    List<Long> lengths = roll(a, t, 128, 18);
    List<Long> expected = new ArrayList<>();
    for (long l = 512; l < 10 * MIB; l *= 2) {
      expected.add(l);
    }
    while (expected.size() < 18) {
      expected.add(10 * MIB);
    }
    assertThat(lengths).containsExactlyElementsOf(expected);
  }

  @Test
  void blocksOfDifferentTopicsAreLaidEndToEnd() throws Exception {
    BlockAllocator a = allocator(10 * MIB, EngineConfig.DEFAULT_FIRST_BLOCK);
    List<Block> blocks = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Topic t = new Topic("t" + i, 0, 0);
      Block b = a.allocate(t, 0, 128);
      t.link(b);
      blocks.add(b);
    }
    for (int i = 0; i < blocks.size(); i++) {
      assertThat(blocks.get(i).base()).isEqualTo(512L * i);
    }
    assertThat(a.files()).hasSize(1);
  }

  @Test
  void anEntryLargerThanTheNextBlockGetsABlockThatFitsIt() throws Exception {
    BlockAllocator a = allocator(10 * MIB, EngineConfig.DEFAULT_FIRST_BLOCK);
    Topic t = new Topic("t", 0, 0);
    // 96 bytes of header and seal for "t": a 5,000-byte frame needs 5,096, rounded to 5,120.
    assertThat(roll(a, t, 5_000, 1)).containsExactly(5_120L);
    // The next one doubles the last.
    assertThat(roll(a, t, 128, 1)).containsExactly(10_240L);
    // Past the block size: whole block sizes, as before.
    assertThat(roll(a, t, 10 * MIB + 1, 1)).containsExactly(20 * MIB);
    assertThat(roll(a, t, 128, 1)).containsExactly(10 * MIB);
  }

  @Test
  void aFirstBlockOfTheBlockSizeGivesEveryBlockTheBlockSize() throws Exception {
    BlockAllocator a = allocator(4096, 1 << 20); // more than the block size: the block size
    Topic t = new Topic("t", 0, 0);
    assertThat(roll(a, t, 128, 3)).containsExactly(4096L, 4096L, 4096L);
  }

  @Test
  void theBuilderRefusesAFirstBlockSizeThatIsNotAMultipleOf512() {
    for (long bad : new long[] {0, 256, 1000, (1L << 30) + 512}) {
      assertThatThrownBy(() -> Walrus.builder().firstBlockSize(bad))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("first block size");
    }
    Walrus.builder().firstBlockSize(512).firstBlockSize(1 << 30); // accepted
  }
}
