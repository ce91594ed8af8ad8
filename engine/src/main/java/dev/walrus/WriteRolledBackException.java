package dev.walrus;

/**
 * Thrown by an append or batch append whose write failed (a full disk, an I/O error on
 * the write, a short write, no space for a new data file) and was rolled back.
 *
 * <p>Nothing of the call is visible, now or after a crash or reopen: the blocks it had
 * started are sealed dead or at their old end, and those seals are forced before anything
 * else is written. No offset is used up: the next append gets the offset this one would
 * have had. The instance stays usable, so the call can be retried once the cause is gone
 * (space freed); a retry cannot duplicate anything. The cause is the file system's error.
 *
 * <p>If the rollback itself fails, the call throws {@link FatalIOException} instead and
 * the instance is poisoned. The README's error table lists every failure class, the type
 * thrown, what is on disk and what the caller should do.
 */
public class WriteRolledBackException extends WalrusIOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, naming the topic and the cause
   * @param cause the file system's error
   */
  public WriteRolledBackException(String message, Throwable cause) {
    super(message, cause);
  }
}
