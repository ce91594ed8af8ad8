package dev.walrus.internal.read;

import dev.walrus.CorruptEntryException;
import dev.walrus.Entry;
import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.DataFile;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.format.EntryFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads entries of one topic along its block chain through a read-ahead buffer: one
 * positional read fetches many entries, so sequential consumption costs far less than a
 * system call per entry. Every entry's checksum, offset and topic id are verified before
 * it is returned; a mismatch raises {@link CorruptEntryException} and moves nothing.
 *
 * <p>Only bytes below a block's published end are read, and those never change, so
 * buffered bytes stay valid. Not thread-safe: one reader per cursor, used under the
 * cursor's lock.
 */
public final class ChainReader {
  private static final int READ_AHEAD = 64 * 1024;
  private static final int CHUNK = 1 << 20;

  private static final int PREFETCH_MAX = 4 << 20;
  private static final int MAX_RANGES = 16;

  private final ByteBuffer readAhead =
      ByteBuffer.allocateDirect(READ_AHEAD).order(ByteOrder.LITTLE_ENDIAN);
  private final CRC32C crc = new CRC32C();

  /** The window entries are parsed from: the read-ahead buffer or a prefetched range. */
  private ByteBuffer win = readAhead;

  private DataFile winFile;
  private long winStart = -1;
  private int winLen;

  /** Ranges fetched by {@link #prefetch} with one batch read. */
  private ByteBuffer prefetchBuf;

  private final List<ByteBuffer> ranges = new ArrayList<>();
  private final List<DataFile> rangeFiles = new ArrayList<>();
  private final List<Long> rangeStarts = new ArrayList<>();

  /** Result of the last {@link #peek}: where the entry after it starts. */
  private Block lastBlock;

  private long lastNextPos;
  private long lastOffset;

  /**
   * Reads the entry at {@code p} without moving {@code p}.
   *
   * @return the entry, or null if the topic has nothing at that offset yet
   * @throws IOException on read failure
   */
  public Entry peek(Topic topic, ReadPosition p) throws IOException {
    if (p.nextOffset >= topic.endOffset()) {
      return null;
    }
    if (p.block == null && !Locator.locate(topic, p, this)) {
      return null;
    }
    Block b = p.block;
    long pos = p.pos;
    long expected = p.nextOffset;
    if (pos >= b.endPos()) {
      do {
        b = b.next();
        if (b == null) {
          return null; // offsets up to the end were lost before a restart: nothing to read
        }
        pos = b.entriesStart();
      } while (pos >= b.endPos()); // empty blocks (cut at recovery) hold nothing
      // Offsets continue across blocks, except over a gap recorded at recovery (a
      // restart after lost data, or a reclaimed range): then the first entry of the
      // block we land in is the next one.
      expected = Math.max(expected, b.firstOffset());
    }
    long limit = b.endPos();
    long abs = b.base() + pos;
    int hs = b.entryHeaderSize(); // 24 in blocks of format version 1, else 28
    ensure(b.file(), abs, hs, b.base() + limit);
    int at = (int) (abs - winStart);
    int len = EntryFormat.payloadLength(win, at);
    long frame = EntryFormat.frameSize(Integer.toUnsignedLong(len), hs);
    if (len < 0 || pos + frame > limit) {
      throw corrupt(
          topic,
          p.nextOffset,
          b,
          pos,
          "length " + Integer.toUnsignedLong(len) + " runs past the block's end");
    }
    long off = EntryFormat.offset(win, at);
    int id = EntryFormat.topicId(win, at);
    long ts = EntryFormat.timestamp(win, at, hs);
    byte[] data;
    if (frame <= READ_AHEAD) {
      ensure(b.file(), abs, (int) frame, b.base() + limit);
      at = (int) (abs - winStart);
      if (!EntryFormat.verify(win, at, len, hs, crc)) {
        throw corrupt(topic, p.nextOffset, b, pos, "checksum mismatch");
      }
      data = new byte[len];
      win.get(at + hs, data);
    } else {
      data = readLarge(b, abs, at, len, hs, topic, p);
    }
    if (off != expected || id != topic.id()) {
      throw corrupt(topic, expected, b, pos, "found offset " + off + " of topic id " + id);
    }
    lastBlock = b;
    lastOffset = off;
    lastNextPos = pos + frame;
    return new Entry(topic.name(), off, ts, data);
  }

  /** Moves {@code p} past the entry returned by the last {@link #peek} at {@code p}. */
  public void advance(ReadPosition p) {
    p.block = lastBlock;
    p.pos = lastNextPos;
    p.nextOffset = lastOffset + 1;
  }

  /**
   * Skips the entry at {@code p} without copying its payload or verifying it (used to
   * position a cursor; the entry is verified when it is read).
   *
   * @return false if there is no entry to skip
   */
  boolean skip(Topic topic, ReadPosition p) throws IOException {
    Block b = p.block;
    long pos = p.pos;
    long expected = p.nextOffset;
    if (pos >= b.endPos()) {
      do {
        b = b.next();
        if (b == null) {
          return false;
        }
        pos = b.entriesStart();
      } while (pos >= b.endPos());
      expected = Math.max(expected, b.firstOffset());
    }
    long abs = b.base() + pos;
    int hs = b.entryHeaderSize();
    ensure(b.file(), abs, hs, b.base() + b.endPos());
    int len = EntryFormat.payloadLength(win, (int) (abs - winStart));
    long frame = EntryFormat.frameSize(Integer.toUnsignedLong(len), hs);
    if (len < 0 || pos + frame > b.endPos()) {
      throw corrupt(topic, p.nextOffset, b, pos, "length runs past the block's end");
    }
    p.block = b;
    p.pos = pos + frame;
    p.nextOffset = expected + 1;
    return true;
  }

  private byte[] readLarge(Block b, long abs, int at, int len, int hs, Topic topic, ReadPosition p)
      throws IOException {
    byte[] header = new byte[hs];
    win.get(at, header);
    byte[] data = new byte[len];
    long from = abs + hs;
    int done = 0;
    while (done < len) {
      int n = Math.min(CHUNK, len - done);
      int got = b.file().file().read(ByteBuffer.wrap(data, done, n), from + done);
      if (got < n) {
        throw corrupt(topic, p.nextOffset, b, p.pos, "file ends inside the entry");
      }
      done += n;
    }
    crc.reset();
    crc.update(header, 4, hs - 4);
    crc.update(data, 0, len);
    int stored = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    if ((int) crc.getValue() != stored) {
      throw corrupt(topic, p.nextOffset, b, p.pos, "checksum mismatch");
    }
    return data;
  }

  /** Makes [abs, abs+n) available in the window, reading ahead up to {@code limitAbs}. */
  private void ensure(DataFile f, long abs, int n, long limitAbs) throws IOException {
    if (f == winFile && abs >= winStart && abs + n <= winStart + winLen) {
      return;
    }
    for (int i = 0; i < ranges.size(); i++) {
      ByteBuffer r = ranges.get(i);
      long start = rangeStarts.get(i);
      if (rangeFiles.get(i) == f && abs >= start && abs + n <= start + r.limit()) {
        win = r;
        winFile = f;
        winStart = start;
        winLen = r.limit();
        return;
      }
    }
    win = readAhead;
    win.clear();
    long want = Math.min(READ_AHEAD, Math.max(n, limitAbs - abs));
    win.limit((int) want);
    int got = f.file().read(win, abs);
    winFile = f;
    winStart = abs;
    winLen = got;
    if (got < n) {
      winFile = null;
      throw new CorruptEntryException(
          "data file "
              + f.file().path()
              + " ends at "
              + (abs + got)
              + ", inside an entry that should be readable");
    }
  }

  /** Forgets buffered bytes (after a file was closed). */
  public void invalidate() {
    winFile = null;
    ranges.clear();
    rangeFiles.clear();
    rangeStarts.clear();
  }

  /**
   * Fetches about {@code bytes} of the chain from {@code p} on with one batch read: one
   * range per block, all submitted together (one io_uring submission per contiguous
   * range on the io_uring backend). Entries are then parsed from these ranges.
   */
  public void prefetch(Topic topic, ReadPosition p, long bytes) throws IOException {
    invalidate();
    if (p.nextOffset >= topic.endOffset() || (p.block == null && !Locator.locate(topic, p, this))) {
      return;
    }
    long left = Math.min(PREFETCH_MAX, Math.max(READ_AHEAD, bytes));
    if (prefetchBuf == null || prefetchBuf.capacity() < left) {
      prefetchBuf = ByteBuffer.allocateDirect((int) left).order(ByteOrder.LITTLE_ENDIAN);
    }
    int used = 0;
    Block b = p.block;
    long pos = p.pos;
    while (b != null && left > 0 && ranges.size() < MAX_RANGES) {
      long end = Math.min(b.endPos(), pos + left);
      if (end > pos) {
        int n = (int) (end - pos);
        ByteBuffer r =
            prefetchBuf
                .duplicate()
                .position(used)
                .limit(used + n)
                .slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        ranges.add(r);
        rangeFiles.add(b.file());
        rangeStarts.add(b.base() + pos);
        used += n;
        left -= n;
      }
      if (!b.isSealed()) {
        break;
      }
      b = b.next();
      pos = b == null ? 0 : b.entriesStart();
    }
    int i = 0;
    while (i < ranges.size()) {
      DataFile f = rangeFiles.get(i);
      int j = i;
      while (j < ranges.size() && rangeFiles.get(j) == f) {
        j++;
      }
      long[] positions = new long[j - i];
      for (int k = i; k < j; k++) {
        positions[k - i] = rangeStarts.get(k);
      }
      f.file().readBatch(ranges.subList(i, j), positions);
      i = j;
    }
    for (ByteBuffer r : ranges) {
      r.flip(); // limit = bytes actually read
    }
  }

  private static CorruptEntryException corrupt(
      Topic t, long offset, Block b, long pos, String why) {
    return new CorruptEntryException(
        "corrupt entry at offset "
            + offset
            + " of topic '"
            + t.name()
            + "' ("
            + b.file().file().path().getFileName()
            + " @"
            + (b.base() + pos)
            + "): "
            + why);
  }
}
