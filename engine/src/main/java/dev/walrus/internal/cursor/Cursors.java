package dev.walrus.internal.cursor;

import dev.walrus.CorruptEntryException;
import dev.walrus.Entry;
import dev.walrus.InvalidArgumentException;
import dev.walrus.ReadConsistency;
import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.BufferPool;
import dev.walrus.internal.core.Health;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.meta.MetadataLog;
import dev.walrus.internal.read.ChainReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All cursors of an instance, and the rules for persisting them: a consuming read moves
 * the cursor and, per the {@link ReadConsistency}, writes its new position to the
 * {@link MetadataLog} before returning. Peeks never move or write anything.
 *
 * <p>Thread-safe. Each cursor is guarded by its own monitor, so consumers of different
 * cursors proceed in parallel.
 */
public final class Cursors {
  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Cursor>> byTopic =
      new ConcurrentHashMap<>();
  private final MetadataLog journal;
  private final ReadConsistency consistency;
  private final Health health;
  private final Runnable blockCrossed;
  private final BufferPool pool;

  /** Cursors whose reader keeps a buffer between reads: swept by {@link #sweepReaders}. */
  private final KeptReaders keeping = new KeptReaders();

  /** The consumer name of UTF-8 length 0, shared by every topic's shared cursor. */
  private static final byte[] NO_BYTES = new byte[0];

  /**
   * @param blockCrossed called after a consuming read moved a cursor into a later block
   *     (the reclaimer may have work)
   * @param pool the direct buffers (the process's pool), which readers borrow while a read runs
   */
  public Cursors(
      MetadataLog journal,
      ReadConsistency consistency,
      Health health,
      Runnable blockCrossed,
      BufferPool pool) {
    this.pool = pool;
    this.journal = journal;
    this.consistency = consistency;
    this.health = health;
    this.blockCrossed = blockCrossed;
  }

  /** Restores a persisted cursor at recovery. */
  public void restore(Topic topic, String consumer, long next) {
    map(topic).put(consumer, new Cursor(topic, consumer, utf8(consumer), next, pool, keeping));
  }

  /**
   * @return the cursor, created at the topic's first retained offset if missing
   */
  public Cursor get(Topic topic, String consumer) {
    ConcurrentHashMap<String, Cursor> m = map(topic);
    Cursor c = m.get(consumer);
    if (c != null) {
      return c;
    }
    // Created under the retention lock: a reclamation pass decides and raises the floor
    // under it too, so it either counts this cursor (and keeps what it has not read) or
    // has raised the floor before the cursor takes its start from it. Without the lock a
    // cursor could start in a file the pass had already decided to delete, and skip.
    synchronized (topic.retentionLock()) {
      return m.computeIfAbsent(
          consumer, k -> new Cursor(topic, k, utf8(k), topic.firstOffset(), pool, keeping));
    }
  }

  /**
   * @return the consumer's cursor, or, if it has none, a cursor at the topic's first
   *     retained offset that is not registered: a peek creates nothing, so it holds back
   *     no reclamation and leaves no consumer behind
   */
  private Cursor forPeek(Topic topic, String consumer) {
    Cursor c = find(topic, consumer);
    return c != null
        ? c
        : new Cursor(topic, consumer, utf8(consumer), topic.firstOffset(), pool, null);
  }

  /** @return the consumer's registered cursor on the topic, or null (creates nothing) */
  public Cursor find(Topic topic, String consumer) {
    Map<String, Cursor> m = byTopic.get(topic.name());
    return m == null ? null : m.get(consumer);
  }

  /** @return true if the consumer has a cursor on the topic */
  public boolean exists(Topic topic, String consumer) {
    return find(topic, consumer) != null;
  }

  /** @return the cursors of a topic (snapshot) */
  public List<Cursor> of(Topic topic) {
    Map<String, Cursor> m = byTopic.get(topic.name());
    return m == null ? List.of() : new ArrayList<>(m.values());
  }

  private ConcurrentHashMap<String, Cursor> map(Topic topic) {
    // Most topics have one or two cursors: a table of 2 to start, grown as needed.
    return byTopic.computeIfAbsent(topic.name(), k -> new ConcurrentHashMap<>(1));
  }

  private static byte[] utf8(String s) {
    return s.isEmpty() ? NO_BYTES : s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @param found the consumer's registered cursor ({@link #find}), or null
   * @return the cursor a read works on: {@code found}, else a new registered one for a
   *     consuming read, else an unregistered one for a peek
   */
  Cursor cursorFor(Topic topic, Cursor found, String consumer, boolean checkpoint) {
    if (found != null) {
      return found;
    }
    return checkpoint ? get(topic, consumer) : forPeek(topic, consumer);
  }

  /**
   * Reads the next entry of a consumer.
   *
   * @param found the consumer's registered cursor ({@link #find}), or null
   * @param checkpoint true to consume (move and persist per the consistency model)
   * @return the entry or null
   */
  public Entry readNext(Topic topic, Cursor found, String consumer, boolean checkpoint) {
    Cursor c = cursorFor(topic, found, consumer, checkpoint);
    synchronized (c) {
      try {
        enter(c);
        Block before = c.position.block();
        Entry e;
        try {
          if (!next(c)) {
            return null;
          }
          e = c.reader().entry(topic);
        } catch (IOException ex) {
          throw health.poison("read of topic '" + topic.name() + "'", ex);
        }
        if (checkpoint) {
          c.reader().advance(c.position);
          consumed(c, 1, before);
        }
        return e;
      } finally {
        c.endRead();
      }
    }
  }

  /**
   * Reads up to {@code maxEntries} entries whose payloads fit {@code maxBytes}; the first
   * entry is returned even if it alone exceeds the budget.
   *
   * @param found the consumer's registered cursor ({@link #find}), or null
   */
  public List<Entry> batchRead(
      Topic topic,
      Cursor found,
      String consumer,
      long maxBytes,
      int maxEntries,
      boolean checkpoint) {
    Cursor c = cursorFor(topic, found, consumer, checkpoint);
    synchronized (c) {
      try {
        enter(c);
        Block before = c.position.block();
        long startOffset = c.position.nextOffset();
        List<Entry> out = null;
        long bytes = 0;
        long frames = 0;
        try {
          prefetch(c, maxBytes, maxEntries);
          ChainReader r = c.reader();
          out = new ArrayList<>(r.expectedEntries(maxEntries));
          while (out.size() < maxEntries) {
            // Entries wholly in the buffered window, many at a time; one through next()
            // at whatever stops the run (a block's end, a refill, corruption).
            if (r.copyRun(topic, c.position, maxEntries - out.size(), bytes, maxBytes, out) > 0) {
              bytes += r.runs().payloadBytes();
              frames += r.runs().frameBytes();
              if (r.runs().stoppedByBudget() || out.size() >= maxEntries) {
                break;
              }
            }
            try {
              if (!next(c)) {
                break;
              }
            } catch (CorruptEntryException corrupt) {
              if (out.isEmpty()) {
                throw corrupt; // nothing valid before it: the cursor stays
              }
              break; // return the valid prefix; the next call starts at the corrupt entry
            }
            int len = c.reader().lastLength();
            if (!out.isEmpty() && bytes + len > maxBytes) {
              break;
            }
            bytes += len;
            frames += c.reader().lastFrame();
            out.add(c.reader().entry(topic));
            c.reader().advance(c.position);
          }
          c.reader().prefetchServed(out.size(), frames);
        } catch (IOException ex) {
          throw health.poison("read of topic '" + topic.name() + "'", ex);
        } finally {
          if (!checkpoint) {
            c.position.reset(startOffset);
          }
        }
        if (checkpoint && !out.isEmpty()) {
          consumed(c, out.size(), before);
        }
        return out;
      } finally {
        c.endRead();
      }
    }
  }

  /** Checks, under the cursor's monitor, that a read may run on it. */
  void enter(Cursor c) {
    if (c.inHandler) {
      throw new InvalidArgumentException(
          "consumer '"
              + c.consumer
              + "' of topic '"
              + c.topic.name()
              + "' is being read by an EntryHandler on this thread: a handler must not read"
              + " from its own consumer");
    }
    health.check();
    clampToFloor(c);
  }

  /** One batch read (one io_uring submission per file) for what the budget likely needs. */
  static void prefetch(Cursor c, long maxBytes, int maxEntries) throws IOException {
    try {
      c.reader().prefetch(c.topic, c.position, maxBytes, maxEntries);
    } catch (java.nio.channels.ClosedChannelException raced) {
      c.reader().invalidate(); // a file reclaimed meanwhile: read entry by entry instead
    } catch (InternalError e) {
      throw mappedFault(e, c);
    }
  }

  /**
   * Finds and verifies the cursor's entry. A cursor created just as the reclaimer deleted
   * the file it started in finds the file closed: the reclaimer raised the floor first, so
   * the cursor is moved up to it and the read is tried again.
   */
  static boolean next(Cursor c) throws IOException {
    try {
      return c.reader().next(c.topic, c.position);
    } catch (InternalError e) {
      throw mappedFault(e, c);
    } catch (java.nio.channels.ClosedChannelException e) {
      if (c.position.nextOffset() >= c.topic.floor()) {
        throw e;
      }
      c.reader().invalidate();
      clampToFloor(c);
      return c.reader().next(c.topic, c.position);
    }
  }

  /**
   * A memory-mapped file shorter than its mapping (truncated behind the engine's back)
   * makes the JVM raise {@link InternalError} for the SIGBUS, possibly a little after the
   * access; it is reported as the I/O failure it is.
   */
  static IOException mappedFault(InternalError e, Cursor c) {
    Block b = c.position.block();
    String where =
        b == null
            ? "a data file of topic '" + c.topic.name() + "'"
            : b.file().file().path().toString();
    return new IOException(
        where
            + " is shorter than its mapping (truncated behind the"
            + " engine's back?): "
            + e.getMessage(),
        e);
  }

  void consumed(Cursor c, int n, Block before) {
    c.setConsumed(c.position.nextOffset());
    c.unpersisted += n;
    if (c.unpersisted >= consistency.persistEvery()) {
      persist(c);
    }
    if (c.position.block() != before) {
      blockCrossed.run();
    }
  }

  private void persist(Cursor c) {
    try {
      journal.recordCursor(c.topic.utf8(), c.topic.name(), c.consumerUtf8, c.consumer, c.consumed);
      c.unpersisted = 0;
      c.persisted = c.consumed;
    } catch (IOException ex) {
      throw health.poison("cursor write for topic '" + c.topic.name() + "'", ex);
    }
  }

  private static void clampToFloor(Cursor c) {
    long floor = c.topic.floor();
    if (c.position.nextOffset() < floor) {
      c.position.reset(floor);
      c.setConsumed(floor);
    }
  }

  /**
   * Moves a consumer's cursor so that its next read returns {@code next}, and persists it
   * at once, whatever the consistency model.
   *
   * @throws InvalidArgumentException if {@code next} is outside [first retained, end]
   */
  public void seek(Topic topic, String consumer, long next) {
    // Under the retention lock a reclamation pass either finished before (then the range
    // check below sees its floor) or starts after (then it sees this cursor's position).
    synchronized (topic.retentionLock()) {
      checkRange(topic, next); // before the cursor exists: a refused seek creates none
      seekLocked(topic, get(topic, consumer), next);
    }
  }

  private static void checkRange(Topic topic, long next) {
    long first = topic.firstOffset();
    long end = topic.endOffset();
    if (next < first || next > end) {
      throw new InvalidArgumentException(
          "offset "
              + next
              + " is outside the retained range ["
              + first
              + ", "
              + end
              + "] of topic '"
              + topic.name()
              + "'");
    }
  }

  private void seekLocked(Topic topic, Cursor c, long next) {
    synchronized (c) {
      health.check();
      checkRange(topic, next);
      c.position.reset(next);
      c.setConsumed(next);
      persist(c);
      blockCrossed.run();
    }
  }

  /** Forgets a consumer's cursor; returns false if it did not exist. */
  public boolean remove(Topic topic, String consumer) {
    Map<String, Cursor> m = byTopic.get(topic.name());
    Cursor c = m == null ? null : m.remove(consumer);
    if (c == null) {
      return false;
    }
    c.unregister();
    synchronized (c) {
      try {
        journal.dropCursor(topic.utf8(), topic.name(), c.consumerUtf8, consumer);
      } catch (IOException ex) {
        throw health.poison("cursor removal for topic '" + topic.name() + "'", ex);
      }
    }
    blockCrossed.run();
    return true;
  }

  /**
   * Moves every cursor of the topic that is behind {@code floor} (retention just raised the
   * topic's first offset to it) up to it, counts the offsets it jumps in its skip count,
   * and persists its new position, so a restart resumes there too. Called by the
   * reclaimer under the topic's retention lock, after the floor is durable.
   *
   * @return consumer to offsets skipped, for the cursors moved
   * @throws IOException if a cursor record cannot be written
   */
  public Map<String, Long> overtake(Topic topic, long floor) throws IOException {
    Map<String, Long> moved = new java.util.TreeMap<>();
    for (Cursor c : of(topic)) {
      synchronized (c) {
        long at = Math.max(c.position.nextOffset(), c.consumed);
        if (at >= floor) {
          continue;
        }
        c.skipped += floor - at;
        c.position.reset(floor);
        c.consumed = floor;
        journal.recordCursor(c.topic.utf8(), c.topic.name(), c.consumerUtf8, c.consumer, floor);
        c.unpersisted = 0;
        c.persisted = floor;
        moved.put(c.consumer, floor - at);
      }
    }
    return moved;
  }

  /**
   * Forgets every cursor of a deleted topic, in memory only: the deletion's record in the
   * metadata log drops them on disk.
   */
  public void forgetAll(Topic topic) {
    Map<String, Cursor> m = byTopic.remove(topic.name());
    if (m != null) {
      for (Cursor c : m.values()) {
        c.unregister();
      }
    }
  }

  /**
   * About once a second (the instance's maintenance): readers that kept a buffer between
   * reads but did not read since the last sweep give it back, so a consumer that stopped
   * reading holds no direct memory two seconds later.
   */
  public void sweepReaders() {
    keeping.sweep();
  }

  /** On close, after the last read: every reader gives back the buffer it kept. */
  public void dropReaders() {
    keeping.dropAll();
  }

  /** Writes every cursor whose position is not yet persisted (on close). */
  public void persistAll() {
    for (Map<String, Cursor> m : byTopic.values()) {
      for (Cursor c : m.values()) {
        synchronized (c) {
          if (c.unpersisted > 0) {
            persist(c);
          }
        }
      }
    }
  }

  /**
   * @return the lowest persisted position over the topic's cursors (what a crash would
   *     resume from; under AtLeastOnce up to N behind what was read), or -1 if it has none
   *     (then nothing of it counts as consumed)
   */
  public long minConsumed(Topic topic) {
    Map<String, Cursor> m = byTopic.get(topic.name());
    if (m == null || m.isEmpty()) {
      return -1;
    }
    long min = Long.MAX_VALUE;
    for (Cursor c : m.values()) {
      min = Math.min(min, c.persisted);
    }
    // The last cursor may have been removed between the emptiness check and the loop:
    // no cursor means nothing is consumed, never "everything is".
    return min == Long.MAX_VALUE ? -1 : min;
  }
}
