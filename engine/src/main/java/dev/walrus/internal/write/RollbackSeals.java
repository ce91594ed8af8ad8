package dev.walrus.internal.write;

import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.DataFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The seals a rolled-back write leaves so that recovery never sees its bytes: every block
 * the write allocated is sealed dead, the block it started in is sealed at its old end, and
 * both seals are forced before anything else is written after them. Seals still pending for
 * those blocks in {@link Durability} are forgotten first.
 */
final class RollbackSeals {
  private RollbackSeals() {}

  /**
   * @param allocated the blocks the failed write allocated (sealed dead)
   * @param start the block it started in, or null
   * @param startSeal the seal of {@code start} at its old end (null if {@code start} is)
   * @param durability the instance's, whose pending seals of these blocks are cancelled
   * @throws IOException if a seal cannot be written or forced (the caller poisons)
   */
  static void write(List<Block> allocated, Block start, ByteBuffer startSeal, Durability durability)
      throws IOException {
    Set<DataFile> files = new LinkedHashSet<>();
    for (Block b : allocated) {
      durability.cancelSeal(b);
      b.file().file().write(b.header().encodeDeadSeal(), b.base() + b.header().sealPosition);
      b.markDead();
      files.add(b.file());
    }
    if (start != null) {
      durability.cancelSeal(start);
      start.file().file().write(startSeal, start.base() + start.header().sealPosition);
      start.seal();
      files.add(start.file());
    }
    // The seals must be durable before any later append lands after them.
    for (DataFile f : files) {
      f.file().force();
    }
  }
}
