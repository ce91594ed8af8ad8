package dev.walrus;

/**
 * Thrown when a namespace's files hold something that passes its checksum (or has none
 * to pass) yet cannot have been written by this engine: a metadata log whose header is
 * neither a known one nor a lost (all-zero) one, a journal record of an unknown type or
 * with an impossible field (an offset that is negative or at or past
 * {@link Walrus#MAX_OFFSET}, an empty or malformed name), or a data block whose first
 * offset is impossible. Also thrown by an append that would take a topic's offsets past
 * {@link Walrus#MAX_OFFSET} (only a forged or damaged namespace gets there: at 24 bytes
 * an entry that is more than 10<sup>20</sup> bytes written).
 *
 * <p>Such damage is reported rather than cut silently, because cutting a record that
 * passed its checksum would discard the records after it. Nothing is changed on disk or in
 * memory when it is thrown: the namespace stays as found, for inspection. Torn writes
 * (a record that fails its checksum) are not this error: recovery cuts those. Refused at
 * open, there is no instance; refused at an append, nothing was written and the instance
 * stays usable. See the README's error table.
 */
public class CorruptNamespaceException extends WalrusIOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was wrong, naming the file, the position and the offending value
   */
  public CorruptNamespaceException(String message) {
    super(message);
  }
}
