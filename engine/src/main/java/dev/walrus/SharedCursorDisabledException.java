package dev.walrus;

/**
 * Thrown by a read or checkpoint of a topic's <em>shared</em> cursor on an instance opened
 * with {@link Walrus.Builder#sharedCursor(boolean) sharedCursor(false)}: such an instance
 * has no shared cursor (it reads only through named consumers), so the call is refused
 * before anything is read, moved or written. Open the namespace with
 * {@code sharedCursor(true)} (the default), or read through a named consumer. See the
 * README's error table.
 */
public class SharedCursorDisabledException extends WalrusException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was refused, naming the topic and the builder option
   */
  public SharedCursorDisabledException(String message) {
    super(message);
  }
}
