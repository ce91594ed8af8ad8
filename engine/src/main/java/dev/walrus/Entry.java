package dev.walrus;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a topic, as returned by a read.
 *
 * <p>The payload array belongs to the caller: every read returns a fresh copy, so it
 * may be kept or modified freely. Instances are otherwise immutable.
 */
public final class Entry {
  private final String topic;
  private final long offset;
  private final byte[] data;

  /**
   * Creates an entry.
   *
   * @param topic the topic it belongs to
   * @param offset its offset within the topic (0, 1, 2, ...)
   * @param data its payload; not copied
   */
  public Entry(String topic, long offset, byte[] data) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.offset = offset;
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

  /** @return the payload (the caller's own copy) */
  public byte[] data() {
    return data;
  }

  /** @return the payload decoded as UTF-8, for convenience */
  public String dataAsString() {
    return new String(data, StandardCharsets.UTF_8);
  }

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
    return "Entry{topic=" + topic + ", offset=" + offset + ", " + data.length + " bytes}";
  }
}
