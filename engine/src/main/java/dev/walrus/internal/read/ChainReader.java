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
 * <p>The read-ahead and prefetch buffers are borrowed from the process's
 * {@link BufferPool} when a read needs them and given back when the read operation ends
 * ({@link #release}), so a reader between reads holds no direct memory. The read-ahead
 * buffer is asked back as this reader's own: if no other read took it meanwhile, its
 * bytes are still this reader's and sequential reads still cost one positional read per
 * {@value #READ_AHEAD} bytes; else the next read refills it. A batch read first fetches
 * the ranges its budget needs ({@link #prefetch}, kept by a {@link RangePrefetch}).
 *
 * <p>One exception, for hot sequential consumers, whose every read would otherwise pay a
 * take and a give (two compare-and-sets and a scan): a read that leaves unread bytes in the
 * read-ahead buffer keeps the buffer until the next read, if it gets one of the pool's
 * keep permits ({@link BufferPool#tryKeep}, at most {@value BufferPool#MAX_KEPT} per
 * process). The reader gives it back as soon as a read leaves nothing unread in it (a
 * tail that caught up), or when {@link #sweep}, called about once a second, finds it
 * unused since the last sweep, or on {@link #drop}. So what readers keep between reads is
 * at most {@value BufferPool#MAX_KEPT} buffers of {@value #READ_AHEAD} bytes in the
 * process, for at most about two seconds after their last read.
 */
public final class ChainReader {
  /** Bytes of the read-ahead buffer; also the least a batch read prefetches. */
  static final int READ_AHEAD = 64 * 1024;

  private static final int CHUNK = 1 << 20;

  private final BufferPool pool;

  /** The ranges a batch read fetched before parsing, in a buffer of their own. */
  private final RangePrefetch ranges;

  /** This reader's identity in the pool, to get its own read-ahead buffer back. */
  private final long borrower;

  private final CRC32C crc = new CRC32C();

  /** The read-ahead buffer, while a read operation holds it (else null). */
  private BufferPool.Lease readAhead;

  /** The pool slot the read-ahead buffer was given back to (-1: none): where to look first. */
  private int readAheadSlot = -1;

  /**
   * The window entries are parsed from: the read-ahead buffer or the prefetch buffer. The
   * window holds the file bytes [{@link #winLo}, {@link #winHi}) of {@link #winFile}; the
   * byte at absolute position {@code abs} is at index {@code abs - winShift}. Between
   * operations {@link #win} is null and the bounds describe what the read-ahead buffer
   * held when it was given back.
   */
  private ByteBuffer win;

  private ByteBuffer winView;

  /** True if the window is the read-ahead buffer (not the prefetch buffer). */
  private boolean winInReadAhead = true;

  private DataFile winFile;
  private long winLo;
  private long winHi;
  private long winShift;

  /** Set while entries of a batch still refer to the read-ahead buffer: no refill then. */
  private boolean readAheadPinned;

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

  /** True while this reader keeps its read-ahead buffer between reads (holds a permit). */
  private boolean keeping;

  /** Set by each read while {@link #keeping}; cleared by {@link #sweep}. */
  private boolean used;

  /** What the last {@link #copyRun} added: payload bytes, frame bytes, stopped by budget. */
  private long runPayload;

  private long runFrames;
  private boolean runFull;

  /** @param pool the direct buffers (the process's pool), borrowed for the length of each read */
  public ChainReader(BufferPool pool) {
    this.pool = pool;
    this.borrower = pool.newBorrower();
    this.ranges = new RangePrefetch(pool);
  }

  /**
   * Ends a read operation: gives the buffers back to the pool. Views and entries found
   * before are invalid from here on (an {@link Entry} is a copy and stays valid); the next
   * read borrows again, getting this reader's read-ahead bytes back if no one took them.
   */
  public void release() {
    release(false);
  }

  /**
   * Ends a read operation, keeping the read-ahead buffer until the next read if
   * {@code mayKeep}, the read left unread bytes in it and a keep permit is available (see
   * the class comment); else as {@link #release()}.
   *
   * @return true if this reader started keeping its buffer with this call (its owner must
   *     then call {@link #sweep} periodically until it returns true)
   */
  public boolean release(boolean mayKeep) {
    if (ranges.release() && !winInReadAhead) {
      winFile = null;
      winInReadAhead = true;
    }
    boolean started = false;
    if (readAhead != null) {
      if (mayKeep && unreadInReadAhead() && (keeping || (started = pool.tryKeep()))) {
        keeping = true;
        used = true; // the window stays the kept read-ahead buffer: next() starts from it
      } else {
        giveReadAhead();
      }
    } else {
      win = null;
      winView = null;
    }
    lastBuf = null;
    lastView = null;
    readAheadPinned = false;
    return started;
  }

  /** @return true if the last entry found lies in the read-ahead buffer and bytes follow it */
  private boolean unreadInReadAhead() {
    return lastBuf != null
        && lastLarge == null
        && winInReadAhead
        && winFile != null
        && lastBuf == readAhead.buffer()
        && lastBlock.base() + lastNextPos < winHi;
  }

  private void giveReadAhead() {
    if (keeping) {
      keeping = false;
      pool.unkeep();
    }
    readAheadSlot = pool.give(readAhead, readAheadSlot);
    readAhead = null;
    win = null;
    winView = null;
  }

  /**
   * Called about once a second, between reads: gives a kept read-ahead buffer back if no
   * read used it since the last call.
   *
   * @return true if this reader keeps no buffer now (the owner may stop calling)
   */
  public boolean sweep() {
    if (!keeping) {
      return true;
    }
    if (used) {
      used = false;
      return false;
    }
    giveReadAhead();
    return true;
  }

  /** Between reads: gives a kept read-ahead buffer back now (the instance is closing). */
  public void drop() {
    if (keeping) {
      giveReadAhead();
    }
  }

  /** Borrows the read-ahead buffer if this operation has not yet. */
  private void acquire() {
    if (readAhead != null) {
      if (win == null && winInReadAhead) { // kept from the last read
        win = readAhead.buffer();
        winView = readAhead.view();
      }
      return;
    }
    readAhead = pool.take(READ_AHEAD, borrower, readAheadSlot);
    if (!readAhead.kept() && winInReadAhead) {
      winFile = null; // someone else's bytes now
    }
    if (winInReadAhead) {
      win = readAhead.buffer();
      winView = readAhead.view();
    }
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
    ByteBuffer w = win;
    if (b != null && w != null && b.file() == winFile && p.nextOffset < topic.endOffset()) {
      long pos = p.pos;
      long limit = b.endPos();
      int hs = b.entryHeaderSize();
      long abs = b.base() + pos;
      if (pos < limit && abs >= winLo && abs + hs <= winHi) {
        int at = (int) (abs - winShift);
        int len = EntryFormat.payloadLength(w, at);
        long frame = EntryFormat.frameSize(Integer.toUnsignedLong(len), hs);
        if (len >= 0
            && pos + frame <= limit
            && abs + frame <= winHi
            && EntryFormat.offset(w, at) == p.nextOffset
            && EntryFormat.topicId(w, at) == topic.id()
            && EntryFormat.verify(w, winView, at, len, hs, crc)) {
          lastBlock = b;
          lastOffset = p.nextOffset;
          lastNextPos = pos + frame;
          lastLength = len;
          lastHeaderSize = hs;
          lastTimestamp = EntryFormat.timestamp(w, at, hs);
          lastBuf = w;
          lastView = winView;
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
    if (!ensure(f, abs, hs, limitAbs)) {
      return false;
    }
    int at = (int) (abs - winShift);
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
    if (frame <= READ_AHEAD) {
      if (abs + frame > winHi) {
        if (!ensure(f, abs, (int) frame, limitAbs)) {
          return false;
        }
        at = (int) (abs - winShift);
      }
      if (!EntryFormat.verify(win, winView, at, len, hs, crc)) {
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
    lastBuf = win;
    lastView = winView;
    lastAt = at; // a view has its buffer's indices
    return true;
  }

  /**
   * The batch read's fast path: copies the entries from {@code p} on into {@code out} and
   * moves {@code p} past them, as long as each lies wholly in the window already read and
   * in {@code p}'s block, and fits the budget. It verifies each exactly as {@link #next}
   * does, but reads the topic's end and the block's bounds once for the run instead of once
   * per entry. It stops, returning what it added, at anything else (a block's end, bytes
   * not yet read, an entry larger than the window, a corrupt entry): the caller then reads
   * one entry through {@link #next}, which handles every such case, and calls again.
   *
   * @param room most entries to add
   * @param bytes payload bytes already in the batch
   * @param maxBytes the batch's payload budget (the batch's first entry is exempt)
   * @return how many entries were added; {@link #runPayloadBytes}, {@link #runFrameBytes}
   *     and {@link #runStoppedByBudget} describe the run
   */
  public int copyRun(
      Topic topic, ReadPosition p, int room, long bytes, long maxBytes, List<Entry> out) {
    runPayload = 0;
    runFrames = 0;
    runFull = false;
    Block b = p.block;
    ByteBuffer w = win;
    if (b == null || w == null || b.file() != winFile) {
      return 0;
    }
    long end = topic.endOffset();
    long limit = b.endPos();
    int hs = b.entryHeaderSize();
    long base = b.base();
    long lo = winLo;
    long hi = winHi;
    long shift = winShift;
    int id = topic.id();
    String name = topic.name();
    long pos = p.pos;
    long next = p.nextOffset;
    long payload = 0;
    long frames = 0;
    int n = 0;
    boolean empty = out.isEmpty();
    while (n < room && next < end) {
      long abs = base + pos;
      if (abs < lo || abs + hs > hi) {
        break;
      }
      int at = (int) (abs - shift);
      int len = EntryFormat.payloadLength(w, at);
      long frame = EntryFormat.frameSize(Integer.toUnsignedLong(len), hs);
      if (len < 0 || pos + frame > limit || abs + frame > hi) {
        break; // past the block or the window, or corrupt: next() decides
      }
      if (!(empty && n == 0) && bytes + payload + len > maxBytes) {
        runFull = true;
        break;
      }
      if (EntryFormat.offset(w, at) != next
          || EntryFormat.topicId(w, at) != id
          || !EntryFormat.verify(w, winView, at, len, hs, crc)) {
        break; // next() reports it, with the position it was found at
      }
      byte[] data = new byte[len];
      w.get(at + hs, data);
      out.add(new Entry(name, next, EntryFormat.timestamp(w, at, hs), data));
      pos += frame;
      next++;
      n++;
      payload += len;
      frames += frame;
    }
    if (n > 0) {
      p.pos = pos;
      p.nextOffset = next;
      lastBlock = b; // what release() looks at: where the run ended, in which buffer
      lastNextPos = pos;
      lastBuf = w;
      lastLarge = null;
      runPayload = payload;
      runFrames = frames;
    }
    return n;
  }

  /**
   * The allocation-free batch read's fast path: as {@link #copyRun}, but records where
   * each entry's payload lies instead of copying it, from index {@code from} of the arrays
   * on: {@code views[i]} is the read-only view of the window's buffer (the same object for
   * the whole run), {@code starts[i]} the payload's index in it. The views stay valid until
   * the read ends; if the window is the read-ahead buffer, it is pinned (see
   * {@link #pinReadAhead}) so that a later {@link #next} of the same batch does not refill it.
   *
   * @return how many entries were recorded ({@link #runPayloadBytes} and the other run
   *     accessors as for {@link #copyRun})
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
    runPayload = 0;
    runFrames = 0;
    runFull = false;

    Block b = p.block;
    ByteBuffer w = win;
    if (b == null || w == null || b.file() != winFile) {
      return 0;
    }
    long end = topic.endOffset();
    long limit = b.endPos();
    int hs = b.entryHeaderSize();
    long base = b.base();
    long lo = winLo;
    long hi = winHi;
    long shift = winShift;
    int id = topic.id();
    ByteBuffer view = winView;
    long pos = p.pos;
    long next = p.nextOffset;
    long payload = 0;
    long frames = 0;
    int n = 0;
    while (n < room && next < end) {
      long abs = base + pos;
      if (abs < lo || abs + hs > hi) {
        break;
      }
      int at = (int) (abs - shift);
      int len = EntryFormat.payloadLength(w, at);
      long frame = EntryFormat.frameSize(Integer.toUnsignedLong(len), hs);
      if (len < 0 || pos + frame > limit || abs + frame > hi) {
        break;
      }
      if (from + n > 0 && bytes + payload + len > maxBytes) {
        runFull = true;
        break;
      }
      if (EntryFormat.offset(w, at) != next
          || EntryFormat.topicId(w, at) != id
          || !EntryFormat.verify(w, view, at, len, hs, crc)) {
        break;
      }
      int i = from + n;
      views[i] = view;
      starts[i] = at + hs;
      lengths[i] = len;
      offsets[i] = next;
      timestamps[i] = EntryFormat.timestamp(w, at, hs);
      pos += frame;
      next++;
      n++;
      payload += len;
      frames += frame;
    }
    if (n > 0) {
      p.pos = pos;
      p.nextOffset = next;
      lastBlock = b;
      lastNextPos = pos;
      lastBuf = w;
      lastLarge = null;
      runPayload = payload;
      runFrames = frames;
      if (winInReadAhead) {
        readAheadPinned = true;
      }
    }
    return n;
  }

  /** @return payload bytes of the entries the last {@link #copyRun} added */
  public long runPayloadBytes() {
    return runPayload;
  }

  /** @return frame bytes of the entries the last {@link #copyRun} added */
  public long runFrameBytes() {
    return runFrames;
  }

  /** @return true if the last {@link #copyRun} stopped at an entry the budget has no room for */
  public boolean runStoppedByBudget() {
    return runFull;
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
    return lastLarge == null && readAhead != null && lastBuf == readAhead.buffer();
  }

  /**
   * While pinned, {@link #next} returns false instead of refilling the read-ahead buffer,
   * so views of entries already found there stay valid.
   */
  public void pinReadAhead(boolean pinned) {
    readAheadPinned = pinned;
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
    if (!ensure(b.file(), abs, hs, b.base() + b.endPos())) {
      throw new IllegalStateException("read-ahead pinned while positioning a cursor");
    }
    int len = EntryFormat.payloadLength(win, (int) (abs - winShift));
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

  /**
   * Makes [abs, abs+n) available in the window, reading ahead up to {@code limitAbs}.
   *
   * @return false if that needs a refill of the read-ahead buffer while it is pinned
   */
  private boolean ensure(DataFile f, long abs, int n, long limitAbs) throws IOException {
    acquire();
    if (f == winFile && abs >= winLo && abs + n <= winHi) {
      return true;
    }
    int i = ranges.find(f, abs, n);
    if (i >= 0) {
      long start = ranges.start(i);
      win = ranges.buffer();
      winView = ranges.view();
      winInReadAhead = false;
      winFile = f;
      winLo = start;
      winHi = start + ranges.length(i);
      winShift = start - ranges.base(i);
      return true;
    }
    if (readAheadPinned) {
      return false;
    }
    win = readAhead.buffer();
    winView = readAhead.view();
    winInReadAhead = true;
    win.clear();
    long want = Math.min(READ_AHEAD, Math.max(n, limitAbs - abs));
    win.limit((int) want);
    winFile = null;
    int got = f.file().read(win, abs);
    if (got < n) {
      throw new CorruptEntryException(
          "data file "
              + f.file().path()
              + " ends at "
              + (abs + got)
              + ", inside an entry that should be readable");
    }
    winFile = f;
    winLo = abs;
    winHi = abs + got;
    winShift = abs;
    return true;
  }

  /** Forgets buffered bytes (after a file was closed). */
  public void invalidate() {
    winFile = null;
    ranges.forget();
    readAheadPinned = false;
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
    long budget = ranges.budget(maxBytes, maxEntries);
    if (ranges.reserve(budget) && !winInReadAhead) {
      winFile = null; // the window was the buffer just given back
      winInReadAhead = true;
    }
    ranges.fetch(p.block, p.pos, budget);
  }

  /**
   * Tells the reader how many entries the last prefetch served, to size the next one.
   *
   * @param entries entries read since the prefetch
   * @param bytes their frames' bytes
   */
  public void prefetchServed(int entries, long bytes) {
    ranges.served(entries, bytes);
  }

  /**
   * @param maxEntries the batch's entry limit
   * @return about how many entries the last prefetch holds, to size a batch's list
   */
  public int expectedEntries(int maxEntries) {
    return ranges.expectedEntries(maxEntries);
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
