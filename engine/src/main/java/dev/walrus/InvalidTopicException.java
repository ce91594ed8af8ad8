package dev.walrus;

/**
 * Thrown when a topic name is null, empty, longer than 255 UTF-8 bytes, contains NUL or
 * cannot be encoded as UTF-8 (an unpaired surrogate). Nothing is written.
 */
public class InvalidTopicException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, naming the offending value
   */
  public InvalidTopicException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong
   * @param cause the underlying failure
   */
  public InvalidTopicException(String message, Throwable cause) {
    super(message, cause);
  }
}
