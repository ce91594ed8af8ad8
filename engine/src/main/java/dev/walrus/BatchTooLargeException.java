package dev.walrus;

/**
 * Thrown when a batch has more than 2,000 entries or more than 10 GiB of payload.
 * Checked before anything is written: the log is unchanged. See the README's error table.
 */
public class BatchTooLargeException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, naming the offending value
   */
  public BatchTooLargeException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong
   * @param cause the underlying failure
   */
  public BatchTooLargeException(String message, Throwable cause) {
    super(message, cause);
  }
}
