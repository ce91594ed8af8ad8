package dev.walrus;

/**
 * Thrown when a path inside the data directory is not what the engine would have made:
 * the namespace directory is a symbolic link or not owned by the user the process runs
 * as; or {@code LOCK}, the metadata log or a data file is a symbolic
 * link or not a regular file. The engine never follows a symbolic link it did not create,
 * so it refuses instead, before reading or writing anything there; the message names the
 * path. Remove or replace what is at that path (after finding out who put it there) and
 * open again. See the README's error table.
 */
public class UnsafePathException extends WalrusException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, naming the path
   */
  public UnsafePathException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what is wrong, naming the path
   * @param cause the underlying failure
   */
  public UnsafePathException(String message, Throwable cause) {
    super(message, cause);
  }
}
