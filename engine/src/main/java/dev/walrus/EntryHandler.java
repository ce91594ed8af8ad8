package dev.walrus;

import java.nio.ByteBuffer;

/**
 * Receives entries from the allocation-free reads, {@link Walrus#readNext(String, String,
 * boolean, EntryHandler)} and {@link Walrus#batchRead(String, String, long, boolean,
 * EntryHandler)}, one call per entry, in offset order, on the reading thread.
 *
 * <p><b>The payload buffer is lent, not given.</b> It is a read-only view of the reader's
 * own buffer whose position and limit bound the entry's payload, and it is valid only
 * until {@link #onEntry} returns: afterwards its bytes, position and limit change (the
 * same buffer object is handed out for the next entry). A handler that needs the payload
 * later copies it, e.g. {@code byte[] copy = new byte[payload.remaining()];
 * payload.get(copy)}. Its byte order is big-endian (the {@link ByteBuffer} default; the
 * payload is opaque bytes). The handler may move its position and limit freely.
 *
 * <p>A handler runs while its consumer's cursor is held: other readers of the same
 * consumer wait until it returns, and a read of the same consumer from inside the handler
 * is refused with {@link InvalidArgumentException}. Reads of other consumers or topics,
 * appends and checkpoints are allowed. An exception thrown by the handler propagates to
 * the caller of the read; the entries handed out so far, and under a consuming batch read
 * all entries of the batch, stay consumed (a consuming read consumes before it hands out,
 * as {@link Walrus#readNext(String, String, boolean)} consumes before it returns).
 */
@FunctionalInterface
public interface EntryHandler {
  /**
   * Handles one entry.
   *
   * @param offset the entry's offset within its topic
   * @param timestampMicros the entry's append time in microseconds since the epoch (UTC),
   *     as {@link Entry#timestampMicros()}: {@link Entry#TIMESTAMP_UNKNOWN} (0) for an entry
   *     written by format version 1
   * @param payload the payload, between the buffer's position and limit; read-only and
   *     valid only during this call
   */
  void onEntry(long offset, long timestampMicros, ByteBuffer payload);
}
