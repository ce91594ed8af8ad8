package dev.walrus;

/**
 * Thrown by every operation of an instance after a write or fsync failed, or after the
 * instance found it no longer owns its namespace (both lock files were deleted and are
 * now locked by another process: see {@link NamespaceLockedException}).
 *
 * <p>After a failed fsync the kernel may have dropped dirty pages, so retrying could
 * acknowledge data that is not on disk (PostgreSQL's fsync lesson). The instance
 * therefore refuses all further work; close it and open the namespace again, which
 * recovers from what is really on disk. The cause is the original failure.
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
