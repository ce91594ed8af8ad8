package dev.walrus.internal.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The header at the start of every block, and the seal that follows it; see
 * {@code docs/FORMAT.md}.
 *
 * <pre>
 *   0  u32  magic 0x424C4157 ("WALB" as little-endian bytes)
 *   4  u8   format version (2; version 1 is still read)
 *   5  u8   topic name length L (1..255)
 *   6  u16  reserved, 0
 *   8  u64  block sequence number (namespace-wide, increasing in allocation order)
 *  16  u64  block length in bytes (a multiple of 512: a topic's blocks grow with its use)
 *  24  u64  offset of the block's first entry
 *  32  u32  topic id
 *  36  u32  CRC32C over bytes [0, 36) and the name
 *  40  L    topic name, UTF-8
 *  S = align8(40 + L): the seal, written once when the block is sealed
 *  S+0  u64 end position: bytes from block start to the end of the last entry
 *  S+8  u64 end offset: offset after the last entry
 *  S+16 u64 commit position: end of the last committed entry (no MORE flag)
 *  S+24 u64 commit offset: offset after the last committed entry
 *  S+32 u64 last timestamp: append time of the block's last entry, microseconds
 *           since the epoch (version 2 only)
 *  S+40 u32 seal flags: bit 0 = DEAD (recovery found the block outside its topic's
 *           chain; it is ignored from then on)
 *  S+44 u32 CRC32C over [S, S+44) followed by the header CRC (little-endian)
 *  S+48 first entry
 * </pre>
 *
 * <p>Version 1 has no last timestamp: its flags are at S+32, its CRC (over [S, S+36)) at
 * S+36, and its entries (with 24-byte headers, see {@link EntryFormat}) start at S+40.
 *
 * <p>A block whose seal is missing or fails its checksum is scanned entry by entry at
 * recovery. A seal is only written once the block's entries are as durable as the fsync
 * schedule promises, so a valid seal lets recovery skip the scan.
 */
public final class BlockHeader {
  /** Magic number of a block header. */
  public static final int MAGIC = 0x424C4157;

  /** Current format version: the one written. */
  public static final int VERSION = 2;

  /** Oldest format version still read. */
  public static final int OLDEST_VERSION = 1;

  /** Size of the seal record of the current version. */
  public static final int SEAL_SIZE = 48;

  /** Size of the seal record of version 1. */
  public static final int SEAL_SIZE_V1 = 40;

  /** Largest possible header including the seal. */
  public static final int MAX_SIZE = sealPosition(255) + SEAL_SIZE;

  /** A block's last timestamp when it has no entries, or none is known yet. */
  public static final long NO_TIMESTAMP = -1;

  /** The block's format version (1 or 2). */
  public final int version;

  public final long sequence;
  public final long length;
  public final long firstOffset;
  public final int topicId;
  public final String topic;
  public final int headerCrc;
  public final int sealPosition;

  private BlockHeader(
      int version,
      long sequence,
      long length,
      long firstOffset,
      int topicId,
      String topic,
      int headerCrc,
      int sealPosition) {
    this.version = version;
    this.sequence = sequence;
    this.length = length;
    this.firstOffset = firstOffset;
    this.topicId = topicId;
    this.topic = topic;
    this.headerCrc = headerCrc;
    this.sealPosition = sealPosition;
  }

  /** @return position of the seal relative to the block start, for a name of {@code nameLength} bytes */
  public static int sealPosition(int nameLength) {
    return (int) EntryFormat.align(40 + nameLength);
  }

  /** @return position of the first entry relative to the block start */
  public int entriesStart() {
    return sealPosition + sealSize();
  }

  /** @return the size of this block's seal (it depends on the format version) */
  public int sealSize() {
    return version == 1 ? SEAL_SIZE_V1 : SEAL_SIZE;
  }

  /** @return the size of this block's entry headers (it depends on the format version) */
  public int entryHeaderSize() {
    return EntryFormat.headerSize(version);
  }

  /**
   * Encodes a header (without seal) and returns it with the buffer ready to write.
   *
   * @return the header, position 0, limit = its size
   */
  public static ByteBuffer encode(
      long sequence, long length, long firstOffset, int topicId, byte[] utf8Name) {
    ByteBuffer b =
        ByteBuffer.allocate(sealPosition(utf8Name.length)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC)
        .put((byte) VERSION)
        .put((byte) utf8Name.length)
        .putShort((short) 0)
        .putLong(sequence)
        .putLong(length)
        .putLong(firstOffset)
        .putInt(topicId)
        .putInt(0)
        .put(utf8Name);
    b.putInt(36, crcOf(b, utf8Name.length));
    b.clear();
    return b;
  }

  private static int crcOf(ByteBuffer b, int nameLength) {
    CRC32C crc = new CRC32C();
    ByteBuffer v = b.duplicate();
    v.position(0).limit(36);
    crc.update(v);
    v.limit(40 + nameLength).position(40);
    crc.update(v);
    return (int) crc.getValue();
  }

  /**
   * Decodes and verifies a header.
   *
   * @param b little-endian buffer positioned at 0 with at least {@link #MAX_SIZE} bytes
   *     (or up to the end of the file)
   * @return the header, or null when the bytes are not a valid header (never written,
   *     torn, or corrupt)
   */
  public static BlockHeader decode(ByteBuffer b) {
    if (b.remaining() < 41 || b.getInt(0) != MAGIC) {
      return null;
    }
    int version = b.get(4);
    if (version < OLDEST_VERSION || version > VERSION) {
      return null;
    }
    int nameLength = b.get(5) & 0xFF;
    if (nameLength == 0 || b.remaining() < 40 + nameLength) {
      return null;
    }
    if (crcOf(b, nameLength) != b.getInt(36)) {
      return null;
    }
    byte[] name = new byte[nameLength];
    b.get(40, name);
    long length = b.getLong(16);
    if (length <= 0) {
      return null;
    }
    return new BlockHeader(
        version,
        b.getLong(8),
        length,
        b.getLong(24),
        b.getInt(32),
        new String(name, StandardCharsets.UTF_8),
        b.getInt(36),
        sealPosition(nameLength));
  }

  /** Seal flag: the block is not part of its topic's chain. */
  public static final int SEAL_DEAD = 1;

  /**
   * Encodes the seal for this header (the writer's form: it holds the values in fields).
   *
   * @param lastTimestamp append time of the block's last entry ({@link #NO_TIMESTAMP} if
   *     none); not stored by version 1
   * @return the seal, ready to write at {@link #sealPosition}
   */
  public ByteBuffer encodeSeal(
      long endPos, long endOffset, long commitPos, long commitOffset, long lastTimestamp) {
    return encodeSeal(endPos, endOffset, commitPos, commitOffset, lastTimestamp, 0);
  }

  /**
   * Encodes the seal for this header that records {@code ends}.
   *
   * @param lastTimestamp append time of the block's last entry ({@link #NO_TIMESTAMP} if
   *     none); not stored by version 1
   * @return the seal, ready to write at {@link #sealPosition}
   */
  public ByteBuffer encodeSeal(BlockEnds ends, long lastTimestamp) {
    return encodeSeal(
        ends.endPos(), ends.endOffset(), ends.commitPos(), ends.commitOffset(), lastTimestamp, 0);
  }

  /**
   * Encodes a seal that marks the block dead (recovery found it outside the chain).
   *
   * @return the seal
   */
  public ByteBuffer encodeDeadSeal() {
    return encodeSeal(
        entriesStart(), firstOffset, entriesStart(), firstOffset, NO_TIMESTAMP, SEAL_DEAD);
  }

  private ByteBuffer encodeSeal(
      long endPos, long endOffset, long commitPos, long commitOffset, long lastTs, int flags) {
    int size = sealSize();
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(endPos).putLong(endOffset).putLong(commitPos).putLong(commitOffset);
    if (version > 1) {
      b.putLong(lastTs);
    }
    b.putInt(flags);
    b.putInt(sealCrc(b.array(), size - 4));
    b.flip();
    return b;
  }

  private int sealCrc(byte[] seal, int n) {
    CRC32C crc = new CRC32C();
    crc.update(seal, 0, n);
    crc.update(
        new byte[] {
          (byte) headerCrc,
          (byte) (headerCrc >>> 8),
          (byte) (headerCrc >>> 16),
          (byte) (headerCrc >>> 24)
        });
    return (int) crc.getValue();
  }

  /**
   * Decodes the seal of this header.
   *
   * @param b little-endian buffer holding the block's first bytes from position 0
   * @return the seal, or null if there is no valid seal (never written, torn, corrupt, or
   *     describing positions or offsets outside the block)
   */
  public BlockSeal decodeSeal(ByteBuffer b) {
    int s = sealPosition;
    int size = sealSize();
    if (b.limit() < s + size) {
      return null;
    }
    byte[] raw = new byte[size - 4];
    b.get(s, raw);
    if (sealCrc(raw, size - 4) != b.getInt(s + size - 4)) {
      return null;
    }
    long lastTs = version > 1 ? b.getLong(s + 32) : NO_TIMESTAMP;
    long endPos = b.getLong(s);
    long endOffset = b.getLong(s + 8);
    long commitPos = b.getLong(s + 16);
    long commitOffset = b.getLong(s + 24);
    if (endPos < entriesStart()
        || endPos > length
        || commitPos > endPos
        || commitPos < entriesStart()
        || endOffset < firstOffset
        || commitOffset < firstOffset
        || commitOffset > endOffset
        || lastTs < NO_TIMESTAMP) {
      return null;
    }
    return new BlockSeal(
        new BlockEnds(endPos, endOffset, commitPos, commitOffset),
        (b.getInt(s + size - 8) & SEAL_DEAD) != 0,
        lastTs);
  }
}
