package dev.walrus;

/**
 * Thrown when the file system fails an operation (open, read, write, force, delete).
 *
 * <p>Two subclasses say what became of the instance: {@link WriteRolledBackException} (a
 * failed append or batch was rolled back; the instance stays usable) and
 * {@link FatalIOException} (the failure poisoned the instance: every later call throws
 * {@link WalrusPoisonedException} until it is reopened). This type itself is thrown by an
 * open that cannot create, lock or recover the namespace (no instance exists then), and
 * its subclass {@link CorruptNamespaceException} for an impossible record. The README's
 * error table lists every failure class, the type thrown, what is on disk and what the
 * caller should do.
 */
public class WalrusIOException extends WalrusException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, naming the offending value
   */
  public WalrusIOException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong
   * @param cause the underlying failure
   */
  public WalrusIOException(String message, Throwable cause) {
    super(message, cause);
  }
}
