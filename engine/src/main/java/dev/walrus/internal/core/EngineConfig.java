package dev.walrus.internal.core;

import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.internal.storage.StorageBackend;
import java.nio.file.Path;

/**
 * Everything an engine instance is configured with, validated by the public builder.
 *
 * @param directory the namespace directory
 * @param blockSize bytes per block
 * @param fileSize bytes per data file (a multiple of the block size)
 * @param maxEntryBytes largest payload accepted
 * @param consistency how often cursors are written
 * @param schedule when writes reach stable storage
 * @param backend the file I/O backend
 * @param quiet silence the library's info/debug logging
 * @param sharedCursor every topic has a shared cursor, which holds back reclamation like
 *     any cursor (false: it does not exist, and shared-cursor calls are refused)
 */
public record EngineConfig(
    Path directory,
    long blockSize,
    long fileSize,
    int maxEntryBytes,
    ReadConsistency consistency,
    FsyncSchedule schedule,
    StorageBackend backend,
    boolean quiet,
    boolean sharedCursor) {

  /** A configuration with the shared cursor on (the default). */
  public EngineConfig(
      Path directory,
      long blockSize,
      long fileSize,
      int maxEntryBytes,
      ReadConsistency consistency,
      FsyncSchedule schedule,
      StorageBackend backend,
      boolean quiet) {
    this(
        directory, blockSize, fileSize, maxEntryBytes, consistency, schedule, backend, quiet, true);
  }

  /** @return true when every write is durable before it returns */
  public boolean syncEach() {
    return schedule.kind() == FsyncSchedule.Kind.SYNC_EACH;
  }

  /** @return true when nothing is forced while open */
  public boolean noFsync() {
    return schedule.kind() == FsyncSchedule.Kind.NO_FSYNC;
  }
}
