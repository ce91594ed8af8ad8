package dev.walrus;

/**
 * Thrown when an argument is invalid (null payload, negative budget, bad consumer name,
 * offset out of range...). Thrown before anything is read, created or written: the log
 * is unchanged, in memory and on disk (no topic, no consumer, no cursor move, no file),
 * and the instance stays usable. See the README's error table.
 */
public class InvalidArgumentException extends WalrusException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, naming the offending value
   */
  public InvalidArgumentException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong
   * @param cause the underlying failure
   */
  public InvalidArgumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
