package dev.walrus;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a topic, as returned by a read.
 *
 * <p>The payload array belongs to the caller: every read returns a fresh copy, so it
 * may be kept or modified freely. Instances are otherwise immutable, and thread-safe.
 *
 * <h2>Timestamps</h2>
 * Every entry carries its append time in microseconds since the epoch (UTC), taken from
 * the system clock ({@link System#currentTimeMillis()} precision or better, via
 * {@link Instant#now()}) when the append is written. Within a topic timestamps never go
 * backwards: if the clock steps back, later entries repeat the topic's last timestamp until
 * the clock catches up (so {@link Walrus#offsetForTime} is well defined). The entries of one
 * batch share one timestamp. Entries written by format version 1 (before timestamps
 * existed) report {@link #TIMESTAMP_UNKNOWN} (0, {@link Instant#EPOCH}).
 */
public final class Entry {
  /**
   * The timestamp of an entry whose append time is not known: one written by format
   * version 1, which had no timestamps. Equal to {@link Instant#EPOCH} in microseconds.
   */
  public static final long TIMESTAMP_UNKNOWN = 0L;

  private final String topic;
  private final long offset;
  private final long timestampMicros;
  private final byte[] data;

  /**
   * Creates an entry whose timestamp is {@link #TIMESTAMP_UNKNOWN}.
   *
   * @param topic the topic it belongs to
   * @param offset its offset within the topic (0, 1, 2, ...)
   * @param data its payload; not copied
   */
  public Entry(String topic, long offset, byte[] data) {
    this(topic, offset, TIMESTAMP_UNKNOWN, data);
  }

  /**
   * Creates an entry.
   *
   * @param topic the topic it belongs to
   * @param offset its offset within the topic (0, 1, 2, ...)
   * @param timestampMicros its append time, microseconds since the epoch (0 if unknown)
   * @param data its payload; not copied
   */
  public Entry(String topic, long offset, long timestampMicros, byte[] data) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.offset = offset;
    this.timestampMicros = timestampMicros;
    this.data = Objects.requireNonNull(data, "data");
  }

  /** @return the topic this entry belongs to */
  public String topic() {
    return topic;
  }

  /** @return the entry's offset within its topic */
  public long offset() {
    return offset;
  }

  /**
   * @return the append time in microseconds since the epoch (UTC); {@link
   *     #TIMESTAMP_UNKNOWN} for an entry written by format version 1
   */
  public long timestampMicros() {
    return timestampMicros;
  }

  /**
   * @return the append time as an instant (microsecond precision); {@link Instant#EPOCH}
   *     for an entry written by format version 1
   */
  public Instant timestamp() {
    return Instant.ofEpochSecond(
        Math.floorDiv(timestampMicros, 1_000_000L),
        Math.floorMod(timestampMicros, 1_000_000L) * 1_000L);
  }

  /** @return the payload (the caller's own copy) */
  public byte[] data() {
    return data;
  }

  /** @return the payload decoded as UTF-8, for convenience */
  public String dataAsString() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /**
   * Entries are equal when topic, offset and payload are; the timestamp is not compared
   * (it is metadata of the append, not part of the entry's identity).
   */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Entry)) {
      return false;
    }
    Entry e = (Entry) o;
    return e.offset == offset && e.topic.equals(topic) && Arrays.equals(e.data, data);
  }

  @Override
  public int hashCode() {
    return (topic.hashCode() * 31 + Long.hashCode(offset)) * 31 + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Entry{topic="
        + topic
        + ", offset="
        + offset
        + ", at="
        + timestamp()
        + ", "
        + data.length
        + " bytes}";
  }
}
