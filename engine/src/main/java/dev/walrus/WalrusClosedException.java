package dev.walrus;

/**
 * Thrown when an operation is called on a closed {@link Walrus} instance (also on an
 * instance whose {@link Walrus#close()} failed with {@link FatalIOException}). Nothing is
 * read or written. Open the namespace again to go on. See the README's error table.
 */
public class WalrusClosedException extends WalrusException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, naming the offending value
   */
  public WalrusClosedException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong
   * @param cause the underlying failure
   */
  public WalrusClosedException(String message, Throwable cause) {
    super(message, cause);
  }
}
