package dev.walrus;

/**
 * Thrown when the file system fails an operation (open, read, write, delete).
 * A failed write or fsync also poisons the instance: see {@link WalrusPoisonedException}.
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
