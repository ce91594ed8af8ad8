package dev.walrus.vertx;

import io.vertx.core.Future;
import io.vertx.core.Handler;

/**
 * The subscriber's end of a credit-based tail session opened with
 * {@link WalrusBusClient#tail}. Entries go to the handler given there, in offset order, and
 * never more than the credits granted so far (entries redelivered after another tail of
 * the consumer went away may come after higher offsets). Acknowledging moves the
 * consumer's cursor; entries delivered but not acknowledged when the session ends come
 * again to the consumer's other or next tails.
 *
 * <p>While open, the session's lease is renewed automatically: a ping with a reply every
 * third of the lease, each waiting at most half a lease. If this process or node goes
 * away, the lease lapses and the binding releases the session. If the binding goes away
 * (its node crashed or left), the first ping that fails ends this tail with reason
 * {@code "lost"}: the exception handler gets the ping's
 * {@link io.vertx.core.eventbus.ReplyException} (failure type {@code TIMEOUT} or
 * {@code NO_HANDLERS}, or code {@link FailureCodes#UNKNOWN_SESSION}), then the end handler
 * is called, within about 5/6 of a lease. To resume, open a new tail of the same consumer
 * from {@code StartPosition.checkpointed()} once the binding is back (retry while it fails
 * with {@code NO_HANDLERS} or {@code TIMEOUT}); nothing is resumed automatically.
 * Thread-safe: methods may be called from any thread; handlers run on the context that
 * called {@link WalrusBusClient#tail}.
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
   * Acknowledges the delivered entry at {@code offset} and every entry delivered before it
   * (in memory on the binding; persisted by the next {@link #checkpoint} or when the session
   * ends). Fire-and-forget.
   *
   * @param offset the offset of the last processed entry
   * @return this
   */
  BusTail ack(long offset);

  /**
   * Acknowledges up to {@code offset} (as {@link #ack}) and persists the consumer's
   * checkpointed position: right after the highest acknowledged entry, but never past an
   * entry that another live tail of the same consumer was sent and has not acknowledged.
   *
   * @param offset the offset of the last processed entry
   * @return a future completing once the position is persisted; fails with a
   *     {@link io.vertx.core.eventbus.ReplyException} (for example
   *     {@link FailureCodes#UNKNOWN_SESSION} if the session has ended)
   */
  Future<Void> checkpoint(long offset);

  /**
   * Ends the session: checkpoints acknowledged progress, stops the tail, releases the
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
   *     {@code "closed"}, {@code "expired"}, {@code "unbound"}, {@code "completed"},
   *     {@code "failed"} or {@code "lost"}; for the last two the failure is passed to the
   *     exception handler first)
   * @return this
   */
  BusTail endHandler(Handler<String> handler);

  /**
   * @param handler called once with a {@link io.vertx.core.eventbus.ReplyException} if the
   *     tail fails on the binding (coded by {@link FailureCodes}) or is lost (the failed
   *     ping's exception), also if that happened before the handler was set
   * @return this
   */
  BusTail exceptionHandler(Handler<Throwable> handler);
}
