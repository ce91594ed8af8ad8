package dev.walrus;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A topic's retention limits: at most an age ({@link #retention()}), at most a size
 * ({@link #retentionBytes()}), both, or neither ({@link #unlimited()}: the topic keeps
 * entries until every cursor has consumed them, as without retention).
 *
 * <p>Immutable and thread-safe; the {@code with...} methods return new instances.
 *
 * <h2>What retention deletes, and when</h2>
 * Retention works on whole blocks, oldest first, and never touches the block the topic
 * is writing to (so a topic always keeps its newest block). A pass of the reclaimer (it
 * runs about once a second while a limit is set, as cursors move, and on
 * {@link Walrus#reclaim()}) drops a
 * block of the topic when
 * <ul>
 *   <li>age: its newest entry is older than {@code retention} (its timestamp is before
 *       now minus the duration; blocks of format version 1 use their data file's
 *       modification time at open instead), or
 *   <li>size: the topic's retained bytes (as in {@link TopicStats#retainedBytes()}) exceed
 *       {@code retentionBytes}: after a pass a topic keeps at most {@code retentionBytes}
 *       (more only when its newest block alone is larger); between passes it may grow past.
 * </ul>
 * Dropping a block raises the topic's first offset past it, durably (a {@code FLOOR}
 * record in the metadata log), even if cursors have not read it: such a cursor resumes at
 * the first retained offset, and the offsets it jumped are counted in
 * {@link TopicStats#skippedByRetention()} and logged at INFO (unless quiet). A data file is deleted once
 * none of its blocks is retained by any topic (retention or consumption).
 */
public final class TopicConfig {
  private static final TopicConfig UNLIMITED = new TopicConfig(null, 0);

  private final Duration retention; // null: no age limit
  private final long retentionBytes; // 0: no size limit

  private TopicConfig(Duration retention, long retentionBytes) {
    this.retention = retention;
    this.retentionBytes = retentionBytes;
  }

  /** @return a configuration without any retention limit */
  public static TopicConfig unlimited() {
    return UNLIMITED;
  }

  /**
   * @param age the longest an entry is kept (at block granularity, see the class
   *     documentation); positive, at most about 292,000 years (it is held in microseconds)
   * @return a copy with this age limit
   * @throws InvalidArgumentException if {@code age} is null, zero or negative
   */
  public TopicConfig withRetention(Duration age) {
    return new TopicConfig(checkAge(age), retentionBytes);
  }

  /** @return a copy without an age limit */
  public TopicConfig withoutRetention() {
    return new TopicConfig(null, retentionBytes);
  }

  /**
   * @param bytes the most bytes the topic keeps after a pass (its newest block is always
   *     kept, even if larger); positive
   * @return a copy with this size limit
   * @throws InvalidArgumentException if {@code bytes} is zero or negative
   */
  public TopicConfig withRetentionBytes(long bytes) {
    return new TopicConfig(retention, checkBytes(bytes));
  }

  /** @return a copy without a size limit */
  public TopicConfig withoutRetentionBytes() {
    return new TopicConfig(retention, 0);
  }

  /** @return the age limit, or empty for none */
  public Optional<Duration> retention() {
    return Optional.ofNullable(retention);
  }

  /** @return the size limit in bytes, or empty for none */
  public OptionalLong retentionBytes() {
    return retentionBytes == 0 ? OptionalLong.empty() : OptionalLong.of(retentionBytes);
  }

  /** @return true if neither limit is set */
  public boolean isUnlimited() {
    return retention == null && retentionBytes == 0;
  }

  static Duration checkAge(Duration age) {
    if (age == null) {
      throw new InvalidArgumentException("retention must not be null");
    }
    if (age.isZero() || age.isNegative()) {
      throw new InvalidArgumentException("retention must be positive, got " + age);
    }
    if (age.getSeconds() >= Long.MAX_VALUE / 1_000_000L - 1) {
      throw new InvalidArgumentException("retention too long (it is held in microseconds): " + age);
    }
    return age;
  }

  static long checkBytes(long bytes) {
    if (bytes <= 0) {
      throw new InvalidArgumentException("retention bytes must be positive, got " + bytes);
    }
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicConfig c
        && Objects.equals(c.retention, retention)
        && c.retentionBytes == retentionBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(retention) * 31 + Long.hashCode(retentionBytes);
  }

  @Override
  public String toString() {
    return "TopicConfig{retention="
        + (retention == null ? "none" : retention.toString())
        + ", retentionBytes="
        + (retentionBytes == 0 ? "none" : Long.toString(retentionBytes))
        + "}";
  }
}
