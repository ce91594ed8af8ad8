package dev.walrus.spring.boot.autoconfigure;

import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import dev.walrus.WalrusException;
import dev.walrus.WalrusHealth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Actuator health of a {@link Walrus} instance, contributed as {@code walrus}.
 *
 * <p>{@code UP} while the instance is open, with details: {@code directory} (the namespace
 * directory it owns), {@code backend} ({@link Walrus#backendInfo()}, e.g.
 * {@code fd+io_uring}), {@code topics} (how many), {@code diskBytes} (the retained bytes
 * of every topic, {@link TopicStats#retainedBytes()} summed) and {@code lag}: for at most
 * {@link #MAX_LAG_TOPICS} topics, the most lagging first, the entries the topic's slowest
 * cursor has not read yet (the largest of {@link TopicStats#unread()}); topics nobody
 * lags on are left out. {@code DOWN} when the instance is closed or poisoned, with
 * {@code state} and, when poisoned, the failure as {@code error} (shown as Actuator
 * shows exceptions).
 *
 * <p>Thread-safe; each check reads the engine's in-memory statistics (no disk I/O) and
 * never throws: an instance that closes or is poisoned mid-check is reported
 * {@code DOWN}.
 */
public class WalrusHealthIndicator implements HealthIndicator {
  /** The most topics listed under {@code lag}, so the details stay small. */
  public static final int MAX_LAG_TOPICS = 20;

  private final Walrus walrus;

  /** @param walrus the instance to report on */
  public WalrusHealthIndicator(Walrus walrus) {
    this.walrus = Objects.requireNonNull(walrus, "walrus");
  }

  /** @return {@code UP} with details while open, else {@code DOWN} with the cause */
  @Override
  public Health health() {
    WalrusHealth h = walrus.health();
    if (!h.isOpen()) {
      return down(h);
    }
    try {
      return up();
    } catch (WalrusException e) {
      // closed or poisoned between the state check and the statistics
      WalrusHealth now = walrus.health();
      return down(now.isOpen() ? new WalrusHealth(WalrusHealth.State.POISONED, e) : now);
    }
  }

  private Health up() {
    long diskBytes = 0;
    List<Map.Entry<String, Long>> lagging = new ArrayList<>();
    int topics = 0;
    for (String topic : walrus.topics()) {
      Optional<TopicStats> s = walrus.stats(topic);
      if (s.isEmpty()) {
        continue;
      }
      topics++;
      diskBytes += s.get().retainedBytes();
      long lag = s.get().unread().values().stream().mapToLong(Long::longValue).max().orElse(0);
      if (lag > 0) {
        lagging.add(Map.entry(topic, lag));
      }
    }
    lagging.sort(
        Comparator.comparing(Map.Entry<String, Long>::getValue)
            .reversed()
            .thenComparing(Map.Entry::getKey));
    Map<String, Long> lag = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : lagging.subList(0, Math.min(MAX_LAG_TOPICS, lagging.size()))) {
      lag.put(e.getKey(), e.getValue());
    }
    return Health.up()
        .withDetail("directory", walrus.directory().toString())
        .withDetail("backend", walrus.backendInfo().toString())
        .withDetail("topics", topics)
        .withDetail("diskBytes", diskBytes)
        .withDetail("lag", lag)
        .build();
  }

  private Health down(WalrusHealth h) {
    Health.Builder b =
        Health.down()
            .withDetail("directory", walrus.directory().toString())
            .withDetail("state", h.state().name());
    h.cause().ifPresent(b::withException);
    return b.build();
  }
}
