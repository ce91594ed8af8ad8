package dev.walrus.vertx;

import dev.walrus.Entry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import java.util.function.Function;

/**
 * A bus tail session as a Vert.x {@link ReadStream} of entries, opened with {@link
 * WalrusBusClient#tailStream}: {@code pipeTo} any {@link io.vertx.core.streams.WriteStream}
 * (an HTTP response through {@link #map}) with backpressure.
 *
 * <p><b>Credits.</b> The stream grants the binding credits only for entries it has demand
 * for, and never more than its <em>window</em>: at any time, entries received but not yet
 * handed to the handler plus credits granted but not yet used are at most the window. In
 * flowing mode ({@link #resume()}, the initial mode) it keeps that many in flight; after
 * {@link #pause()} it grants nothing more (entries already granted are buffered, at most the
 * window); {@link #fetch(long)} adds demand. So when a pipe's write stream is full, the pipe
 * pauses this stream and the binding reads nothing more for it. Before a handler is set no
 * credit is granted.
 *
 * <p><b>Checkpoint rule (delivered = handed to the handler).</b> An entry is acknowledged
 * once the handler has returned normally for it; for {@code pipeTo}, that is once it has
 * been written (queued) to the write stream; a write the write stream fails at once (to an
 * HTTP response whose connection has just closed) fails the pipe inside the handler, so that
 * entry is not acknowledged. Acknowledged progress is persisted by {@link
 * #checkpoint()} and whenever the session ends: {@link #close()}, {@code handler(null)},
 * a pipe that ends (the write stream failed, e.g. an HTTP client closed the connection), a
 * lease that lapsed, an unbound binding. The consumer's cursor then stands right after the
 * last entry handed to the handler (never past an entry another live tail of the consumer
 * was sent and has not acknowledged). Entries received but not handed, and entries in
 * flight, are not acknowledged: they come again to the consumer's other or next tails, so
 * nothing is skipped. Entries handed to a write stream whose far end then vanished (bytes
 * queued in an HTTP response or a socket) count as delivered and are not sent again: the
 * write stream is where this stream's responsibility ends.
 *
 * <p><b>End.</b> When the session ends the end handler is called once (also if set after
 * the end); entries still buffered are dropped (not acknowledged, see above). If the tail
 * failed on the binding ({@code "failed"}), was lost (its binding stopped answering,
 * {@code "lost"}, see {@link BusTail}) or the handler threw, the exception handler is called
 * first with the failure ({@link io.vertx.core.eventbus.ReplyException} or the handler's
 * exception; a throwing handler's entry is not acknowledged and the session is closed). A pipe
 * therefore fails on those and succeeds otherwise. {@link #ended()} tells the reason.
 *
 * <p><b>{@code handler(null)} ends the session</b> (the convention of Vert.x's {@code
 * MessageConsumer}): a pipe sets it when it completes, so an abandoned pipe never leaves a
 * session behind.
 *
 * <p>Thread-safe: every method may be called from any thread. Handlers run on the context
 * that opened the stream. {@code pause()} takes effect at once (no entry is handed after it
 * returns on that context); {@code resume}, {@code fetch} and {@code handler} change the
 * demand at once and hand entries on that context right after. {@code pipeTo} called from
 * another thread sets the pipe up on that context, so the pipe's own pause on a full write
 * stream is never undone by its set-up still running on the caller's thread. A caller that
 * drives {@code pause}/{@code resume} itself from another thread while a handler on the
 * context pauses too is racing that handler: the later call wins.
 */
public interface BusTailStream extends ReadStream<Entry> {
  /** @return the session id given by the binding */
  String session();

  /** @return the credit window: entries in flight (granted or buffered) at most */
  long window();

  /**
   * Persists the consumer's position right after the last entry handed to the handler.
   *
   * @return completes once persisted (at once if nothing was handed yet); fails with a
   *     {@link io.vertx.core.eventbus.ReplyException} coded {@link
   *     FailureCodes#UNKNOWN_SESSION} if the session has ended
   */
  Future<Void> checkpoint();

  /**
   * Ends the session: checkpoints the entries handed so far, stops the tail, then calls the
   * end handler with reason {@code "closed"} (unless it had already ended). Idempotent.
   *
   * @return completes once the session has ended; never fails
   */
  Future<Void> close();

  /**
   * @return completes with the end reason once the session has ended: {@code "closed"}
   *     ({@link #close()}, {@code handler(null)}, a throwing handler), {@code "expired"},
   *     {@code "unbound"}, {@code "completed"}, {@code "failed"} or {@code "lost"}
   */
  Future<String> ended();

  /**
   * Asks the binding for the session's counters (renewing its lease), as {@link
   * BusTail#status()}.
   *
   * @return {@code {session, granted, sent, unacked}}; fails with {@link
   *     FailureCodes#UNKNOWN_SESSION} once the session has ended
   */
  Future<JsonObject> status();

  /**
   * A view of this stream whose items are {@code mapper} applied to each entry, sharing
   * this stream's flow control, credits, checkpoint rule and end: for example {@code
   * stream.map(e -> Buffer.buffer(e.data()).appendString("\n")).pipeTo(httpResponse)}. An
   * entry is delivered (and acknowledged) once the mapped item's handler returned.
   *
   * @param mapper called on the opening context for each entry about to be handed; if it
   *     throws, that is treated like a throwing handler
   * @param <T> the item type
   * @return the view; its {@code handler(null)} ends the session too
   */
  <T> ReadStream<T> map(Function<? super Entry, ? extends T> mapper);

  /**
   * Sets the entry handler (entries in offset order, except entries redelivered from a
   * consumer's ended tail, which may come after higher offsets); {@code null} ends the
   * session (see above).
   */
  @Override
  BusTailStream handler(Handler<Entry> handler);

  /** Stops handing entries and granting credits (demand 0). */
  @Override
  BusTailStream pause();

  /** Flowing mode: entries are handed as they come, with a full window of credits. */
  @Override
  BusTailStream resume();

  /** Adds {@code amount} (not negative) entries to the demand; saturates at flowing. */
  @Override
  BusTailStream fetch(long amount);

  /** Called once with a failure, before the end handler (see above). */
  @Override
  BusTailStream exceptionHandler(Handler<Throwable> handler);

  /** Called once when the session has ended (see above). */
  @Override
  BusTailStream endHandler(Handler<Void> endHandler);
}
