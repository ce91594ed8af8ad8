package dev.walrus.examples.webflux;

import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The log as Spring beans: one engine {@link Walrus} opened from {@link WalrusProperties}
 * and the {@link ReactiveWalrus} over it. On shutdown Spring closes the reactive view
 * first (it depends on the engine: live streams complete, queued appends are written)
 * and then the engine (final fsync, lock released).
 */
@Configuration(proxyBeanMethods = false)
public class WalrusConfiguration {
  private static final Logger LOG = LoggerFactory.getLogger(WalrusConfiguration.class);

  /**
   * Opens the engine; startup fails if the namespace is locked by another process.
   *
   * @param p the settings
   * @return the open engine, closed by Spring on shutdown
   */
  @Bean(destroyMethod = "close")
  public Walrus walrus(WalrusProperties p) {
    Walrus.Builder b =
        Walrus.builder()
            .dataDir(p.dataDir())
            .consistency(p.readConsistency())
            .fsyncSchedule(p.fsyncSchedule())
            .backend(p.backend())
            // every stream reads through a named consumer (viewers through guard cursors),
            // never the shared cursor, which would otherwise keep every file forever
            .sharedCursor(false);
    if (!p.key().isEmpty()) {
      b.namespace(p.key());
    }
    Walrus wal = b.open();
    int leftovers = ViewerCursors.removeLeftovers(wal);
    if (leftovers > 0) {
      LOG.info("removed {} viewer cursor(s) left over from an unclean stop", leftovers);
    }
    LOG.info(
        "Walrus log at {} ({}, {}, {})",
        wal.directory(),
        wal.backendInfo(),
        wal.consistency(),
        wal.fsyncSchedule());
    return wal;
  }

  /**
   * @param wal the engine
   * @return the reactive view every controller uses, closed by Spring before the engine
   */
  @Bean(destroyMethod = "close")
  public ReactiveWalrus reactiveWalrus(Walrus wal) {
    return ReactiveWalrus.create(wal);
  }
}
