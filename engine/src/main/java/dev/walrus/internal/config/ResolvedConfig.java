package dev.walrus.internal.config;

import dev.walrus.Backend;
import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.internal.core.EngineConfig;
import dev.walrus.internal.storage.StorageBackend;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An instance's configuration, resolved once when it opens from the builder, the
 * process-wide backend switch, system properties, environment variables and defaults (see
 * {@link ConfigResolver} for the precedence, and the "Configuration" table of
 * {@code docs/ARCHITECTURE.md}). Immutable.
 *
 * @param dataDir the data directory
 * @param namespaceKey the namespace key, or null for the data directory itself
 * @param backend the storage backend
 * @param ioUring whether the FD backend uses io_uring
 * @param maxOpenFiles most descriptors the backend keeps open for its files
 * @param quiet silence the library's info and debug logging
 * @param consistency the read consistency model
 * @param schedule the fsync schedule
 * @param blockSize bytes per block
 * @param blocksPerFile blocks per data file
 * @param maxEntryBytes the largest payload accepted
 * @param sharedCursor whether topics have a shared cursor
 * @param sources for each setting that has more than one source, where its value came
 *     from (e.g. {@code "-Dwalrus.backend"}, {@code "WALRUS_DATA_DIR"}, {@code "default"})
 */
public record ResolvedConfig(
    Path dataDir,
    String namespaceKey,
    Backend backend,
    IoUringMode ioUring,
    int maxOpenFiles,
    boolean quiet,
    ReadConsistency consistency,
    FsyncSchedule schedule,
    long blockSize,
    int blocksPerFile,
    int maxEntryBytes,
    boolean sharedCursor,
    Map<String, String> sources) {

  private static final Logger LOG = LoggerFactory.getLogger(ResolvedConfig.class);

  /** Keeps an unmodifiable copy of {@code sources}. */
  public ResolvedConfig {
    sources = Map.copyOf(sources);
  }

  /**
   * @param directory the namespace directory the data directory and key resolve to
   * @param storage the storage backend opened for this configuration
   * @return the engine's configuration
   */
  public EngineConfig engineConfig(Path directory, StorageBackend storage) {
    return new EngineConfig(
        directory,
        blockSize,
        blockSize * blocksPerFile,
        maxEntryBytes,
        consistency,
        schedule,
        storage,
        quiet,
        sharedCursor);
  }

  /**
   * @return one line naming every setting, with its source where it has more than one, e.g.
   *     {@code backend=fd (-Dwalrus.backend)}
   */
  public String describe() {
    return "dataDir="
        + dataDir
        + src("dataDir")
        + ", namespace="
        + (namespaceKey == null ? "(the data directory)" : "'" + namespaceKey + "'")
        + src("namespace")
        + ", backend="
        + backend.name().toLowerCase(java.util.Locale.ROOT)
        + src("backend")
        + ", io_uring="
        + ioUring.name().toLowerCase(java.util.Locale.ROOT)
        + src("io_uring")
        + ", maxOpenFiles="
        + maxOpenFiles
        + src("maxOpenFiles")
        + ", quiet="
        + quiet
        + src("quiet")
        + ", consistency="
        + consistency
        + ", fsync="
        + schedule
        + ", blockSize="
        + blockSize
        + ", blocksPerFile="
        + blocksPerFile
        + ", maxEntryBytes="
        + maxEntryBytes
        + ", sharedCursor="
        + sharedCursor;
  }

  /** Logs {@link #describe()} at INFO, unless {@link #quiet()}: once per open. */
  public void logAtOpen() {
    if (!quiet) {
      LOG.info("configuration: {}", describe());
    }
  }

  private String src(String setting) {
    String s = sources.get(setting);
    return s == null ? "" : " (" + s + ")";
  }
}
