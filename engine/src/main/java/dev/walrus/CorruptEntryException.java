package dev.walrus;

/**
 * Thrown when a read finds an entry whose checksum does not match its bytes.
 *
 * <p>Corrupt data is never returned as an entry. Recovery cuts torn tails of the log;
 * this exception reports damage found inside data that recovery had no reason to
 * rescan (for example a flipped bit in a sealed block). The cursor does not move (a batch
 * read returns the valid entries before the damaged one; the next call throws). Nothing is
 * changed on disk and the instance stays usable: other topics, cursors and appends are
 * unaffected. The damaged entry is lost; a consumer moves past it with
 * {@link Walrus#checkpoint(String, String, long)} (its position plus one), or the data is
 * restored from elsewhere. See the README's error table.
 */
public class CorruptEntryException extends WalrusException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, naming the offending value
   */
  public CorruptEntryException(String message) {
    super(message);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param message what was wrong
   * @param cause the underlying failure
   */
  public CorruptEntryException(String message, Throwable cause) {
    super(message, cause);
  }
}
