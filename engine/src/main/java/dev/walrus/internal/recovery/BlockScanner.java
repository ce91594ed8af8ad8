package dev.walrus.internal.recovery;

import dev.walrus.internal.format.BlockEnds;
import dev.walrus.internal.format.BlockHeader;
import dev.walrus.internal.format.EntryFormat;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Reads an unsealed block entry by entry, verifying each one (bounds, checksum, offset
 * continuity, topic id), and reports where its valid entries end: the first entry that
 * fails ends the block, which is how a torn tail is cut.
 *
 * <p>Reads go through one window: a read starts at {@link #READ_MIN} bytes and doubles,
 * up to {@link #WINDOW}, while reads follow each other through a file. So the headers of
 * small blocks laid end to end, and the few entries of a mostly empty block, cost one
 * small read for many blocks, not a window per block, while a full block is still read
 * in large sequential reads. Recovery reads block headers through it too ({@link #view}).
 */
final class BlockScanner {
  private static final int WINDOW = 1 << 20;

  /** The first read at a new place; also the most a header read looks ahead. */
  static final int READ_MIN = 64 << 10;

  private final ByteBuffer window =
      ByteBuffer.allocateDirect(WINDOW).order(ByteOrder.LITTLE_ENDIAN);
  private final CRC32C crc = new CRC32C();
  private StorageFile windowFile;
  private long windowStart = -1;
  private int windowLen;
  private int readSize = READ_MIN;

  /** Timestamps of the first and last valid entries of the last scan (or NO_TIMESTAMP). */
  long firstTimestamp;

  long lastTimestamp;

  /**
   * Scans the block of header {@code h} at {@code base} of {@code f}.
   *
   * @return where the block's valid prefix ends: after its last valid entry, and after
   *     the last valid committed one ({@link #firstTimestamp} and {@link #lastTimestamp}
   *     then hold the timestamps of its first and last valid entries)
   */
  BlockEnds scan(StorageFile f, long base, BlockHeader h) throws IOException {
    long fileSize = f.size(); // a file cut short ends the block, padding included
    long pos = h.entriesStart();
    long offset = h.firstOffset;
    long commitPos = pos;
    long commitOffset = offset;
    int hs = h.entryHeaderSize();
    firstTimestamp = BlockHeader.NO_TIMESTAMP;
    lastTimestamp = BlockHeader.NO_TIMESTAMP;
    while (pos + hs <= h.length) {
      long abs = base + pos;
      if (!fill(f, abs, hs)) {
        break;
      }
      int at = (int) (abs - windowStart);
      long len = Integer.toUnsignedLong(EntryFormat.payloadLength(window, at));
      long frame = EntryFormat.frameSize(len, hs);
      if (len > EntryFormat.MAX_PAYLOAD
          || pos + frame > h.length
          || abs + frame > fileSize
          || EntryFormat.offset(window, at) != offset
          || EntryFormat.topicId(window, at) != h.topicId) {
        break;
      }
      int flags = EntryFormat.flags(window, at);
      long ts = EntryFormat.timestamp(window, at, hs);
      if (!verify(f, abs, at, (int) len, hs)) {
        break;
      }
      if (firstTimestamp == BlockHeader.NO_TIMESTAMP) {
        firstTimestamp = ts;
      }
      lastTimestamp = ts;
      pos += frame;
      offset++;
      if ((flags & EntryFormat.FLAG_MORE) == 0) {
        commitPos = pos;
        commitOffset = offset;
      }
    }
    return new BlockEnds(pos, offset, commitPos, commitOffset);
  }

  private boolean verify(StorageFile f, long abs, int at, int len, int hs) throws IOException {
    if (hs + len <= WINDOW) {
      if (!fill(f, abs, hs + len)) {
        return false;
      }
      return EntryFormat.verify(window, (int) (abs - windowStart), len, hs, crc);
    }
    int stored = window.getInt(at);
    crc.reset();
    ByteBuffer v = window.duplicate();
    v.position(at + 4).limit(at + hs);
    crc.update(v);
    long from = abs + hs;
    long left = len;
    ByteBuffer chunk = ByteBuffer.allocateDirect(WINDOW);
    while (left > 0) {
      chunk.clear().limit((int) Math.min(WINDOW, left));
      int got = f.read(chunk, from);
      if (got < chunk.limit()) {
        return false;
      }
      chunk.flip();
      crc.update(chunk);
      from += got;
      left -= got;
    }
    windowFile = null;
    return (int) crc.getValue() == stored;
  }

  /**
   * The bytes of {@code f} from {@code abs}: a read-only view of at most {@code n} bytes
   * (fewer at the end of the file), little-endian, index 0 at {@code abs}. Valid until the
   * next call on this scanner.
   */
  ByteBuffer view(StorageFile f, long abs, int n) throws IOException {
    fill(f, abs, n);
    int at = (int) (abs - windowStart);
    int len = Math.max(0, Math.min(n, windowLen - at));
    return window.slice(at, len).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  private boolean fill(StorageFile f, long abs, int n) throws IOException {
    if (f == windowFile && abs >= windowStart && abs + n <= windowStart + windowLen) {
      return true;
    }
    boolean follows =
        f == windowFile && abs >= windowStart && abs <= windowStart + windowLen + READ_MIN;
    readSize = follows ? Math.min(WINDOW, readSize * 2) : READ_MIN;
    window.clear().limit(Math.min(WINDOW, Math.max(n, readSize)));
    int got = Math.max(0, f.read(window, abs));
    windowFile = f;
    windowStart = abs;
    windowLen = got;
    return got >= n;
  }
}
