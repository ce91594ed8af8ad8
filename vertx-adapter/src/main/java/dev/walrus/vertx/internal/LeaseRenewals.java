package dev.walrus.vertx.internal;

import io.vertx.core.Vertx;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lease renewal of every open tail of one {@code WalrusBusClient}: one periodic timer,
 * every third of the shortest lease among its tails, pings each of them ({@link
 * TailClient#ping}), instead of one timer per tail. So 10,000 open tails cost one timer;
 * each still sends its own ping (the binding renews leases per session) every third of a
 * lease, as before. The timer stops when the last tail has ended and starts again with the
 * next one.
 *
 * <p>Thread-safe. The timer runs on the context of the tail that started it; a ping's
 * failure is handed to its own tail's context ({@link TailClient}).
 */
public final class LeaseRenewals {
  private final Vertx vertx;
  private final Set<TailClient> tails = ConcurrentHashMap.newKeySet();
  private long timerId = -1; // guarded by this
  private long periodMs; // guarded by this

  /** @param vertx where the timer runs */
  public LeaseRenewals(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Starts renewing a tail's lease.
   *
   * @param t the tail, open
   * @param periodMs how often it must ping, at least 1
   */
  void add(TailClient t, long periodMs) {
    tails.add(t);
    synchronized (this) {
      if (timerId < 0 || periodMs < this.periodMs) {
        if (timerId >= 0) {
          vertx.cancelTimer(timerId);
        }
        this.periodMs = periodMs;
        timerId = vertx.setPeriodic(periodMs, id -> renew());
      }
    }
  }

  /** Stops renewing a tail's lease (it ended); idempotent. */
  void remove(TailClient t) {
    tails.remove(t);
    synchronized (this) {
      if (tails.isEmpty() && timerId >= 0) {
        vertx.cancelTimer(timerId);
        timerId = -1;
      }
    }
  }

  /** @return how many tails' leases are being renewed */
  int size() {
    return tails.size();
  }

  private void renew() {
    for (TailClient t : tails) {
      t.ping();
    }
  }
}
