package dev.walrus.examples.webflux;

import dev.walrus.Backend;
import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The application's {@code walrus.*} settings (see {@code application.yml}), bound once
 * at startup and immutable.
 *
 * @param dataDir the data directory (default {@code ./wal_files}, or
 *     {@code WALRUS_DATA_DIR})
 * @param key the namespace key, a sub-directory of the data directory; empty for the data
 *     directory itself
 * @param consistency how often a consuming read's cursor is written
 * @param persistEvery for {@link Consistency#AT_LEAST_ONCE}: write the cursor every this
 *     many reads (at least 1)
 * @param fsync when writes reach stable storage
 * @param fsyncInterval for {@link Fsync#MILLISECONDS}: the flush interval (at least 1 ms)
 * @param backend the storage backend, {@code fd} or {@code mmap}
 */
@ConfigurationProperties("walrus")
public record WalrusProperties(
    @DefaultValue("./wal_files") Path dataDir,
    @DefaultValue("") String key,
    @DefaultValue("strictly-at-once") Consistency consistency,
    @DefaultValue("1000") int persistEvery,
    @DefaultValue("milliseconds") Fsync fsync,
    @DefaultValue("200ms") Duration fsyncInterval,
    @DefaultValue("fd") Backend backend) {

  /** The engine's read consistency models, by configuration name. */
  public enum Consistency {
    /** Every consuming read's cursor is written before the read returns. */
    STRICTLY_AT_ONCE,
    /** The cursor is written every {@code persist-every} reads. */
    AT_LEAST_ONCE
  }

  /** The engine's fsync schedules, by configuration name. */
  public enum Fsync {
    /** Flushed every {@code fsync-interval}. */
    MILLISECONDS,
    /** Every write is on stable storage before it is acknowledged. */
    SYNC_EACH,
    /** Never flushed explicitly (page cache only). */
    NO_FSYNC
  }

  /**
   * @return the engine read consistency these settings name
   * @throws dev.walrus.InvalidArgumentException if {@code persist-every} is below 1
   */
  public ReadConsistency readConsistency() {
    return consistency == Consistency.AT_LEAST_ONCE
        ? ReadConsistency.atLeastOnce(persistEvery)
        : ReadConsistency.strictlyAtOnce();
  }

  /**
   * @return the engine fsync schedule these settings name
   * @throws dev.walrus.InvalidArgumentException if the interval is below 1 ms
   */
  public FsyncSchedule fsyncSchedule() {
    switch (fsync) {
      case SYNC_EACH:
        return FsyncSchedule.syncEach();
      case NO_FSYNC:
        return FsyncSchedule.noFsync();
      default:
        return FsyncSchedule.milliseconds(fsyncInterval.toMillis());
    }
  }
}
