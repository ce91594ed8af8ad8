package dev.walrus.internal.cursor;

import dev.walrus.CorruptEntryException;
import dev.walrus.EntryHandler;
import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.Health;
import dev.walrus.internal.core.Metrics;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.read.ChainReader;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The allocation-free reads: each entry is verified as by {@link Cursors#readNext} and
 * handed to an {@link EntryHandler} as a read-only view of the cursor's own buffer, with
 * no {@code Entry}, no payload copy and no list. Consistency is that of the copying reads:
 * a consuming read moves and persists the cursor (per the consistency model) before the
 * handler sees an entry, so under StrictlyAtOnce a crash never redelivers what a handler
 * was given.
 *
 * <p>Thread-safe, like {@link Cursors}: each read holds its cursor's monitor, also while
 * the handler runs (the views point into the cursor's buffers).
 */
public final class ViewReads {
  private final Cursors cursors;
  private final Health health;
  private final Metrics metrics;

  /**
   * @param cursors the instance's cursors
   * @param health poisoned by a failed read or cursor write
   * @param metrics told of every read
   */
  public ViewReads(Cursors cursors, Health health, Metrics metrics) {
    this.cursors = cursors;
    this.health = health;
    this.metrics = metrics;
  }

  /**
   * Hands the consumer's next entry to {@code handler}.
   *
   * @param found the consumer's registered cursor ({@link Cursors#find}), or null
   * @param checkpoint true to consume (before the handler runs), false to peek
   * @return true if an entry was handed out
   */
  public boolean readNext(
      Topic topic, Cursor found, String consumer, boolean checkpoint, EntryHandler handler) {
    Cursor c = cursors.cursorFor(topic, found, consumer, checkpoint);
    synchronized (c) {
      try {
        cursors.enter(c);
        Block before = c.position.block();
        ChainReader r = c.reader();
        try {
          if (!Cursors.next(c)) {
            return false;
          }
        } catch (IOException ex) {
          throw health.poison("read of topic '" + topic.name() + "'", ex);
        }
        long offset = r.lastOffset();
        long timestamp = r.lastTimestamp();
        int length = r.lastLength();
        ByteBuffer view = r.payloadView();
        if (checkpoint) {
          r.advance(c.position);
          cursors.consumed(c, 1, before);
        }
        if (metrics.active()) {
          metrics.read(topic.name(), 1, length);
        }
        deliver(c, handler, offset, timestamp, view);
        return true;
      } finally {
        c.endRead(); // after the handler: the view points into the read-ahead buffer
      }
    }
  }

  /**
   * Hands up to {@code maxEntries} entries whose payloads fit {@code maxBytes} (the first
   * even if it alone exceeds it) to {@code handler}. All of them are found and verified,
   * and on a consuming read consumed, before the first is handed out. Fewer may come than
   * the budget allows when the batch would otherwise overwrite bytes it has found already
   * (the next call goes on from there).
   *
   * @param found the consumer's registered cursor ({@link Cursors#find}), or null
   * @return the number of entries handed out
   */
  public int batchRead(
      Topic topic,
      Cursor found,
      String consumer,
      long maxBytes,
      int maxEntries,
      boolean checkpoint,
      EntryHandler handler) {
    Cursor c = cursors.cursorFor(topic, found, consumer, checkpoint);
    synchronized (c) {
      try {
        cursors.enter(c);
        Block before = c.position.block();
        long startOffset = c.position.nextOffset();
        ChainReader r = c.reader();
        Staged s = c.staged(maxEntries);
        int n = 0;
        long bytes = 0;
        long frames = 0;
        try {
          Cursors.prefetch(c, maxBytes, maxEntries);
          while (n < maxEntries) {
            // Entries wholly in the buffered window, many at a time; one through next()
            // at whatever stops the run (a block's end, a refill, corruption).
            int run =
                r.viewRun(
                    topic,
                    c.position,
                    maxEntries - n,
                    bytes,
                    maxBytes,
                    n,
                    s.views,
                    s.starts,
                    s.lengths,
                    s.offsets,
                    s.timestamps);
            if (run > 0) {
              n += run;
              bytes += r.runs().payloadBytes();
              frames += r.runs().frameBytes();
              if (r.runs().stoppedByBudget() || n >= maxEntries) {
                break;
              }
            }
            try {
              if (!Cursors.next(c)) {
                break;
              }
            } catch (CorruptEntryException corrupt) {
              if (n == 0) {
                throw corrupt; // nothing valid before it: the cursor stays
              }
              break; // the valid prefix; the next call starts at the corrupt entry
            }
            int len = r.lastLength();
            if (n > 0 && bytes + len > maxBytes) {
              break;
            }
            if (r.lastInReadAhead()) {
              r.pinReadAhead(true); // this view must survive the rest of the batch
            }
            s.views[n] = r.payloadView();
            s.starts[n] = s.views[n].position();
            s.offsets[n] = r.lastOffset();
            s.timestamps[n] = r.lastTimestamp();
            s.lengths[n] = len;
            n++;
            bytes += len;
            frames += r.lastFrame();
            r.advance(c.position);
          }
          r.prefetchServed(n, frames);
        } catch (IOException ex) {
          throw health.poison("read of topic '" + topic.name() + "'", ex);
        } finally {
          r.pinReadAhead(false);
          if (!checkpoint) {
            c.position.reset(startOffset);
          }
        }
        if (checkpoint && n > 0) {
          cursors.consumed(c, n, before);
        }
        if (n > 0 && metrics.active()) {
          metrics.read(topic.name(), n, bytes);
        }
        try {
          for (int i = 0; i < n; i++) {
            ByteBuffer v = s.views[i];
            v.clear();
            v.position(s.starts[i]).limit(s.starts[i] + s.lengths[i]);
            deliver(c, handler, s.offsets[i], s.timestamps[i], v);
          }
        } finally {
          java.util.Arrays.fill(s.views, 0, n, null); // keep no large payload reachable
        }
        return n;
      } finally {
        c.endRead(); // after the handler: the views point into the reader's buffers
      }
    }
  }

  private static void deliver(
      Cursor c, EntryHandler handler, long offset, long timestamp, ByteBuffer view) {
    c.inHandler = true;
    try {
      handler.onEntry(offset, timestamp, view);
    } finally {
      c.inHandler = false;
    }
  }

  /** Where the entries of a batch lie until they are handed out; one per cursor, reused. */
  static final class Staged {
    final ByteBuffer[] views;
    final int[] starts;
    final int[] lengths;
    final long[] offsets;
    final long[] timestamps;

    Staged(int n) {
      views = new ByteBuffer[n];
      starts = new int[n];
      lengths = new int[n];
      offsets = new long[n];
      timestamps = new long[n];
    }
  }
}
