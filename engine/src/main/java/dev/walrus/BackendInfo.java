package dev.walrus;

import java.util.Objects;

/**
 * The I/O an open instance uses (see {@link Walrus#backendInfo()}): its {@link Backend}
 * and, for {@link Backend#FD}, whether batch appends and batch reads are submitted
 * through io_uring.
 *
 * <p>{@link #toString()} is the short form the engine logs at open: {@code "fd"},
 * {@code "fd+io_uring"} or {@code "mmap"}.
 *
 * <p>Immutable and thread-safe (a record).
 *
 * @param backend the backend
 * @param ioUring whether io_uring is in use (only ever with {@link Backend#FD})
 */
public record BackendInfo(Backend backend, boolean ioUring) {
  /**
   * Checks the combination.
   *
   * @param backend the backend
   * @param ioUring whether io_uring is in use
   * @throws NullPointerException if {@code backend} is null
   * @throws IllegalArgumentException if {@code ioUring} is set with a backend other than
   *     {@link Backend#FD}
   */
  public BackendInfo {
    Objects.requireNonNull(backend, "backend");
    if (ioUring && backend != Backend.FD) {
      throw new IllegalArgumentException("io_uring is used by the FD backend only");
    }
  }

  /** @return {@code "fd"}, {@code "fd+io_uring"} or {@code "mmap"} */
  @Override
  public String toString() {
    return backend == Backend.MMAP ? "mmap" : ioUring ? "fd+io_uring" : "fd";
  }
}
