package dev.walrus;

/**
 * Thrown by every call of an instance after an I/O failure poisoned it: a failed force
 * ({@code fsync}, {@code msync}, also the periodic background one), a failed rollback of
 * a failed write, a failed cursor write, read or reclamation, or lost ownership of the
 * namespace (both lock files were deleted and are now locked by another process: see
 * {@link NamespaceLockedException}). The call that met the failure threw
 * {@link FatalIOException}; a failure in the instance's background work (the periodic force,
 * reclamation, the ownership check) is first reported by this exception.
 *
 * <p>The call is refused before it reads, writes or moves anything. After a failed fsync
 * the kernel may have dropped dirty pages, so retrying could acknowledge data that is not
 * on disk (PostgreSQL's fsync lesson); the instance therefore refuses all further work.
 * Close it and open the namespace again, which recovers from what is really on disk. The
 * cause is the original failure. A failed write that was rolled back does not poison
 * ({@link WriteRolledBackException}), nor does an interrupt. The README's error table
 * lists every failure class.
 */
public class WalrusPoisonedException extends WalrusException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, naming the offending value
   */
  public WalrusPoisonedException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong
   * @param cause the underlying failure
   */
  public WalrusPoisonedException(String message, Throwable cause) {
    super(message, cause);
  }
}
