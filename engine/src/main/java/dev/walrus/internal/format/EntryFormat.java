package dev.walrus.internal.format;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The entry header; see {@code docs/FORMAT.md}. Format version 2 (written now) has a
 * 28-byte header with the append timestamp; version 1 (read only) had 24 bytes and none.
 * The fields both share sit at the same places, so only the header size (hence where the
 * payload starts) and the timestamp differ; a block's header says its version.
 *
 * <pre>
 *   0  u32  CRC32C over bytes [4, header size) of the header followed by the payload
 *   4  u32  payload length (0 .. 1 GiB)
 *   8  u64  offset within the topic
 *  16  u32  topic id (CRC32C of the topic's UTF-8 name)
 *  20  u8   flags: bit 0 = MORE (a batch member that is not the last one)
 *  21  u56  version 2: append time, microseconds since the epoch (version 1: 3 reserved
 *           zero bytes, and the payload starts at 24)
 *  28  ...  payload, then zero padding up to the next multiple of 8
 * </pre>
 *
 * <p>An entry is committed when it does not carry {@link #FLAG_MORE}: a batch of n
 * entries is written as n-1 entries with MORE followed by one without, so a batch whose
 * last entry never reached the disk is recognisable and cut at recovery. All integers
 * are little-endian.
 */
public final class EntryFormat {
  /** Size of the entry header that is written now (format version 2). */
  public static final int HEADER_SIZE = 28;

  /** Size of the entry header of format version 1 (no timestamp). */
  public static final int HEADER_SIZE_V1 = 24;

  /** Entries start on multiples of this many bytes within a block. */
  public static final int ALIGNMENT = 8;

  /** Flag: more entries of the same batch follow; this entry is not a commit point. */
  public static final int FLAG_MORE = 1;

  /** Largest payload the format can carry (1 GiB). */
  public static final int MAX_PAYLOAD = 1 << 30;

  /** Largest timestamp a header holds: 2^56 - 1 microseconds (the year 4253). */
  public static final long MAX_TIMESTAMP = (1L << 56) - 1;

  private EntryFormat() {}

  /**
   * @param version a block's format version (1 or 2)
   * @return the size of its entries' header
   */
  public static int headerSize(int version) {
    return version == 1 ? HEADER_SIZE_V1 : HEADER_SIZE;
  }

  /**
   * @param payloadLength payload bytes
   * @return bytes the entry occupies on disk in the current format, header and padding
   *     included
   */
  public static long frameSize(long payloadLength) {
    return align(HEADER_SIZE + payloadLength);
  }

  /**
   * @param payloadLength payload bytes
   * @param headerSize the entry header size of the block's format version
   * @return bytes the entry occupies on disk, header and padding included
   */
  public static long frameSize(long payloadLength, int headerSize) {
    return align(headerSize + payloadLength);
  }

  /**
   * @param n a byte count
   * @return {@code n} rounded up to {@link #ALIGNMENT}
   */
  public static long align(long n) {
    return (n + ALIGNMENT - 1) & ~(long) (ALIGNMENT - 1);
  }

  /**
   * Writes the header of a frame in the current format; the caller writes the payload and
   * padding after it.
   *
   * @param dst little-endian buffer with {@link #HEADER_SIZE} bytes remaining
   * @param crc scratch checksum, reset here
   * @param offset entry offset
   * @param topicId topic id
   * @param flags entry flags
   * @param timestampMicros append time, 0 to {@link #MAX_TIMESTAMP}
   * @param payload the payload, to checksum
   */
  public static void writeHeader(
      ByteBuffer dst,
      CRC32C crc,
      long offset,
      int topicId,
      int flags,
      long timestampMicros,
      byte[] payload) {
    int start = dst.position();
    dst.putInt(0)
        .putInt(payload.length)
        .putLong(offset)
        .putInt(topicId)
        .putLong((flags & 0xFF) | (timestampMicros << 8)); // flags, then 7 timestamp bytes
    dst.position(start + HEADER_SIZE);
    crc.reset();
    ByteBuffer view = dst.duplicate();
    view.limit(start + HEADER_SIZE).position(start + 4);
    crc.update(view);
    crc.update(payload, 0, payload.length);
    dst.putInt(start, (int) crc.getValue());
  }

  /**
   * Reads the payload length of the header at {@code pos}.
   *
   * @param b little-endian buffer
   * @param pos header position
   * @return the declared payload length (unverified)
   */
  public static int payloadLength(ByteBuffer b, int pos) {
    return b.getInt(pos + 4);
  }

  /** @return the declared offset of the header at {@code pos} (unverified) */
  public static long offset(ByteBuffer b, int pos) {
    return b.getLong(pos + 8);
  }

  /** @return the declared topic id of the header at {@code pos} (unverified) */
  public static int topicId(ByteBuffer b, int pos) {
    return b.getInt(pos + 16);
  }

  /** @return the flags of the header at {@code pos} (unverified) */
  public static int flags(ByteBuffer b, int pos) {
    return b.get(pos + 20) & 0xFF;
  }

  /**
   * @param b little-endian buffer holding the whole header
   * @param pos header position
   * @param headerSize the entry header size of the block's format version
   * @return the append time in microseconds (unverified); 0 for format version 1
   */
  public static long timestamp(ByteBuffer b, int pos, int headerSize) {
    return headerSize == HEADER_SIZE_V1 ? 0L : b.getLong(pos + 20) >>> 8;
  }

  /**
   * Verifies the checksum of a complete frame held in the buffer.
   *
   * @param b little-endian buffer holding header and payload
   * @param pos header position
   * @param payloadLength the declared payload length (already bounds-checked)
   * @param headerSize the entry header size of the block's format version
   * @param crc scratch checksum
   * @return true if the stored CRC matches
   */
  public static boolean verify(
      ByteBuffer b, int pos, int payloadLength, int headerSize, CRC32C crc) {
    crc.reset();
    ByteBuffer view = b.duplicate();
    view.limit(pos + headerSize + payloadLength).position(pos + 4);
    crc.update(view);
    return (int) crc.getValue() == b.getInt(pos);
  }

  /**
   * {@link #verify(ByteBuffer, int, int, int, CRC32C)} without allocating a view per call: for
   * hot readers, which keep one view of their buffer.
   *
   * @param b little-endian buffer holding header and payload
   * @param view a view of the same memory as {@code b} (same indices); its position and
   *     limit are changed
   * @param pos header position
   * @param payloadLength the declared payload length (already bounds-checked)
   * @param headerSize the entry header's size in the block's format version
   * @param crc scratch checksum
   * @return true if the stored CRC matches
   */
  public static boolean verify(
      ByteBuffer b, ByteBuffer view, int pos, int payloadLength, int headerSize, CRC32C crc) {
    crc.reset();
    view.limit(pos + headerSize + payloadLength).position(pos + 4);
    crc.update(view);
    return (int) crc.getValue() == b.getInt(pos);
  }
}
