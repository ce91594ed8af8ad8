package dev.walrus;

/**
 * Thrown when a topic name breaks the rule of {@link TopicNames} (null, empty, longer than
 * 255 UTF-8 bytes, containing NUL, or not encodable as UTF-8: an unpaired surrogate).
 * Nothing is written; the message names the value. See the README's error table.
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
