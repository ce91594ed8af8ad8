package dev.walrus.reactive.internal;

import dev.walrus.InvalidArgumentException;
import dev.walrus.Walrus;
import dev.walrus.reactive.CheckpointMode;
import dev.walrus.reactive.StartPosition;
import java.nio.charset.StandardCharsets;

/**
 * The tails of one consumer name on one topic, within one {@code ReactiveWalrus}. Tails
 * of the same name compete for entries by reading the same engine cursor:
 * <ul>
 *   <li>AUTO: the consumer's own cursor, with consuming reads;</li>
 *   <li>MANUAL: a hidden <em>reader</em> cursor ({@code <name>#tail-reader}) that tracks
 *       what has been delivered, while the consumer's own cursor moves only on commit.
 *       The reader cursor is removed when the last tail of the group stops (so it never
 *       holds back reclamation for long).</li>
 * </ul>
 * Every tail applies its start position to the group's read cursor when it starts, like
 * a rebalance: a MANUAL tail starting at the committed position moves the reader back to
 * the committed cursor, so entries delivered but not committed are delivered again
 * (at-least-once); an AUTO tail starting at the committed position moves nothing. All
 * tails of a group must use the same checkpoint mode.
 *
 * <p>Thread-safe: every method is synchronized, and every method but {@link #join} calls
 * the engine, so all of them must run on the scheduler.
 */
public final class ConsumerGroup {
  private static final String READER_SUFFIX = "#tail-reader";

  private final Walrus wal;
  private final String topic;
  private final String consumer;
  private final CursorRef committed;
  private final CursorRef reader;
  private CheckpointMode mode;
  private int members;

  ConsumerGroup(Walrus wal, String topic, String consumer) {
    this.wal = wal;
    this.topic = topic;
    this.consumer = consumer;
    this.committed = new CursorRef(wal, topic, consumer);
    this.reader = consumer == null ? null : new CursorRef(wal, topic, readerName(consumer));
  }

  static String readerName(String consumer) {
    String name = consumer + READER_SUFFIX;
    if (name.getBytes(StandardCharsets.UTF_8).length <= 255) {
      return name;
    }
    return "~" + Integer.toHexString(consumer.hashCode()) + READER_SUFFIX + "-"
        + Integer.toHexString(consumer.length());
  }

  /**
   * Adds a tail to the group.
   *
   * @throws InvalidArgumentException if the group's live tails use another mode, or a
   *     MANUAL tail has no consumer name
   */
  public synchronized void join(CheckpointMode m) {
    if (m == CheckpointMode.MANUAL && consumer == null) {
      throw new InvalidArgumentException(
          "a MANUAL tail needs a consumer name (TailOptions.consumer(..))");
    }
    if (members > 0 && mode != m) {
      throw new InvalidArgumentException("consumer " + describe() + " of topic '" + topic
          + "' is already tailed in " + mode + " mode; cannot add a " + m + " tail");
    }
    mode = m;
    members++;
  }

  /**
   * Positions the group's read cursor for a starting tail. Blocking.
   *
   * @throws InvalidArgumentException if an explicit start offset is outside the retained
   *     range
   */
  public synchronized void position(StartPosition start) {
    CursorRef read = readCursor();
    switch (start.kind()) {
      case EARLIEST:
        read.seek(read.earliest());
        break;
      case LATEST:
        read.seek(read.latest());
        break;
      case OFFSET:
        read.seek(start.offsetValue());
        break;
      default: // COMMITTED
        if (mode == CheckpointMode.MANUAL) {
          reader.seek(committed.position());
        }
        break;
    }
  }

  /** @return the cursor the group's tails read with consuming reads */
  public CursorRef readCursor() {
    return mode == CheckpointMode.MANUAL ? reader : committed;
  }

  /**
   * Moves the consumer's committed cursor forward to {@code next} (never backwards).
   * Blocking; persisted at once.
   */
  public synchronized void commit(long next) {
    if (next > committed.position()) {
      committed.seek(next);
    }
  }

  /**
   * Puts undelivered entries back: if the read cursor is still at {@code expected} (no
   * other tail of the group read since), moves it back to {@code next}. Blocking.
   */
  public synchronized void unread(long expected, long next) {
    CursorRef read = readCursor();
    if (read.position() == expected) {
      read.seek(next);
    }
  }

  /** Removes a tail; the last one out removes the MANUAL reader cursor. Blocking. */
  public synchronized void leave() {
    if (--members == 0) {
      if (mode == CheckpointMode.MANUAL) {
        wal.removeConsumer(topic, reader.consumer());
      }
    }
  }

  private String describe() {
    return consumer == null ? "<shared cursor>" : "'" + consumer + "'";
  }
}
