package dev.walrus;

/**
 * Thrown when a namespace directory is already open by another {@link Walrus} instance,
 * in this process or another one. One process owns a namespace at a time: the owner holds
 * an OS lock on two files of the namespace directory, {@code LOCK} and {@code OWNER}, and
 * an opener needs both, so deleting one of them while the owner runs lets no second
 * writer in (the owner re-creates and re-locks a deleted one within about a second, and
 * before it creates its next data file). The locks go with the owning process, so a
 * crashed owner never blocks a restart. The refused open reads and writes no data file
 * and no metadata log (it may re-create a deleted lock file, which the owner then
 * locks again). If both
 * files are deleted and another process locks new ones before the owner notices, the
 * owner stops: its calls fail with {@link WalrusPoisonedException} (an append that finds
 * out, before it creates a data file, with {@link FatalIOException}). See the README's
 * error table.
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
