package dev.walrus;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether a {@link Walrus} instance can still do work, and why not: what a health check
 * (Spring Boot Actuator, vertx-health-checks) reports. A snapshot, immutable and
 * thread-safe; obtained from {@link Walrus#health()}.
 *
 * @param state open, closed, or poisoned
 * @param failure the I/O failure that poisoned the instance, or null if it never was
 *     poisoned; read it through {@link #cause()}
 */
public record WalrusHealth(State state, Throwable failure) {

  /** An instance's states. Only ever moves from {@code OPEN} to one of the others. */
  public enum State {
    /** Open and serving calls. */
    OPEN,
    /**
     * Closed by {@link Walrus#close()}: every call throws {@link WalrusClosedException};
     * reopen the namespace to go on.
     */
    CLOSED,
    /**
     * Open but refusing every call with {@link WalrusPoisonedException} after an I/O
     * failure (see the Errors section of {@link Walrus}); close it and reopen the
     * namespace, which recovers from what is on disk.
     */
    POISONED
  }

  /**
   * @param state the state, not null
   * @param failure the poisoning failure; not null when {@code state} is {@code POISONED}
   * @throws NullPointerException if {@code state} is null, or {@code failure} is null for
   *     {@code POISONED}
   */
  public WalrusHealth {
    Objects.requireNonNull(state, "state");
    if (state == State.POISONED) {
      Objects.requireNonNull(failure, "failure of a poisoned instance");
    }
  }

  /**
   * @return the I/O failure that poisoned the instance: present when {@code POISONED}, and
   *     when {@code CLOSED} after being poisoned; empty otherwise
   */
  public Optional<Throwable> cause() {
    return Optional.ofNullable(failure);
  }

  /** @return whether the instance is {@link State#OPEN} */
  public boolean isOpen() {
    return state == State.OPEN;
  }
}
