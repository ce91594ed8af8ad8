package dev.walrus.vertx;

import io.vertx.core.Future;
import io.vertx.core.Handler;

/**
 * The subscriber's end of a credit-based tail session opened with
 * {@link VertxWalrus#tail}. Entries go to the handler given there, in offset order, and
 * never more than the credits granted so far. Acknowledging moves the consumer's cursor;
 * entries delivered but not acknowledged when the session ends come again to the
 * consumer's next tail.
 *
 * <p>While open, the session's lease is renewed automatically (a ping every third of the
 * lease). If this process or node goes away, the lease lapses and the server releases the
 * session. Thread-safe: methods may be called from any thread; handlers run on the
 * context that called {@link VertxWalrus#tail}.
 */
public interface BusTail {
  /** @return the session id given by the binding */
  String session();

  /**
   * Grants {@code n} more credits: the binding may send up to {@code n} more entries.
   * Fire-and-forget.
   *
   * @param n at least 1
   * @return this
   */
  BusTail grant(long n);

  /**
   * Acknowledges, cumulatively, every delivered entry up to {@code offset} (in memory on
   * the binding; persisted by the next {@link #commit} or when the session ends).
   * Fire-and-forget.
   *
   * @param offset the offset of the last processed entry
   * @return this
   */
  BusTail ack(long offset);

  /**
   * Acknowledges up to {@code offset} and persists the consumer's position right after
   * the highest acknowledged entry.
   *
   * @param offset the offset of the last processed entry
   * @return a future completing once the position is persisted; fails with a
   *     {@link io.vertx.core.eventbus.ReplyException} (for example
   *     {@link FailureCodes#UNKNOWN_SESSION} if the session has ended)
   */
  Future<Void> commit(long offset);

  /**
   * Ends the session: commits acknowledged progress, stops the tail, releases the
   * subscriber address. Idempotent.
   *
   * @return a future completing once the binding has stopped the session
   */
  Future<Void> close();

  /**
   * Asks the binding for the session's counters, renewing its lease.
   *
   * @return {@code {session, granted, sent, unacked}}: credits granted so far, entries sent
   *     so far (never more than granted), entries sent but not yet acknowledged; fails with
   *     {@link FailureCodes#UNKNOWN_SESSION} once the session has ended
   */
  Future<io.vertx.core.json.JsonObject> status();

  /**
   * @param handler called once when the binding ends the session, also if it ended before
   *     the handler was set (reason
   *     {@code "closed"}, {@code "expired"}, {@code "unbound"}, {@code "completed"} or
   *     {@code "failed"}; a failure is also passed to the exception handler)
   * @return this
   */
  BusTail endHandler(Handler<String> handler);

  /**
   * @param handler called with a {@link io.vertx.core.eventbus.ReplyException} (coded by
   *     {@link FailureCodes}) if the tail fails, e.g. on an out-of-range start offset
   * @return this
   */
  BusTail exceptionHandler(Handler<Throwable> handler);
}
