package dev.walrus.internal.core;

import dev.walrus.FatalIOException;
import dev.walrus.WalrusClosedException;
import dev.walrus.WalrusPoisonedException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether an instance may still do work: open, closed, or poisoned by an I/O failure after
 * which the engine no longer knows what is on disk (a failed force, a failed rollback of a
 * failed write, a failed cursor write, read or reclamation, lost ownership). A failed
 * write that was rolled back does not poison. Once poisoned it stays poisoned: the only
 * way on is to reopen, which recovers from what is really on disk.
 */
public final class Health {
  private final AtomicReference<Throwable> poison = new AtomicReference<>();
  private volatile boolean closed;
  private final String where;
  private final Metrics metrics;

  public Health(String where) {
    this(where, new Metrics());
  }

  /** @param metrics told once, on the first poisoning */
  public Health(String where, Metrics metrics) {
    this.where = where;
    this.metrics = metrics;
  }

  /** Throws if the instance is closed or poisoned. */
  public void check() {
    if (closed) {
      throw new WalrusClosedException("Walrus instance for " + where + " is closed");
    }
    Throwable p = poison.get();
    if (p != null) {
      throw new WalrusPoisonedException(
          "Walrus instance for "
              + where
              + " refuses work after an I/O failure ("
              + p
              + "); close and reopen it to recover",
          p);
    }
  }

  /**
   * Poisons the instance and returns the exception to throw to the caller that hit it.
   *
   * <p>One failure is not a poisoning: a {@link ClosedChannelException} once the instance
   * is closed. {@code close()} closes the files after the calls that write have finished
   * (it waits for them), so what still finds a file closed is a call that only reads or
   * forces, racing the close: it gets a {@link WalrusClosedException}, as if it had come
   * a moment later, and the instance is not marked poisoned.
   *
   * @throws WalrusClosedException in that case
   */
  public FatalIOException poison(String what, IOException e) {
    if (closed && e instanceof ClosedChannelException) {
      throw new WalrusClosedException(
          "Walrus instance for " + where + " was closed during the " + what, e);
    }
    if (poison.compareAndSet(null, e)) {
      metrics.poisoned(e);
    }
    return new FatalIOException(
        what
            + " failed in "
            + where
            + ": "
            + e
            + "; the instance is poisoned: close and reopen it to recover",
        e);
  }

  public boolean isPoisoned() {
    return poison.get() != null;
  }

  public void markClosed() {
    closed = true;
  }

  public boolean isClosed() {
    return closed;
  }

  /** @return the failure that poisoned the instance, or null if none did */
  public Throwable poisonCause() {
    return poison.get();
  }
}
