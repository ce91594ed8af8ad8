package dev.walrus;

/**
 * Thrown when a single entry's payload exceeds the configured maximum entry size
 * (1 GiB by default). Nothing is written. See the README's error table.
 */
public class EntryTooLargeException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, naming the offending value
   */
  public EntryTooLargeException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong
   * @param cause the underlying failure
   */
  public EntryTooLargeException(String message, Throwable cause) {
    super(message, cause);
  }
}
