package dev.walrus.internal.cursor;

import dev.walrus.internal.core.BufferPool;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.read.ChainReader;
import dev.walrus.internal.read.ReadPosition;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One consumer's cursor on one topic: its read position, its reader (made on the first
 * read; it borrows its buffers from the process's pool only while a read runs), and how
 * far its persisted position lags. Readers sharing a consumer name share the cursor and
 * compete for entries: every operation holds the cursor's monitor.
 */
public final class Cursor {
  private static final VarHandle CONSUMED;

  static {
    try {
      CONSUMED = MethodHandles.lookup().findVarHandle(Cursor.class, "consumed", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Topic topic;
  final String consumer;
  final byte[] consumerUtf8;
  final ReadPosition position;
  private final BufferPool pool;

  /**
   * Where this cursor registers while its reader keeps a buffer between reads (its
   * instance's, swept about once a second); null for a cursor that must never keep one (a
   * peek's throwaway cursor).
   */
  private final KeptReaders keeping;

  /** False once the cursor is removed or its topic deleted: a cached lookup must not use it. */
  private volatile boolean registered = true;

  /** Made on the first read (a cursor that is never read, e.g. a topic's shared one, has none). */
  private ChainReader reader;

  /** Next offset as of the last consuming read; read without the lock (positions, stats). */
  volatile long consumed;

  /**
   * True while an {@code EntryHandler} runs on this cursor's entries (under its monitor):
   * a read of the same cursor from inside the handler is refused, since it would move the
   * reader under the handler's feet.
   */
  boolean inHandler;

  /** Staging for the batches of {@link ViewReads}, made on first use. */
  private ViewReads.Staged staged;

  /** Consuming reads since the position was last written to the journal. */
  int unpersisted;

  /**
   * Next offset as last written to the journal: what a crash would come back to. The
   * reclaimer keeps everything from here on, so entries a crash would replay (up to N
   * under AtLeastOnce) are never deleted before the replay.
   */
  volatile long persisted;

  /** Offsets retention deleted before this cursor read them, since the instance opened. */
  volatile long skipped;

  Cursor(
      Topic topic,
      String consumer,
      byte[] consumerUtf8,
      long start,
      BufferPool pool,
      KeptReaders keeping) {
    this.topic = topic;
    this.pool = pool;
    this.keeping = keeping;
    this.consumer = consumer;
    this.consumerUtf8 = consumerUtf8;
    this.position = new ReadPosition(start);
    this.consumed = start;
    this.persisted = start;
  }

  /**
   * Publishes a new consumed position with release semantics: written under the monitor
   * on every consuming read, read without it (by {@link #nextOffset} and the reclaimer,
   * which needs {@link #persisted}, not this), so a full volatile fence per read buys
   * nothing.
   */
  void setConsumed(long next) {
    CONSUMED.setRelease(this, next);
  }

  /** @return the cursor's reader, made on first use (under the monitor) */
  ChainReader reader() {
    ChainReader r = reader;
    if (r == null) {
      r = new ChainReader(pool);
      reader = r;
    }
    return r;
  }

  /**
   * Ends a read operation (under the monitor): the reader gives its buffers back, or keeps
   * its read-ahead buffer for the next read (see {@link ChainReader#release(boolean)}), and
   * then this cursor waits in its instance's {@link KeptReaders} to be swept.
   */
  void endRead() {
    if (reader != null && reader.release(keeping != null && keeping.open())) {
      keeping.add(this);
    }
  }

  /**
   * Under the monitor, about once a second: the reader gives back a buffer it kept but did
   * not use since the last call.
   *
   * @return true if the reader keeps nothing now
   */
  boolean sweepReader() {
    return reader == null || reader.sweep();
  }

  /** Under the monitor: the reader gives back a buffer it kept (the instance is closing). */
  void dropReader() {
    if (reader != null) {
      reader.drop();
    }
  }

  /** Marks the cursor removed (its consumer deleted, or its topic): lookups must not find it. */
  void unregister() {
    registered = false;
  }

  /** @return false once the cursor was removed or its topic deleted */
  public boolean registered() {
    return registered;
  }

  /** @return staging for a batch of up to {@code n} entries (under the monitor) */
  ViewReads.Staged staged(int n) {
    if (staged == null || staged.views.length < n) {
      staged = new ViewReads.Staged(n);
    }
    return staged;
  }

  /** @return the topic this cursor reads */
  public Topic topic() {
    return topic;
  }

  /** @return the consumer name ("" for the shared cursor) */
  public String consumer() {
    return consumer;
  }

  /** @return offsets retention deleted before this cursor read them (since open) */
  public long skipped() {
    return skipped;
  }

  /** @return the offset the next consuming read returns */
  public long nextOffset() {
    return consumed;
  }
}
