package dev.walrus.internal.read;

import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.Topic;
import java.io.IOException;

/**
 * Finds the block and byte position of an offset: walks the chain to the block that
 * holds it, then steps over entry headers from the block's start (blocks keep no index;
 * this happens when a cursor is created, moved or recovered, not per read).
 */
final class Locator {
  private Locator() {}

  /** @return false if the topic has no block to read from */
  static boolean locate(Topic topic, ReadPosition p, ChainReader reader) throws IOException {
    long target = p.nextOffset;
    Block b = topic.head();
    if (b == null) {
      return false;
    }
    while (b.endOffset() <= target || isEmpty(b)) {
      Block n = b.next();
      if (n == null) {
        if (b.isSealed()) {
          // The chain ends here (its ends are final, and its file may be reclaimed
          // already): wait at its end without reading it.
          p.block = b;
          p.pos = b.endPos();
          p.nextOffset = target;
          return true;
        }
        break;
      }
      b = n;
    }
    p.block = b;
    p.pos = b.entriesStart();
    p.nextOffset = b.firstOffset(); // past a recorded gap, the cursor lands on the next entry
    while (p.nextOffset < target) {
      if (!reader.skip(topic, p)) {
        p.nextOffset = target; // lost before a restart: the next entry lies beyond a gap
        break;
      }
    }
    return true;
  }

  /** A sealed block without readable entries (cut at recovery): it covers no offset. */
  private static boolean isEmpty(Block b) {
    return b.isSealed() && b.endPos() <= b.entriesStart();
  }
}
