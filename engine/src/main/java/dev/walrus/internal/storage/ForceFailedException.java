package dev.walrus.internal.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A force ({@code fsync}, {@code msync}) failed, possibly inside a write that forces what it
 * wrote (the mmap backend under SyncEach): the kernel may have dropped dirty pages, so what
 * was written can no longer be trusted and the engine poisons the instance instead of
 * rolling back and retrying (PostgreSQL's fsync lesson).
 */
public final class ForceFailedException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * @param path the file that could not be forced
   * @param cause what the system reported
   */
  public ForceFailedException(Path path, Throwable cause) {
    super("forcing " + path + " to stable storage failed: " + cause.getMessage(), cause);
  }
}
