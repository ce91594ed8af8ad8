package dev.walrus;

/**
 * Thrown by the call whose I/O failure stopped the instance: a failed force
 * ({@code fsync}, {@code msync}, also the one inside a {@code SyncEach} write of the mmap
 * backend, in {@link Walrus#sync()} and {@link Walrus#close()}), a failed write whose
 * rollback failed too, a failed cursor write (a consuming read, a checkpoint, a consumer
 * removal), a failed read of a data file, a failed reclamation, or the discovery that the
 * instance no longer owns its namespace.
 *
 * <p>After a failed force the kernel may have dropped dirty pages, so retrying could
 * acknowledge data that is not on disk; after the other failures the engine no longer
 * knows what is on disk. So the instance is poisoned: every later call throws
 * {@link WalrusPoisonedException} (after a failure in {@code close()}, it is closed
 * instead). What this call did is in doubt: after reopening, a write is wholly there or
 * wholly absent, a cursor at its old or its new position; everything acknowledged before
 * is there as the {@link FsyncSchedule} promised. Close the instance and open the
 * namespace again: recovery starts from what is really on disk. The cause is the original
 * failure.
 *
 * <p>The README's error table lists every failure class, the type thrown, what is on disk
 * and what the caller should do. A failed write that was rolled back is
 * {@link WriteRolledBackException}, not this.
 */
public class FatalIOException extends WalrusIOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed, naming the namespace and the cause
   * @param cause the original failure
   */
  public FatalIOException(String message, Throwable cause) {
    super(message, cause);
  }
}
