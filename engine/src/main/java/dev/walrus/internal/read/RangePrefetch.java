package dev.walrus.internal.read;

import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.BufferPool;
import dev.walrus.internal.core.DataFile;
import dev.walrus.internal.format.EntryFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The ranges a batch read fetches before it parses entries: from a position on, one range
 * per block of the chain, as much as the batch's budget likely needs, read with one
 * positional read when it is one range and one batch read (one io_uring submission per
 * file on the io_uring backend) when the batch spans blocks. The ranges lie one after the
 * other in one buffer; {@link ChainReader} parses entries from it by index and reads
 * whatever lies beyond the ranges through its read-ahead buffer.
 *
 * <p>The buffer is borrowed from the process's {@link BufferPool} by {@link #reserve} and
 * given back by {@link #release} when the reader's read operation ends, so a reader between
 * reads holds no direct memory here either. The range arrays are made by the first
 * {@link #fetch} (most readers never batch). Only bytes below a block's published end are
 * fetched, and those never change, so fetched bytes stay valid until given back. Not
 * thread-safe: owned by one {@link ChainReader}, used under its cursor's lock.
 */
final class RangePrefetch {
  private static final int PREFETCH_MAX = 4 << 20;
  private static final int MAX_RANGES = 16;

  /** Most bytes of framing an entry adds to its payload: header and alignment padding. */
  private static final int FRAMING = EntryFormat.HEADER_SIZE + EntryFormat.ALIGNMENT - 1;

  private final BufferPool pool;

  /** Ranges fetched by {@link #fetch}, one after the other in this buffer (or null). */
  private BufferPool.Lease prefetched;

  private ByteBuffer prefetchBuf;

  private ByteBuffer prefetchView;
  private int rangeCount;

  /** The prefetch ranges, made by the first {@link #fetch} (most readers never batch). */
  private DataFile[] rangeFiles;

  private long[] rangeStarts;
  private int[] rangeBases;
  private int[] rangeLens;

  /** Average frame size seen by prefetches, to size the next one (0: none yet). */
  private long avgFrame;

  /** @param pool the direct buffers (the process's pool), the prefetch buffer borrowed from it */
  RangePrefetch(BufferPool pool) {
    this.pool = pool;
  }

  /**
   * Gives the buffer back to the pool, if held, and forgets the ranges.
   *
   * @return true if a buffer was held (a window into it is invalid from here on)
   */
  boolean release() {
    if (prefetched == null) {
      return false;
    }
    pool.give(prefetched);
    prefetched = null;
    prefetchBuf = null;
    prefetchView = null;
    rangeCount = 0;
    return true;
  }

  /** Forgets the fetched ranges (after a file was closed); keeps the buffer. */
  void forget() {
    rangeCount = 0;
  }

  /**
   * How many bytes to fetch for a batch of up to {@code maxEntries} entries and {@code
   * maxBytes} of payload.
   */
  long budget(long maxBytes, int maxEntries) {
    // Frames of n entries with at most maxBytes of payload take at most maxBytes + n *
    // FRAMING bytes; with entries of the size seen before, about n average frames.
    long bound = Math.min(maxBytes, PREFETCH_MAX) + (long) maxEntries * FRAMING;
    long guess = avgFrame == 0 ? bound : maxEntries * avgFrame + ChainReader.READ_AHEAD / 4;
    return Math.min(PREFETCH_MAX, Math.max(ChainReader.READ_AHEAD, Math.min(bound, guess)));
  }

  /**
   * Makes sure the buffer holds at least {@code budget} bytes, giving back a smaller one
   * and borrowing a large enough one.
   *
   * @return true if the buffer held before was given back (a window into it is invalid)
   */
  boolean reserve(long budget) {
    if (prefetchBuf != null && prefetchBuf.capacity() >= budget) {
      return false;
    }
    pool.give(prefetched);
    prefetched = pool.take((int) budget, 0);
    prefetchBuf = prefetched.buffer();
    prefetchView = prefetched.view();
    return true;
  }

  /**
   * Fetches up to {@code budget} bytes (at most the buffer {@link #reserve} made sure of) of
   * the chain from {@code pos} in {@code b} on: one range per block, up to each block's
   * published end, going on to the next block only past a sealed one.
   */
  void fetch(Block b, long pos, long budget) throws IOException {
    if (rangeFiles == null) {
      rangeFiles = new DataFile[MAX_RANGES];
      rangeStarts = new long[MAX_RANGES];
      rangeBases = new int[MAX_RANGES];
      rangeLens = new int[MAX_RANGES];
    }
    long left = budget;
    int used = 0;
    while (b != null && left > 0 && rangeCount < MAX_RANGES) {
      long end = Math.min(b.endPos(), pos + left);
      if (end > pos) {
        int n = (int) (end - pos);
        rangeFiles[rangeCount] = b.file();
        rangeStarts[rangeCount] = b.base() + pos;
        rangeBases[rangeCount] = used;
        rangeLens[rangeCount] = n;
        rangeCount++;
        used += n;
        left -= n;
      }
      if (!b.isSealed()) {
        break;
      }
      b = b.next();
      pos = b == null ? 0 : b.entriesStart();
    }
    int count = rangeCount;
    rangeCount = 0; // until they are read
    if (count == 1) {
      ByteBuffer r = prefetchBuf.clear().limit(rangeLens[0]);
      rangeLens[0] = rangeFiles[0].file().read(r, rangeStarts[0]);
    } else {
      readRanges(count);
    }
    prefetchBuf.clear(); // entries are read by index, anywhere in the buffer
    rangeCount = count;
  }

  private void readRanges(int count) throws IOException {
    List<ByteBuffer> buffers = new ArrayList<>(count);
    prefetchBuf.clear(); // a range may lie past where a one-range prefetch left the limit
    for (int i = 0; i < count; i++) {
      buffers.add(
          prefetchBuf.duplicate().position(rangeBases[i]).limit(rangeBases[i] + rangeLens[i]));
    }
    int i = 0;
    while (i < count) {
      DataFile f = rangeFiles[i];
      int j = i;
      while (j < count && rangeFiles[j] == f) {
        j++;
      }
      long[] positions = new long[j - i];
      System.arraycopy(rangeStarts, i, positions, 0, j - i);
      f.file().readBatch(buffers.subList(i, j), positions);
      i = j;
    }
    for (int k = 0; k < count; k++) {
      rangeLens[k] = buffers.get(k).position() - rangeBases[k]; // bytes actually read
    }
  }

  /**
   * @return the index of the fetched range holding [abs, abs+n) of {@code f}, or -1
   */
  int find(DataFile f, long abs, int n) {
    for (int i = 0; i < rangeCount; i++) {
      long start = rangeStarts[i];
      if (rangeFiles[i] == f && abs >= start && abs + n <= start + rangeLens[i]) {
        return i;
      }
    }
    return -1;
  }

  /** @return the absolute file position range {@code i} starts at */
  long start(int i) {
    return rangeStarts[i];
  }

  /** @return the bytes range {@code i} holds */
  int length(int i) {
    return rangeLens[i];
  }

  /** @return the index in {@link #buffer} where range {@code i} starts */
  int base(int i) {
    return rangeBases[i];
  }

  /** @return the buffer the ranges were read into (valid until {@link #release}) */
  ByteBuffer buffer() {
    return prefetchBuf;
  }

  /** @return a read-only view of {@link #buffer}, with its indices */
  ByteBuffer view() {
    return prefetchView;
  }

  /**
   * Tells how many entries the last fetch served, to size the next one.
   *
   * @param entries entries read since the fetch
   * @param bytes their frames' bytes
   */
  void served(int entries, long bytes) {
    if (entries > 0) {
      avgFrame = Math.max(EntryFormat.ALIGNMENT, bytes / entries);
    }
  }

  /**
   * @param maxEntries the batch's entry limit
   * @return about how many entries the last fetch holds, to size a batch's list
   */
  int expectedEntries(int maxEntries) {
    long bytes = 0;
    for (int i = 0; i < rangeCount; i++) {
      bytes += rangeLens[i];
    }
    long n = avgFrame == 0 ? 16 : bytes / avgFrame + 1;
    return (int) Math.max(1, Math.min(maxEntries, n));
  }
}
