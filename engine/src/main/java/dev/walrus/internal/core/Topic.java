package dev.walrus.internal.core;

import dev.walrus.internal.format.EntryFormat;
import dev.walrus.internal.format.TopicIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One topic: its chain of blocks and its offsets. Cursors live in the cursor package.
 *
 * <p>Appends to a topic are serialised by {@link #writeLock()}; appends to different
 * topics run in parallel. The writer publishes new entries by advancing
 * {@link #endOffset()} (a volatile write) after the bytes and block fields are in place,
 * so a reader that sees an offset below the end can read it without locking.
 */
public final class Topic {
  private final String name;
  private final byte[] utf8;
  private final int id;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Object retentionLock = new Object();

  /** Offset the next append gets; everything below is readable (unless reclaimed). */
  private volatile long endOffset;

  /** Offsets below this were reclaimed: no cursor may go below it. */
  private volatile long floor;

  /** First block still linked into the chain. */
  private volatile Block head;

  /** Block the writer appends to (writer-owned, under the write lock). */
  private Block tail;

  /** The append clock, microseconds since the epoch. */
  private volatile LongSupplier clock = EngineConfig.SYSTEM_CLOCK;

  /** The last timestamp handed out (writer-owned, under the write lock). */
  private long lastStamp;

  /**
   * Offsets below this belong to a deleted incarnation: the topic is not listed until it
   * has an entry at or above it; -1 when it was never deleted.
   */
  private volatile long hiddenBelow = -1;

  public Topic(String name, long endOffset, long floor) {
    this.name = name;
    this.utf8 = name.getBytes(StandardCharsets.UTF_8);
    this.id = TopicIds.of(utf8);
    this.endOffset = endOffset;
    this.floor = floor;
  }

  public String name() {
    return name;
  }

  public byte[] utf8() {
    return utf8;
  }

  public int id() {
    return id;
  }

  public ReentrantLock writeLock() {
    return writeLock;
  }

  /** Sets the clock appends are stamped with (at creation or recovery). */
  public void useClock(LongSupplier micros) {
    this.clock = micros;
  }

  /**
   * Continues the timestamps after {@code micros} (recovery: the chain's last timestamp),
   * so they never go backwards across a restart either.
   */
  public void stampAtLeast(long micros) {
    lastStamp = Math.max(lastStamp, micros);
  }

  /**
   * The timestamp of the next append: the clock, but never below the last one handed out
   * (a clock stepped back repeats it), within {@code [0, 2^56)}. Writer only, under the
   * write lock.
   */
  public long stamp() {
    long now = Math.min(Math.max(clock.getAsLong(), 0L), EntryFormat.MAX_TIMESTAMP);
    if (now < lastStamp) {
      now = lastStamp;
    }
    lastStamp = now;
    return now;
  }

  /**
   * Marks the topic deleted at {@code end}: it is not listed until it has an entry at or
   * above {@code end}. Called with the write lock held, after the deletion is durable.
   */
  public void hideBelow(long end) {
    hiddenBelow = Math.max(hiddenBelow, end);
  }

  /** @return true if the topic is listed: never deleted, or appended to since */
  public boolean isVisible() {
    long h = hiddenBelow;
    return h < 0 || endOffset > h;
  }

  /**
   * Held while reclamation decides on and raises the floor, and while a cursor is moved
   * to a chosen offset, so that a cursor moved backwards is never overtaken by a floor
   * computed from where it was before.
   */
  public Object retentionLock() {
    return retentionLock;
  }

  public long endOffset() {
    return endOffset;
  }

  /** Publishes entries up to {@code end}; called by the writer after the bytes are in place. */
  public void publish(long end) {
    this.endOffset = end;
  }

  public long floor() {
    return floor;
  }

  public void raiseFloor(long newFloor) {
    if (newFloor > floor) {
      floor = newFloor;
    }
  }

  public Block head() {
    return head;
  }

  public Block tail() {
    return tail;
  }

  /** Links a new block at the end of the chain. Writer only. */
  public void link(Block b) {
    if (tail != null) {
      tail.setNext(b);
    }
    tail = b;
    if (head == null) {
      head = b;
    }
  }

  /**
   * Cuts the chain back so that {@code last} is its tail again (after a failed append
   * whose blocks were never published). Writer only.
   */
  public void rollbackTo(Block last) {
    tail = last;
    if (last == null) {
      head = null;
    } else {
      last.setNext(null);
    }
  }

  /** Drops blocks whose entries all lie below the floor from the front of the chain. */
  public void trimHead() {
    Block h = head;
    while (h != null && h.isSealed() && h.next() != null && h.endOffset() <= floor) {
      h = h.next();
    }
    head = h;
  }

  /** @return the lowest offset a cursor may point at */
  public long firstOffset() {
    Block h = head;
    long first = h == null ? endOffset : Math.min(h.firstOffset(), endOffset);
    return Math.max(first, floor);
  }

  /** @return the blocks currently in the chain, oldest first */
  public List<Block> chain() {
    List<Block> out = new ArrayList<>();
    for (Block b = head; b != null; b = b.next()) {
      out.add(b);
    }
    return out;
  }

  @Override
  public String toString() {
    return "Topic{" + name + ", end=" + endOffset + ", floor=" + floor + "}";
  }
}
