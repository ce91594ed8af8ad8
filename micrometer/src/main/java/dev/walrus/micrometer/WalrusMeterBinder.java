package dev.walrus.micrometer;

import dev.walrus.InvalidArgumentException;
import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import dev.walrus.WalrusClosedException;
import dev.walrus.WalrusMetricsListener;
import dev.walrus.WalrusPoisonedException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micrometer meters for one open {@link Walrus} instance: counters, timers and summaries
 * fed by the engine's {@link WalrusMetricsListener} hook as operations happen, and gauges
 * (data files, retained bytes, topics, poisoned, consumer lag per topic and consumer)
 * computed from the public API ({@code topics()}, {@code stats()}, the namespace directory)
 * by {@link #refresh()}, which runs when bound and then every refresh interval (10 s by
 * default) on a daemon thread of its own. Every name, type, unit and tag is in {@code
 * docs/METRICS.md}.
 *
 * <pre>{@code
 * WalrusMeterBinder metrics = new WalrusMeterBinder(walrus);
 * metrics.bindTo(registry);         // e.g. a Prometheus or Spring Boot registry
 * ...
 * metrics.close();                  // before or after walrus.close()
 * }</pre>
 *
 * <p>{@code walrus.consumer.lag} has a cardinality guard: at most {@code maxLagSeries}
 * (topic, consumer) series (default {@value #DEFAULT_MAX_LAG_SERIES}); the pairs seen first
 * keep their series while they exist, every further pair is summed into one series tagged
 * {@code topic=_other, consumer=_other}, and a WARN line says so once.
 *
 * <p>Several instances in one registry need distinguishing tags (the {@code tags}
 * argument), or their counters add up and their gauges collide. The binder may be bound to
 * several registries. Thread-safe. Binding attaches the engine listener (once); with the
 * binder unbound or closed the engine measures nothing.
 */
public final class WalrusMeterBinder implements MeterBinder, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WalrusMeterBinder.class);

  /** The default most (topic, consumer) series of {@code walrus.consumer.lag}: 100. */
  public static final int DEFAULT_MAX_LAG_SERIES = 100;

  /** The default refresh interval of the gauges: 10 seconds. */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(10);

  /** The topic and consumer tag of the lag series the cardinality guard sums into. */
  public static final String OTHER = "_other";

  /** The consumer tag of a topic's shared cursor (its name in the engine is empty). */
  public static final String SHARED_CONSUMER = "_shared";

  private final Walrus walrus;
  private final Tags tags;
  private final Duration refreshInterval;
  private final LagGuard guard;
  private volatile EngineMeters[] bound = new EngineMeters[0];
  private volatile AutoCloseable attached;
  private volatile ScheduledExecutorService refresher;
  private volatile boolean closed;
  private volatile boolean poisoned;
  private volatile double files = Double.NaN;
  private volatile double diskBytes = Double.NaN;
  private volatile double topics = Double.NaN;

  /**
   * Meters without extra tags, at most {@value #DEFAULT_MAX_LAG_SERIES} lag series,
   * gauges refreshed every 10 s.
   *
   * @param walrus an open instance
   * @throws InvalidArgumentException if {@code walrus} is null
   */
  public WalrusMeterBinder(Walrus walrus) {
    this(walrus, Tags.empty(), DEFAULT_MAX_LAG_SERIES, DEFAULT_REFRESH_INTERVAL);
  }

  /**
   * @param walrus an open instance
   * @param tags added to every meter (e.g. {@code instance=orders} when several instances
   *     share a registry)
   * @param maxLagSeries the most (topic, consumer) series of {@code walrus.consumer.lag}
   *     before further pairs are summed into the {@code _other} series; at least 0
   * @param refreshInterval how often the gauges are recomputed in the background;
   *     {@link Duration#ZERO} for never (then only {@link #refresh()} updates them)
   * @throws InvalidArgumentException if {@code walrus}, {@code tags} or {@code
   *     refreshInterval} is null, or a number is negative
   */
  public WalrusMeterBinder(
      Walrus walrus, Iterable<Tag> tags, int maxLagSeries, Duration refreshInterval) {
    if (walrus == null || tags == null || refreshInterval == null) {
      throw new InvalidArgumentException("walrus, tags and refreshInterval must not be null");
    }
    if (maxLagSeries < 0 || refreshInterval.isNegative()) {
      throw new InvalidArgumentException(
          "maxLagSeries and refreshInterval must not be negative, got "
              + maxLagSeries
              + " and "
              + refreshInterval);
    }
    this.walrus = walrus;
    this.tags = Tags.of(tags);
    this.refreshInterval = refreshInterval;
    this.guard = new LagGuard(maxLagSeries);
  }

  /**
   * Registers the meters in {@code registry}, attaches the engine listener (at the first
   * registry) and refreshes the gauges, blocking as {@link #refresh()} does (not for an
   * event loop). Binding to a registry it is already bound to, or after {@link #close()},
   * does nothing.
   *
   * @param registry the registry
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    synchronized (this) {
      if (closed) {
        return;
      }
      EngineMeters[] old = bound;
      for (EngineMeters b : old) {
        if (b.registry == registry) {
          return; // already bound there
        }
      }
      EngineMeters m = new EngineMeters(registry, tags, this);
      EngineMeters[] next = java.util.Arrays.copyOf(old, old.length + 1);
      next[old.length] = m;
      bound = next;
      if (attached == null) {
        attached = walrus.addMetricsListener(new Recorder());
        if (!refreshInterval.isZero()) {
          refresher =
              Executors.newSingleThreadScheduledExecutor(
                  r -> {
                    Thread t = new Thread(r, "walrus-metrics-" + walrus.directory().getFileName());
                    t.setDaemon(true);
                    return t;
                  });
          long ms = Math.max(1, refreshInterval.toMillis());
          refresher.scheduleWithFixedDelay(this::refreshQuietly, ms, ms, TimeUnit.MILLISECONDS);
        }
      }
    }
    refresh();
  }

  /**
   * Recomputes the gauges now, on the calling thread (blocking: it reads every topic's
   * stats and lists the namespace directory). On a closed instance the gauges become NaN
   * and the lag series disappear; on a poisoned one {@code walrus.poisoned} becomes 1.
   */
  public synchronized void refresh() {
    if (closed) {
      return;
    }
    Map<LagGuard.Key, Long> lags = new HashMap<>();
    try {
      long bytes = 0;
      int n = 0;
      for (String t : walrus.topics()) {
        Optional<TopicStats> s = walrus.stats(t);
        if (s.isEmpty()) {
          continue; // gone meanwhile
        }
        n++;
        bytes += s.get().retainedBytes();
        for (Map.Entry<String, Long> e : s.get().unread().entrySet()) {
          String consumer = e.getKey().isEmpty() ? SHARED_CONSUMER : e.getKey();
          lags.put(new LagGuard.Key(t, consumer), e.getValue());
        }
      }
      int f = countDataFiles(walrus.directory());
      files = f < 0 ? Double.NaN : f;
      diskBytes = bytes;
      topics = n;
    } catch (WalrusPoisonedException e) {
      poisoned = true;
      unavailable(lags);
    } catch (WalrusClosedException e) {
      unavailable(lags);
    }
    List<LagGuard.Row> rows = guard.select(lags);
    for (EngineMeters m : bound) {
      m.publishLag(rows);
    }
  }

  private void unavailable(Map<?, ?> lags) {
    lags.clear();
    files = Double.NaN;
    diskBytes = Double.NaN;
    topics = Double.NaN;
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      LOG.warn("refreshing the Walrus gauges of {} failed", walrus.directory(), e);
    }
  }

  /**
   * @return the data files {@code wal-<sequence>.log} of a namespace directory
   *     (docs/FORMAT.md), or -1 if it cannot be listed
   */
  static int countDataFiles(Path dir) {
    int n = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "wal-*.log")) {
      for (Path p : ds) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          n++;
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot list {}", dir, e);
      return -1;
    }
    return n;
  }

  double files() {
    return files;
  }

  double diskBytes() {
    return diskBytes;
  }

  double topicCount() {
    return topics;
  }

  double poisonedValue() {
    return poisoned ? 1 : 0;
  }

  /**
   * Detaches the engine listener, stops the refresh thread and removes every meter this
   * binder registered from every registry it was bound to. Idempotent; does not close the
   * {@code Walrus} instance.
   */
  @Override
  public void close() {
    EngineMeters[] was;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      was = bound;
      bound = new EngineMeters[0];
      if (refresher != null) {
        refresher.shutdownNow();
      }
    }
    AutoCloseable a = attached;
    if (a != null) {
      try {
        a.close();
      } catch (Exception e) {
        LOG.warn("detaching the metrics listener of {} failed", walrus.directory(), e);
      }
    }
    for (EngineMeters m : was) {
      m.remove();
    }
  }

  /** The engine listener: one array read, then increments on pre-resolved meters. */
  private final class Recorder implements WalrusMetricsListener {
    @Override
    public void onAppend(String topic, long bytes, long nanos) {
      for (EngineMeters m : bound) {
        m.append(bytes, nanos);
      }
    }

    @Override
    public void onBatchAppend(String topic, int entries, long bytes, long nanos) {
      for (EngineMeters m : bound) {
        m.batchAppend(entries, bytes, nanos);
      }
    }

    @Override
    public void onRead(String topic, int entries, long bytes) {
      for (EngineMeters m : bound) {
        m.readEntries.increment(entries);
        m.readBytes.increment(bytes);
      }
    }

    @Override
    public void onFsync(int fileCount, long nanos) {
      for (EngineMeters m : bound) {
        m.fsync.record(nanos, TimeUnit.NANOSECONDS);
        m.fsyncFiles.record(fileCount);
      }
    }

    @Override
    public void onFileCreated() {
      for (EngineMeters m : bound) {
        m.filesCreated.increment();
      }
    }

    @Override
    public void onFileReclaimed() {
      for (EngineMeters m : bound) {
        m.filesReclaimed.increment();
      }
    }

    @Override
    public void onPoisoned(Throwable cause) {
      poisoned = true;
    }

    @Override
    public String toString() {
      return "WalrusMeterBinder(" + walrus.directory() + ")";
    }
  }
}
