package dev.walrus;

/**
 * Thrown when a namespace key is null or would resolve outside the data directory.
 * Nothing is created on disk. See the README's error table.
 */
public class InvalidNamespaceKeyException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, naming the offending value
   */
  public InvalidNamespaceKeyException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong
   * @param cause the underlying failure
   */
  public InvalidNamespaceKeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
