package dev.walrus.internal.core;

import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.TopicConfig;
import dev.walrus.internal.storage.StorageBackend;
import java.nio.file.Path;
import java.util.function.LongSupplier;

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
 * @param retentionDefault the retention of every topic without its own configuration
 * @param clock the append clock: microseconds since the epoch (tests substitute it)
 * @param firstBlockSize the length of a topic's first block (later ones double up to the
 *     block size; see {@code BlockAllocator}): a multiple of 512, at most the block size
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
    boolean sharedCursor,
    TopicConfig retentionDefault,
    LongSupplier clock,
    long firstBlockSize) {

  /** The default length of a topic's first block. */
  public static final long DEFAULT_FIRST_BLOCK = 512;

  /** The system clock in microseconds since the epoch. */
  public static final LongSupplier SYSTEM_CLOCK = EngineConfig::systemMicros;

  private static long systemMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }

  /** A configuration without retention, on the system clock. */
  public EngineConfig(
      Path directory,
      long blockSize,
      long fileSize,
      int maxEntryBytes,
      ReadConsistency consistency,
      FsyncSchedule schedule,
      StorageBackend backend,
      boolean quiet,
      boolean sharedCursor) {
    this(
        directory,
        blockSize,
        fileSize,
        maxEntryBytes,
        consistency,
        schedule,
        backend,
        quiet,
        sharedCursor,
        TopicConfig.unlimited(),
        SYSTEM_CLOCK,
        Math.min(DEFAULT_FIRST_BLOCK, blockSize));
  }

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

  /**
   * @param retention the instance-wide retention default
   * @param micros the append clock
   * @return a copy with these
   */
  public EngineConfig withRetention(TopicConfig retention, LongSupplier micros) {
    return new EngineConfig(
        directory,
        blockSize,
        fileSize,
        maxEntryBytes,
        consistency,
        schedule,
        backend,
        quiet,
        sharedCursor,
        retention,
        micros,
        firstBlockSize);
  }

  /**
   * @param bytes the length of a topic's first block; more than the block size means the
   *     block size (every block then has the block size)
   * @return a copy with it
   */
  public EngineConfig withFirstBlockSize(long bytes) {
    return new EngineConfig(
        directory,
        blockSize,
        fileSize,
        maxEntryBytes,
        consistency,
        schedule,
        backend,
        quiet,
        sharedCursor,
        retentionDefault,
        clock,
        Math.min(bytes, blockSize));
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
