package dev.walrus;

/**
 * Root of every exception the Walrus engine throws.
 *
 * <p>All Walrus exceptions are unchecked so that they travel unchanged through
 * reactive pipelines ({@code onError}) and event-bus replies. Catch this type to
 * handle every failure of the library; catch a subclass to handle one kind.
 */
public class WalrusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong, naming the offending value where there is one
   */
  public WalrusException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public WalrusException(String message, Throwable cause) {
    super(message, cause);
  }
}
