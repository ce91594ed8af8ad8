package dev.walrus.internal.time;

import dev.walrus.CorruptEntryException;
import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.format.BlockHeader;
import dev.walrus.internal.format.EntryFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;

/**
 * Finds the first retained offset of a topic whose timestamp is at or after an instant.
 * Timestamps never decrease within a topic, so the walk over the chain uses each block's
 * first and last timestamps (kept in memory; at open taken from the seal and the first
 * entry's header, or from the scan of an unsealed block) to skip whole blocks, and scans
 * only the block holding the answer, header by header through a 64 KiB window (payloads
 * are neither copied nor verified: only the offset is returned).
 *
 * <p>Thread-safe: each call has its own buffer and reads only published bytes.
 */
public final class TimeLookup {
  private static final int WINDOW = 64 * 1024;
  private static final int ATTEMPTS = 4;

  private TimeLookup() {}

  /**
   * @param time an instant
   * @return it in microseconds since the epoch, rounded up (an entry is never reported
   *     before the instant), saturated at the long range
   */
  public static long micros(java.time.Instant time) {
    try {
      return Math.addExact(
          Math.multiplyExact(time.getEpochSecond(), 1_000_000L), (time.getNano() + 999) / 1_000);
    } catch (ArithmeticException e) {
      return time.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /**
   * @param t the topic
   * @param micros the instant, microseconds since the epoch
   * @return the first retained offset whose timestamp is {@code >= micros}, or -1 if none
   * @throws CorruptEntryException if the block to scan holds a damaged header
   * @throws IOException on a read failure
   */
  public static long find(Topic t, long micros) throws IOException {
    ByteBuffer window = ByteBuffer.allocate(WINDOW).order(ByteOrder.LITTLE_ENDIAN);
    for (int attempt = 1; ; attempt++) {
      try {
        return findOnce(t, micros, window);
      } catch (ClosedChannelException reclaimed) {
        // The block's file was reclaimed meanwhile: its floor rose; walk again from it.
        if (attempt >= ATTEMPTS) {
          throw reclaimed;
        }
      }
    }
  }

  private static long findOnce(Topic t, long micros, ByteBuffer window) throws IOException {
    long end = t.endOffset(); // first: block ends may run ahead of it, never behind
    long floor = t.floor();
    for (Block b = t.head(); b != null; b = b.next()) {
      long from = Math.max(b.firstOffset(), floor);
      long to = Math.min(b.endOffset(), end);
      if (to <= from) {
        continue; // nothing retained here
      }
      long last = b.lastTimestamp();
      if (last != BlockHeader.NO_TIMESTAMP && last < micros) {
        continue; // every entry of the block is earlier
      }
      if (b.firstTimestamp() != BlockHeader.NO_TIMESTAMP && b.firstTimestamp() >= micros) {
        return from; // every entry of the block is at or after it
      }
      long found = scan(t, b, from, to, micros, window);
      if (found >= 0) {
        return found;
      }
    }
    return -1;
  }

  /** @return the first offset in {@code [from, to)} of {@code b} stamped at or after micros */
  private static long scan(Topic t, Block b, long from, long to, long micros, ByteBuffer w)
      throws IOException {
    int hs = b.entryHeaderSize();
    long pos = b.entriesStart();
    long limit = b.endPos();
    long offset = b.firstOffset();
    long winStart = -1;
    int winLen = 0;
    while (offset < to && pos + hs <= limit) {
      if (winStart < 0 || pos < winStart || pos + hs > winStart + winLen) {
        w.clear();
        w.limit((int) Math.min(WINDOW, limit - pos));
        int got = b.file().file().read(w, b.base() + pos);
        if (got < hs) {
          throw corrupt(t, b, pos, "the file ends inside an entry header");
        }
        winStart = pos;
        winLen = got;
      }
      int at = (int) (pos - winStart);
      long len = Integer.toUnsignedLong(EntryFormat.payloadLength(w, at));
      if (EntryFormat.offset(w, at) != offset
          || EntryFormat.topicId(w, at) != t.id()
          || len > EntryFormat.MAX_PAYLOAD) {
        throw corrupt(t, b, pos, "expected the header of offset " + offset);
      }
      if (offset >= from && EntryFormat.timestamp(w, at, hs) >= micros) {
        return offset;
      }
      pos += EntryFormat.frameSize(len, hs);
      offset++;
    }
    return -1;
  }

  private static CorruptEntryException corrupt(Topic t, Block b, long pos, String why) {
    return new CorruptEntryException(
        "corrupt entry in topic '"
            + t.name()
            + "' ("
            + b.file().file().path().getFileName()
            + " @"
            + (b.base() + pos)
            + ") while looking up a time: "
            + why);
  }
}
