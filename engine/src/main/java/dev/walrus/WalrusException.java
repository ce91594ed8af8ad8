package dev.walrus;

/**
 * Root of every exception the Walrus engine throws.
 *
 * <p>All Walrus exceptions are unchecked so that they travel unchanged through
 * reactive pipelines ({@code onError}) and event-bus replies. Catch this type to
 * handle every failure of the library; catch a subclass to handle one kind:
 *
 * <ul>
 *   <li>{@link InvalidArgumentException} and its subclasses, {@link SharedCursorDisabledException}:
 *       a refused call; nothing changed, the instance stays usable;
 *   <li>{@link WriteRolledBackException}: a failed write, rolled back; the instance stays
 *       usable;
 *   <li>{@link FatalIOException}, then {@link WalrusPoisonedException} for every later call:
 *       an I/O failure stopped the instance; close it and open the namespace again;
 *   <li>{@link CorruptEntryException}: a damaged entry, never returned; the instance stays
 *       usable;
 *   <li>{@link CorruptNamespaceException}, {@link NamespaceLockedException},
 *       {@link UnsafePathException}, {@link WalrusIOException}: an open that was refused;
 *   <li>{@link WalrusClosedException}: a call after {@link Walrus#close()}.
 * </ul>
 *
 * <p>An interrupt of the calling thread is never one of them: the call completes and the
 * thread keeps its interrupt status. The README's error table gives, for each failure
 * class, the type thrown, what is on disk, whether the instance stays usable and what the
 * caller should do.
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
