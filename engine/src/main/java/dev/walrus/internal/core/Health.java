package dev.walrus.internal.core;

import dev.walrus.WalrusClosedException;
import dev.walrus.WalrusIOException;
import dev.walrus.WalrusPoisonedException;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether an instance may still do work: open, closed, or poisoned by a failed write or
 * fsync. Once poisoned it stays poisoned: the only way on is to reopen, which recovers
 * from what is really on disk.
 */
public final class Health {
  private final AtomicReference<Throwable> poison = new AtomicReference<>();
  private volatile boolean closed;
  private final String where;

  public Health(String where) {
    this.where = where;
  }

  /** Throws if the instance is closed or poisoned. */
  public void check() {
    if (closed) {
      throw new WalrusClosedException("Walrus instance for " + where + " is closed");
    }
    Throwable p = poison.get();
    if (p != null) {
      throw new WalrusPoisonedException(
          "Walrus instance for " + where + " refuses work after an I/O failure ("
              + p + "); close and reopen it to recover", p);
    }
  }

  /**
   * Poisons the instance and returns the exception to throw to the caller that hit it.
   */
  public WalrusIOException poison(String what, IOException e) {
    poison.compareAndSet(null, e);
    return new WalrusIOException(what + " failed in " + where + ": " + e, e);
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
}
