package dev.walrus;

/**
 * Thrown when the file system fails an operation (open, read, write, delete).
 *
 * <p>A failed write of an append or batch (a full disk, say) is rolled back: nothing of it
 * becomes visible and the instance stays usable. A failed fsync or {@code msync}, a write
 * whose rollback also fails, and lost ownership of the namespace poison the instance:
 * every later call throws {@link WalrusPoisonedException} until it is reopened.
 */
public class WalrusIOException extends WalrusException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, naming the offending value
   */
  public WalrusIOException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong
   * @param cause the underlying failure
   */
  public WalrusIOException(String message, Throwable cause) {
    super(message, cause);
  }
}
