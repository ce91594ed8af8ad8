package dev.walrus.internal.meta;

import dev.walrus.CorruptNamespaceException;
import dev.walrus.TopicConfig;
import dev.walrus.internal.core.OffsetLimit;
import dev.walrus.internal.meta.MetadataLog.TopicState;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Replays the records of a {@link MetadataLog} into a state map, streaming the file through
 * one fixed buffer: the heap used does not depend on the journal's size (a record is at
 * most 8 + 65,535 bytes, so it always fits), only on the number of distinct keys.
 *
 * <p>Replay stops at the first record that is torn: one whose length is 0, that runs past
 * the end of the file, or that fails its checksum. A record that passes its checksum but
 * cannot be right (unknown type, reserved byte set, empty or malformed name, a length
 * that does not match its type, an offset outside {@code [0, }{@link OffsetLimit#MAX}{@code ]})
 * throws {@link CorruptNamespaceException} naming the file, the position and the value:
 * cutting it would silently discard every record after it.
 *
 * <p>Not thread-safe; used once, at open.
 */
final class MetadataLogReplay {
  /** Larger than the largest record (8 + 65,535 bytes). */
  static final int BUFFER = 128 * 1024;

  static final byte CURSOR = 1;
  static final byte FLOOR = 2;
  static final byte RESTART = 3;
  static final byte DROP = 4;
  static final byte TOPIC_CONFIG = 5;
  static final byte DELETE = 6;

  private final StorageFile file;
  private final Path path;
  private final Map<String, TopicState> state;
  private final ByteBuffer buf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
  private final CRC32C crc = new CRC32C();
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);

  /** File position of {@code buf}'s first byte; valid bytes are {@code [0, buf.limit())}. */
  private long bufStart;

  private boolean eof;

  MetadataLogReplay(StorageFile file, Path path, Map<String, TopicState> state) {
    this.file = file;
    this.path = path;
    this.state = state;
  }

  /**
   * Replays the records from {@code from} on.
   *
   * @return the file position after the last valid record
   */
  long replay(long from) throws IOException {
    bufStart = from;
    buf.clear().limit(0);
    long pos = from;
    while (available(pos, 8)) {
      int at = (int) (pos - bufStart);
      int n = buf.getShort(at + 4) & 0xFFFF;
      if (n == 0 || !available(pos, 8 + n)) {
        break; // a zero (never written, or lost) or a torn length: the end
      }
      at = (int) (pos - bufStart);
      crc.reset();
      crc.update(buf.duplicate().position(at + 4).limit(at + 8 + n));
      if ((int) crc.getValue() != buf.getInt(at)) {
        break; // torn: cut here
      }
      apply(pos, at, n);
      pos += 8 + n;
    }
    return pos;
  }

  /** Makes {@code [pos, pos + n)} available in the buffer; false if the file ends first. */
  private boolean available(long pos, int n) throws IOException {
    if (pos + n <= bufStart + buf.limit()) {
      return true;
    }
    if (eof) {
      return false;
    }
    // Move the unread bytes to the front and fill the rest.
    ByteBuffer rest = buf.duplicate().position((int) (pos - bufStart)).limit(buf.limit());
    buf.clear();
    buf.put(rest);
    bufStart = pos;
    while (buf.hasRemaining()) {
      int got = file.read(buf, bufStart + buf.position());
      if (got <= 0) {
        eof = true;
        break;
      }
    }
    buf.flip();
    return buf.limit() >= n;
  }

  private void apply(long pos, int at, int n) {
    int p = at + 8;
    int end = p + n;
    byte type = buf.get(at + 6);
    if (buf.get(at + 7) != 0) {
      throw corrupt(pos, "reserved byte " + (buf.get(at + 7) & 0xFF) + " is not 0");
    }
    if (type < CURSOR || type > DELETE) {
      throw corrupt(pos, "unknown record type " + (type & 0xFF));
    }
    int tl = buf.get(p++) & 0xFF;
    if (tl == 0 || p + tl > end) {
      throw corrupt(pos, "topic name length " + tl + " in a record body of " + n + " bytes");
    }
    String topic = name(pos, p, tl, "topic");
    p += tl;
    TopicState ts = state.computeIfAbsent(topic, k -> new TopicState());
    switch (type) {
      case CURSOR:
        {
          int cl = buf.get(p++) & 0xFF;
          if (p + cl + 8 != end) {
            throw corrupt(
                pos,
                "consumer name length " + cl + " does not fit a CURSOR body of " + n + " bytes");
          }
          String consumer = cl == 0 ? "" : name(pos, p, cl, "consumer");
          ts.cursors.put(consumer, offset(pos, buf.getLong(p + cl), "cursor"));
          return;
        }
      case DROP:
        {
          int cl = buf.get(p++) & 0xFF;
          if (p + cl != end) {
            throw corrupt(
                pos, "consumer name length " + cl + " does not fit a DROP body of " + n + " bytes");
          }
          ts.cursors.remove(cl == 0 ? "" : name(pos, p, cl, "consumer"));
          return;
        }
      case TOPIC_CONFIG:
        {
          if (p + 17 != end) {
            throw corrupt(pos, "a TOPIC_CONFIG body of " + n + " bytes");
          }
          int flags = buf.get(p) & 0xFF;
          long micros = buf.getLong(p + 1);
          long bytes = buf.getLong(p + 9);
          if (flags > 1 || micros < 0 || bytes < 0 || (flags == 0 && (micros | bytes) != 0)) {
            throw corrupt(
                pos,
                "TOPIC_CONFIG flags "
                    + flags
                    + ", retention "
                    + micros
                    + " µs, "
                    + bytes
                    + " bytes");
          }
          if (flags == 0) {
            ts.config = null;
            return;
          }
          TopicConfig c = TopicConfig.unlimited();
          if (micros > 0) {
            c =
                c.withRetention(
                    java.time.Duration.of(micros, java.time.temporal.ChronoUnit.MICROS));
          }
          ts.config = bytes > 0 ? c.withRetentionBytes(bytes) : c;
          return;
        }
      case DELETE:
        if (p + 8 != end) {
          throw corrupt(pos, "a DELETE body of " + n + " bytes");
        }
        ts.delete(offset(pos, buf.getLong(p), "deletion offset"));
        return;
      case FLOOR:
        if (p + 8 != end) {
          throw corrupt(pos, "a FLOOR body of " + n + " bytes");
        }
        ts.floor = Math.max(ts.floor, offset(pos, buf.getLong(p), "floor"));
        return;
      default: // RESTART
        if (p + 8 != end) {
          throw corrupt(pos, "a RESTART body of " + n + " bytes");
        }
        ts.restarts.add(offset(pos, buf.getLong(p), "restart offset"));
    }
  }

  private long offset(long pos, long v, String what) {
    if (!OffsetLimit.isValid(v)) {
      throw corrupt(pos, what + " " + v + " is outside [0, " + OffsetLimit.MAX + "]");
    }
    return v;
  }

  private String name(long pos, int p, int len, String what) {
    ByteBuffer b = buf.duplicate().position(p).limit(p + len);
    for (int i = p; i < p + len; i++) {
      if (buf.get(i) == 0) {
        throw corrupt(pos, what + " name contains NUL");
      }
    }
    try {
      CharBuffer c = utf8.reset().decode(b);
      return c.toString();
    } catch (CharacterCodingException e) {
      throw corrupt(pos, what + " name is not valid UTF-8");
    }
  }

  private CorruptNamespaceException corrupt(long pos, String why) {
    return new CorruptNamespaceException(
        "metadata log "
            + path
            + ": the record at byte "
            + pos
            + " passes its checksum but cannot be right: "
            + why);
  }
}
