package dev.walrus.spring.boot.autoconfigure;

import dev.walrus.Backend;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code walrus.*} settings {@link WalrusAutoConfiguration} opens the {@code Walrus}
 * bean with. Every setting left unset keeps the engine's default (for the data directory,
 * namespace, backend, io_uring and quiet that includes the engine's system properties and
 * environment variables; see {@code docs/ARCHITECTURE.md}, "Configuration"). Values are
 * checked when the bean is created: an invalid one fails the context start with a message
 * naming the property and the value.
 *
 * <p>A mutable JavaBean, as Spring Boot binds it; bound once at startup on one thread and
 * only read after that, so not synchronised.
 */
@ConfigurationProperties(WalrusProperties.PREFIX)
public class WalrusProperties {
  /** The prefix of every property: {@value}. */
  public static final String PREFIX = "walrus";

  /** Read consistency models, by configuration name. */
  public enum Consistency {
    /** Every consuming read's cursor is persisted before the read returns. */
    STRICTLY_AT_ONCE,
    /** A consumer's cursor is persisted every {@code walrus.persist-every} reads. */
    AT_LEAST_ONCE
  }

  /** Fsync schedules, by configuration name. */
  public enum Fsync {
    /** Everything written is flushed every {@code walrus.fsync-interval}. */
    MILLISECONDS,
    /** Every write is on stable storage before it is acknowledged. */
    SYNC_EACH,
    /** Never flushed explicitly (page cache only; a power cut loses recent writes). */
    NO_FSYNC
  }

  /**
   * The data directory. Unset: the engine's default, WALRUS_DATA_DIR or ./wal_files.
   */
  private Path dataDir;

  /**
   * The namespace key: the instance owns the sub-directory of the data directory this key
   * names (sanitised as the engine's Builder.namespace does). Empty: the data directory
   * itself. Unset: WALRUS_INSTANCE_KEY, or the data directory itself.
   */
  private String namespace;

  /** How often a consuming read's cursor is persisted: strictly-at-once or at-least-once. */
  private Consistency consistency = Consistency.STRICTLY_AT_ONCE;

  /** For consistency at-least-once: persist a consumer's cursor every this many reads. */
  private int persistEvery = 1000;

  /** When writes reach stable storage: milliseconds, sync-each or no-fsync. */
  private Fsync fsync = Fsync.MILLISECONDS;

  /** For fsync milliseconds: the flush interval, at least 1 ms. */
  private Duration fsyncInterval = Duration.ofMillis(200);

  /**
   * The storage backend: fd (positional I/O, io_uring batches) or mmap. Unset: the
   * process-wide default (the walrus.backend system property, else fd).
   */
  private Backend backend;

  /**
   * Whether the fd backend may use io_uring where available. false: never. Unset or
   * true: when available, unless the walrus.io_uring system property or
   * WALRUS_DISABLE_IO_URING turn it off.
   */
  private Boolean ioUring;

  /** The block size: a multiple of 4 KB, from 4 KB to 1 GB. */
  private DataSize blockSize = DataSize.ofMegabytes(10);

  /**
   * The length of each topic's first block: a multiple of 512 B, from 512 B to 1 GB. Each
   * next block of a topic is twice the previous one, up to block-size; a value of at least
   * block-size gives every block the block size. Unset: 512 B.
   */
  private DataSize firstBlockSize;

  /** Blocks per data file, at least 1. */
  private int blocksPerFile = 100;

  /** The largest entry payload accepted, from 0 to 1 GB. */
  private DataSize maxEntryBytes = DataSize.ofGigabytes(1);

  /**
   * Whether every topic has a shared cursor. Set false when the application reads only
   * through named consumers, or the shared cursors keep every data file forever.
   */
  private boolean sharedCursor = true;

  /** Whether to silence the engine's info and debug logging. Unset: WALRUS_QUIET=1. */
  private Boolean quiet;

  /**
   * The age limit of every topic without its own retention (Walrus.setTopicConfig):
   * older blocks are deleted even if unread. Unset: no age limit.
   */
  private Duration retention;

  /**
   * The size limit of every topic without its own retention: a topic keeps at most this
   * plus its newest block. Unset: no size limit.
   */
  private DataSize retentionBytes;

  /** @return the data directory, or null for the engine's default */
  public Path getDataDir() {
    return dataDir;
  }

  /** @param dataDir the data directory, or null for the engine's default */
  public void setDataDir(Path dataDir) {
    this.dataDir = dataDir;
  }

  /** @return the namespace key, empty for the data directory itself, null if unset */
  public String getNamespace() {
    return namespace;
  }

  /** @param namespace the namespace key, empty for the data directory itself */
  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  /** @return the read consistency model */
  public Consistency getConsistency() {
    return consistency;
  }

  /** @param consistency the read consistency model */
  public void setConsistency(Consistency consistency) {
    this.consistency = consistency;
  }

  /** @return reads between cursor writes under at-least-once */
  public int getPersistEvery() {
    return persistEvery;
  }

  /** @param persistEvery reads between cursor writes under at-least-once, at least 1 */
  public void setPersistEvery(int persistEvery) {
    this.persistEvery = persistEvery;
  }

  /** @return the fsync schedule */
  public Fsync getFsync() {
    return fsync;
  }

  /** @param fsync the fsync schedule */
  public void setFsync(Fsync fsync) {
    this.fsync = fsync;
  }

  /** @return the flush interval of the milliseconds schedule */
  public Duration getFsyncInterval() {
    return fsyncInterval;
  }

  /** @param fsyncInterval the flush interval of the milliseconds schedule, at least 1 ms */
  public void setFsyncInterval(Duration fsyncInterval) {
    this.fsyncInterval = fsyncInterval;
  }

  /** @return the storage backend, or null for the process-wide default */
  public Backend getBackend() {
    return backend;
  }

  /** @param backend the storage backend, or null for the process-wide default */
  public void setBackend(Backend backend) {
    this.backend = backend;
  }

  /** @return false to never use io_uring; null or true for the engine's default */
  public Boolean getIoUring() {
    return ioUring;
  }

  /** @param ioUring false to never use io_uring */
  public void setIoUring(Boolean ioUring) {
    this.ioUring = ioUring;
  }

  /** @return the block size */
  public DataSize getBlockSize() {
    return blockSize;
  }

  /** @param blockSize the block size, a multiple of 4 KB from 4 KB to 1 GB */
  public void setBlockSize(DataSize blockSize) {
    this.blockSize = blockSize;
  }

  /** @return the length of each topic's first block, or null for the engine's 512 B */
  public DataSize getFirstBlockSize() {
    return firstBlockSize;
  }

  /**
   * @param firstBlockSize the length of each topic's first block, a multiple of 512 B from
   *     512 B to 1 GB
   */
  public void setFirstBlockSize(DataSize firstBlockSize) {
    this.firstBlockSize = firstBlockSize;
  }

  /** @return blocks per data file */
  public int getBlocksPerFile() {
    return blocksPerFile;
  }

  /** @param blocksPerFile blocks per data file, at least 1 */
  public void setBlocksPerFile(int blocksPerFile) {
    this.blocksPerFile = blocksPerFile;
  }

  /** @return the largest entry payload accepted */
  public DataSize getMaxEntryBytes() {
    return maxEntryBytes;
  }

  /** @param maxEntryBytes the largest entry payload accepted, 0 to 1 GB */
  public void setMaxEntryBytes(DataSize maxEntryBytes) {
    this.maxEntryBytes = maxEntryBytes;
  }

  /** @return whether topics have a shared cursor */
  public boolean isSharedCursor() {
    return sharedCursor;
  }

  /** @param sharedCursor false to open without shared cursors */
  public void setSharedCursor(boolean sharedCursor) {
    this.sharedCursor = sharedCursor;
  }

  /** @return the instance default age limit, or null for none */
  public Duration getRetention() {
    return retention;
  }

  /** @param retention the instance default age limit (positive), or null for none */
  public void setRetention(Duration retention) {
    this.retention = retention;
  }

  /** @return the instance default size limit, or null for none */
  public DataSize getRetentionBytes() {
    return retentionBytes;
  }

  /** @param retentionBytes the instance default size limit (positive), or null for none */
  public void setRetentionBytes(DataSize retentionBytes) {
    this.retentionBytes = retentionBytes;
  }

  /** @return true to silence the engine's info/debug logging; null for WALRUS_QUIET */
  public Boolean getQuiet() {
    return quiet;
  }

  /** @param quiet true to silence the engine's info/debug logging */
  public void setQuiet(Boolean quiet) {
    this.quiet = quiet;
  }
}
