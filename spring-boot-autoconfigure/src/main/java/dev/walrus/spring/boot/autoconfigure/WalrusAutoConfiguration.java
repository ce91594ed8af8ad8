package dev.walrus.spring.boot.autoconfigure;

import dev.walrus.FsyncSchedule;
import dev.walrus.InvalidArgumentException;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of a {@link Walrus} engine opened from {@link WalrusProperties} and
 * the {@link ReactiveWalrus} over it. Each bean backs off when the application defines
 * one of its type ({@code @ConditionalOnMissingBean}): a user's {@code Walrus} bean gets
 * the auto-configured {@code ReactiveWalrus} over it.
 *
 * <p>Opening happens when the context starts, on its thread, and fails the start (with
 * the engine's exception, for instance {@link dev.walrus.NamespaceLockedException} when
 * another process owns the namespace, or an {@link InvalidWalrusPropertyException} naming
 * a bad property). On shutdown the context closes the {@code ReactiveWalrus} first (it
 * depends on the engine: live streams complete, queued appends are written) and then the
 * {@code Walrus} (cursors persisted, final fsync, namespace released), so the namespace
 * can be reopened as soon as the context is closed.
 */
@AutoConfiguration
@EnableConfigurationProperties(WalrusProperties.class)
public class WalrusAutoConfiguration {

  /** Instantiated by Spring only. */
  public WalrusAutoConfiguration() {}

  /**
   * Opens the engine from the {@code walrus.*} properties.
   *
   * @param properties the bound settings
   * @return the open engine, closed by the context on shutdown
   * @throws InvalidWalrusPropertyException if a property's value is out of range
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Walrus walrus(WalrusProperties properties) {
    return builder(properties).open();
  }

  /**
   * @param walrus the engine, auto-configured or the application's own
   * @return the Reactor API over it, closed by the context before the engine
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public ReactiveWalrus reactiveWalrus(Walrus walrus) {
    return ReactiveWalrus.create(walrus);
  }

  /**
   * The builder the {@code walrus} bean opens, from the properties: settings left unset
   * keep the engine's defaults.
   *
   * @param p the settings
   * @return a builder with every set property applied, not yet opened
   * @throws InvalidWalrusPropertyException naming the first property whose value the
   *     engine refuses
   */
  static Walrus.Builder builder(WalrusProperties p) {
    Walrus.Builder b = Walrus.builder();
    if (p.getDataDir() != null) {
      b.dataDir(p.getDataDir());
    }
    if (p.getNamespace() != null) {
      b.namespace(p.getNamespace().isEmpty() ? null : p.getNamespace());
    }
    b.consistency(consistency(p));
    b.fsyncSchedule(fsync(p));
    if (p.getBackend() != null) {
      b.backend(p.getBackend());
    }
    if (p.getIoUring() != null) {
      b.ioUring(p.getIoUring());
    }
    long blockSize = required("block-size", p.getBlockSize()).toBytes();
    check("block-size", p.getBlockSize(), () -> b.blockSize(blockSize));
    if (p.getFirstBlockSize() != null) {
      long first = p.getFirstBlockSize().toBytes();
      check("first-block-size", p.getFirstBlockSize(), () -> b.firstBlockSize(first));
    }
    check("blocks-per-file", p.getBlocksPerFile(), () -> b.blocksPerFile(p.getBlocksPerFile()));
    long maxEntry = required("max-entry-bytes", p.getMaxEntryBytes()).toBytes();
    check(
        "max-entry-bytes",
        p.getMaxEntryBytes(),
        () -> {
          if (maxEntry > Walrus.MAX_ENTRY_BYTES) {
            throw new InvalidArgumentException(
                "max entry size must be between 0 and " + Walrus.MAX_ENTRY_BYTES);
          }
          b.maxEntryBytes((int) maxEntry);
        });
    b.sharedCursor(p.isSharedCursor());
    if (p.getRetention() != null) {
      check("retention", p.getRetention(), () -> b.retention(p.getRetention()));
    }
    if (p.getRetentionBytes() != null) {
      check(
          "retention-bytes",
          p.getRetentionBytes(),
          () -> b.retentionBytes(p.getRetentionBytes().toBytes()));
    }
    if (p.getQuiet() != null) {
      b.quiet(p.getQuiet());
    }
    return b;
  }

  private static ReadConsistency consistency(WalrusProperties p) {
    if (required("consistency", p.getConsistency())
        == WalrusProperties.Consistency.STRICTLY_AT_ONCE) {
      return ReadConsistency.strictlyAtOnce();
    }
    ReadConsistency[] c = new ReadConsistency[1];
    check(
        "persist-every",
        p.getPersistEvery(),
        () -> c[0] = ReadConsistency.atLeastOnce(p.getPersistEvery()));
    return c[0];
  }

  private static FsyncSchedule fsync(WalrusProperties p) {
    switch (required("fsync", p.getFsync())) {
      case SYNC_EACH:
        return FsyncSchedule.syncEach();
      case NO_FSYNC:
        return FsyncSchedule.noFsync();
      default:
        FsyncSchedule[] s = new FsyncSchedule[1];
        long millis = required("fsync-interval", p.getFsyncInterval()).toMillis();
        check(
            "fsync-interval",
            p.getFsyncInterval(),
            () -> s[0] = FsyncSchedule.milliseconds(millis));
        return s[0];
    }
  }

  private static <T> T required(String property, T value) {
    if (value == null) {
      throw new InvalidWalrusPropertyException(property, null, "must be set");
    }
    return value;
  }

  /** Runs {@code apply}, turning the engine's refusal into one naming the property. */
  private static void check(String property, Object value, Runnable apply) {
    try {
      apply.run();
    } catch (InvalidArgumentException e) {
      throw new InvalidWalrusPropertyException(property, value, e.getMessage());
    }
  }
}
