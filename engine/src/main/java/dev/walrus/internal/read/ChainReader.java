package dev.walrus.internal.read;

import dev.walrus.CorruptEntryException;
import dev.walrus.Entry;
import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.BufferPool;
import dev.walrus.internal.core.DataFile;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.format.EntryFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads entries of one topic along its block chain through a read-ahead buffer: one
 * positional read fetches many entries, so sequential consumption costs far less than a
 * system call per entry. Every entry's checksum, offset and topic id are verified before
 * it is handed out; a mismatch raises {@link CorruptEntryException} and moves nothing.
 *
 * <p>{@link #next} verifies the entry at a position and remembers where it lies; the
 * caller then takes it as an {@link Entry} (a copy, {@link #entry}) or as a read-only view
 * of the reader's own buffer ({@link #payloadView}, no allocation), and moves on with
 * {@link #advance}. Only bytes below a block's published end are read, and those never
 * change, so buffered bytes stay valid. Not thread-safe: one reader per cursor, used
 * under the cursor's lock.
 *
 * <p>The bytes read are in a {@link ReadWindow}: the read-ahead buffer, borrowed from the
 * process's {@link BufferPool} for each read (or kept until the next one by a hot
 * sequential reader, see there), or the ranges a batch read prefetched first
 * ({@link #prefetch}). Batch reads parse the entries already buffered in runs
 * ({@link #copyRun}, {@link #viewRun}, see {@link BufferedRuns}).
 */
public final class ChainReader {
  /** Bytes of the read-ahead buffer; also the least a batch read prefetches. */
  static final int READ_AHEAD = ReadWindow.READ_AHEAD;

  private static final int CHUNK = 1 << 20;

  /** What this reader has read: the read-ahead buffer or a prefetched range. */
  private final ReadWindow window;

  private final CRC32C crc = new CRC32C();

  /** Result of the last {@link #next}: the entry, and where the entry after it starts. */
  private Block lastBlock;

  private long lastNextPos;
  private long lastOffset;
  private int lastLength;
  private int lastHeaderSize;
  private long lastTimestamp;
  private ByteBuffer lastBuf;
  private ByteBuffer lastView;
  private int lastAt;

  /** The payload of the last entry when it was too large for the window (else null). */
  private byte[] lastLarge;

  /** The batch reads' fast paths, and what the last run added. */
  private final BufferedRuns runs = new BufferedRuns(crc);

  /** @param pool the direct buffers (the process's pool), borrowed for the length of each read */
  public ChainReader(BufferPool pool) {
    this.window = new ReadWindow(pool);
  }

  /**
   * Ends a read operation: gives the buffers back to the pool, except that the read-ahead
   * buffer is kept until the next read if {@code mayKeep}, the read left unread bytes in it
   * and a keep permit is available (see {@link ReadWindow}). Views found before are invalid
   * from here on (an {@link Entry} is a copy and stays valid); the next read borrows again,
   * getting this reader's read-ahead bytes back if no one took them.
   *
   * @return true if this reader started keeping its buffer with this call (its owner must
   *     then call {@link #sweep} periodically until it returns true)
   */
  public boolean release(boolean mayKeep) {
    boolean keep = mayKeep && unreadInReadAhead();
    lastBuf = null;
    lastView = null;
    return window.release(keep);
  }

  /** @return true if the last entry found lies in the read-ahead buffer and bytes follow it */
  private boolean unreadInReadAhead() {
    return lastBuf != null
        && lastLarge == null
        && window.inReadAhead
        && window.file != null
        && window.isReadAhead(lastBuf)
        && lastBlock.base() + lastNextPos < window.hi;
  }

  /**
   * Called about once a second, between reads: gives a kept read-ahead buffer back if no
   * read used it since the last call.
   *
   * @return true if this reader keeps no buffer now (the owner may stop calling)
   */
  public boolean sweep() {
    return window.sweep();
  }

  /** Between reads: gives a kept read-ahead buffer back now (the instance is closing). */
  public void drop() {
    window.drop();
  }

  /**
   * Reads the entry at {@code p} without moving {@code p}.
   *
   * @return the entry, or null if the topic has nothing at that offset yet
   * @throws IOException on read failure
   */
  public Entry peek(Topic topic, ReadPosition p) throws IOException {
    return next(topic, p) ? entry(topic) : null;
  }

  /**
   * Finds and verifies the entry at {@code p} without moving {@code p}; the entry is then
   * available through {@link #entry}, {@link #payloadView}, {@link #lastOffset} and
   * {@link #lastLength} until the next call.
   *
   * @return false if the topic has nothing at that offset yet, or if the entry's bytes are
   *     not buffered and reading them would overwrite bytes a batch still refers to (see
   *     {@link #pinReadAhead})
   * @throws IOException on read failure
   */
  public boolean next(Topic topic, ReadPosition p) throws IOException {
    // The common case, small enough for the compiler to inline into the read: the entry
    // lies wholly in the window already read, in p's block. Anything else, including a
    // damaged entry (reported there), goes the full way.
    Block b = p.block;
    ByteBuffer w = window.buf;
    if (b != null && w != null && b.file() == window.file && p.nextOffset < topic.endOffset()) {
      long pos = p.pos;
      long limit = b.endPos();
      int hs = b.entryHeaderSize();
      long abs = b.base() + pos;
      if (pos < limit && abs >= window.lo && abs + hs <= window.hi) {
        int at = (int) (abs - window.shift);
        long frame =
            BufferedRuns.verifiedFrame(
                w, window.view, at, pos, abs, limit, window.hi, hs, p.nextOffset, topic.id(), crc);
        if (frame >= 0) {
          lastBlock = b;
          lastOffset = p.nextOffset;
          lastNextPos = pos + frame;
          lastLength = EntryFormat.payloadLength(w, at);
          lastHeaderSize = hs;
          lastTimestamp = EntryFormat.timestamp(w, at, hs);
          lastBuf = w;
          lastView = window.view;
          lastAt = at;
          lastLarge = null;
          return true;
        }
      }
    }
    return nextAnyCase(topic, p);
  }

  /** {@link #next} in every case: locating, crossing blocks, refilling, large entries. */
  private boolean nextAnyCase(Topic topic, ReadPosition p) throws IOException {
    if (p.nextOffset >= topic.endOffset()) {
      return false;
    }
    if (p.block == null && !Locator.locate(topic, p, this)) {
      return false;
    }
    Block b = p.block;
    long pos = p.pos;
    long expected = p.nextOffset;
    long limit = b.endPos();
    if (pos >= limit) {
      do {
        b = b.next();
        if (b == null) {
          return false; // offsets up to the end were lost before a restart: nothing to read
        }
        pos = b.entriesStart();
        limit = b.endPos();
      } while (pos >= limit); // empty blocks (cut at recovery) hold nothing
      // Offsets continue across blocks, except over a gap recorded at recovery (a
      // restart after lost data, or a reclaimed range): then the first entry of the
      // block we land in is the next one.
      expected = Math.max(expected, b.firstOffset());
    }
    DataFile f = b.file();
    long abs = b.base() + pos;
    int hs = b.entryHeaderSize(); // 24 in blocks of format version 1, else 28
    long limitAbs = b.base() + limit;
    if (!window.ensure(f, abs, hs, limitAbs)) {
      return false;
    }
    int at = (int) (abs - window.shift);
    int len = EntryFormat.payloadLength(window.buf, at);
    long frame = EntryFormat.frameSize(Integer.toUnsignedLong(len), hs);
    if (len < 0 || pos + frame > limit) {
      throw corrupt(
          topic,
          p.nextOffset,
          b,
          pos,
          "length " + Integer.toUnsignedLong(len) + " runs past the block's end");
    }
    long off = EntryFormat.offset(window.buf, at);
    int id = EntryFormat.topicId(window.buf, at);
    long ts = EntryFormat.timestamp(window.buf, at, hs);
    if (frame <= READ_AHEAD) {
      if (abs + frame > window.hi) {
        if (!window.ensure(f, abs, (int) frame, limitAbs)) {
          return false;
        }
        at = (int) (abs - window.shift);
      }
      if (!EntryFormat.verify(window.buf, window.view, at, len, hs, crc)) {
        throw corrupt(topic, p.nextOffset, b, pos, "checksum mismatch");
      }
      lastLarge = null;
    } else {
      lastLarge = readLarge(b, abs, at, len, hs, topic, p);
    }
    if (off != expected || id != topic.id()) {
      throw corrupt(topic, expected, b, pos, "found offset " + off + " of topic id " + id);
    }
    lastBlock = b;
    lastOffset = off;
    lastNextPos = pos + frame;
    lastLength = len;
    lastHeaderSize = hs;
    lastTimestamp = ts;
    lastBuf = window.buf;
    lastView = window.view;
    lastAt = at; // a view has its buffer's indices
    return true;
  }

  /**
   * The batch read's fast path ({@link BufferedRuns#copy}): copies the entries from
   * {@code p} on that lie wholly in the window already read and in {@code p}'s block into
   * {@code out}, verified exactly as by {@link #next}, and moves {@code p} past them. At
   * whatever stops the run the caller reads one entry through {@link #next} and calls again.
   *
   * @param room most entries to add
   * @param bytes payload bytes already in the batch
   * @param maxBytes the batch's payload budget (the batch's first entry is exempt)
   * @return how many entries were added ({@link #runs()} describes the run)
   */
  public int copyRun(
      Topic topic, ReadPosition p, int room, long bytes, long maxBytes, List<Entry> out) {
    if (!runnable(p)) {
      runs.reset();
      return 0;
    }
    int n = runs.copy(topic, p, window, room, bytes, maxBytes, out);
    afterRun(p, n);
    return n;
  }

  /**
   * The allocation-free batch read's fast path ({@link BufferedRuns#view}): as
   * {@link #copyRun}, recording where each payload lies (from index {@code from} of the
   * arrays on) instead of copying it. If the window is the read-ahead buffer it is pinned
   * (see {@link #pinReadAhead}), so the views recorded stay valid for the rest of the batch.
   *
   * @return how many entries were recorded
   */
  public int viewRun(
      Topic topic,
      ReadPosition p,
      int room,
      long bytes,
      long maxBytes,
      int from,
      ByteBuffer[] views,
      int[] starts,
      int[] lengths,
      long[] offsets,
      long[] timestamps) {
    if (!runnable(p)) {
      runs.reset();
      return 0;
    }
    int n =
        runs.view(
            topic,
            p,
            window,
            room,
            bytes,
            maxBytes,
            from,
            views,
            starts,
            lengths,
            offsets,
            timestamps);
    afterRun(p, n);
    if (n > 0 && window.inReadAhead) {
      window.pinned = true;
    }
    return n;
  }

  /** @return what the last run added (payload and frame bytes, whether the budget stopped it) */
  public BufferedRuns runs() {
    return runs;
  }

  private boolean runnable(ReadPosition p) {
    return p.block != null && window.buf != null && p.block.file() == window.file;
  }

  /** After a run moved {@code p}: what {@link #release} looks at, where the run ended. */
  private void afterRun(ReadPosition p, int n) {
    if (n > 0) {
      lastBlock = p.block;
      lastNextPos = p.pos;
      lastBuf = window.buf;
      lastLarge = null;
    }
  }

  /**
   * The one place entries are built.
   *
   * @return the entry found by the last successful {@link #next}, its payload copied
   */
  public Entry entry(Topic topic) {
    byte[] data = lastLarge;
    if (data == null) {
      data = new byte[lastLength];
      lastBuf.get(lastAt + lastHeaderSize, data);
    }
    return new Entry(topic.name(), lastOffset, lastTimestamp, data);
  }

  /**
   * The payload of the entry found by the last successful {@link #next}, without copying
   * it: a read-only buffer whose position and limit bound the payload, valid until this
   * reader reads again (the same buffer object is handed out again). Allocates only for
   * an entry larger than the read-ahead buffer.
   *
   * @return the view (big-endian, as any new buffer)
   */
  public ByteBuffer payloadView() {
    ByteBuffer v;
    int start;
    if (lastLarge != null) {
      v = ByteBuffer.wrap(lastLarge).asReadOnlyBuffer();
      start = 0;
    } else {
      v = lastView;
      start = lastAt + lastHeaderSize;
    }
    v.clear();
    v.position(start).limit(start + lastLength);
    return v;
  }

  /** @return the offset of the entry found by the last successful {@link #next} */
  public long lastOffset() {
    return lastOffset;
  }

  /**
   * @return the append timestamp (epoch microseconds; 0 in a block of format version 1) of
   *     the entry found by the last successful {@link #next}
   */
  public long lastTimestamp() {
    return lastTimestamp;
  }

  /** @return the payload length of the entry found by the last successful {@link #next} */
  public int lastLength() {
    return lastLength;
  }

  /** @return true if the last entry found lies in the read-ahead buffer (not a prefetch) */
  public boolean lastInReadAhead() {
    return lastLarge == null && window.isReadAhead(lastBuf);
  }

  /**
   * While pinned, {@link #next} returns false instead of refilling the read-ahead buffer,
   * so views of entries already found there stay valid.
   */
  public void pinReadAhead(boolean pinned) {
    window.pinned = pinned;
  }

  /** Moves {@code p} past the entry found by the last {@link #next} at {@code p}. */
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
    if (!window.ensure(b.file(), abs, hs, b.base() + b.endPos())) {
      throw new IllegalStateException("read-ahead pinned while positioning a cursor");
    }
    int len = EntryFormat.payloadLength(window.buf, (int) (abs - window.shift));
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
    window.buf.get(at, header);
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

  /** Forgets buffered bytes (after a file was closed). */
  public void invalidate() {
    window.invalidate();
  }

  /**
   * Fetches what a batch of up to {@code maxEntries} entries and {@code maxBytes} of
   * payload likely needs of the chain from {@code p} on: one range per block, with one
   * positional read when it is one range and one batch read (one io_uring submission per
   * file on the io_uring backend) when the batch spans blocks. Entries are then parsed
   * from these ranges; whatever lies beyond them is read through the read-ahead buffer.
   */
  public void prefetch(Topic topic, ReadPosition p, long maxBytes, int maxEntries)
      throws IOException {
    invalidate();
    if (p.nextOffset >= topic.endOffset() || (p.block == null && !Locator.locate(topic, p, this))) {
      return;
    }
    window.prefetch(p.block, p.pos, maxBytes, maxEntries);
  }

  /**
   * Tells the reader how many entries the last prefetch served, to size the next one.
   *
   * @param entries entries read since the prefetch
   * @param bytes their frames' bytes
   */
  public void prefetchServed(int entries, long bytes) {
    window.ranges.served(entries, bytes);
  }

  /**
   * @param maxEntries the batch's entry limit
   * @return about how many entries the last prefetch holds, to size a batch's list
   */
  public int expectedEntries(int maxEntries) {
    return window.ranges.expectedEntries(maxEntries);
  }

  /** @return the frame size of the entry found by the last successful {@link #next} */
  public long lastFrame() {
    return EntryFormat.frameSize(lastLength);
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
