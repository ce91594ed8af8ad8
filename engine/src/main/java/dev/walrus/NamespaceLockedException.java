package dev.walrus;

/**
 * Thrown when a namespace directory is already open by another {@link Walrus} instance,
 * in this process or another one. One process owns a namespace at a time.
 */
public class NamespaceLockedException extends WalrusException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, naming the offending value
   */
  public NamespaceLockedException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong
   * @param cause the underlying failure
   */
  public NamespaceLockedException(String message, Throwable cause) {
    super(message, cause);
  }
}
