package dev.walrus.micrometer;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cardinality guard of {@code walrus.consumer.lag}: at most {@code max} (topic,
 * consumer) series, the first ones seen (in name order within one refresh) keeping their
 * place while they exist, every further pair summed into one series tagged {@link
 * WalrusMeterBinder#OTHER} for both topic and consumer. Logs once, the first time it
 * aggregates. Not thread-safe: the binder calls it under its refresh lock.
 */
final class LagGuard {
  private static final Logger LOG = LoggerFactory.getLogger(LagGuard.class);

  /** One series: its tag values and its lag. */
  record Row(String topic, String consumer, long lag) {}

  /** A (topic, consumer) pair, ordered by topic then consumer. */
  record Key(String topic, String consumer) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = topic.compareTo(o.topic);
      return c != 0 ? c : consumer.compareTo(o.consumer);
    }
  }

  private final int max;
  private final Set<Key> admitted = new LinkedHashSet<>();
  private boolean warned;

  LagGuard(int max) {
    this.max = max;
  }

  /**
   * @param lags every pair's current lag
   * @return the series to publish: the admitted pairs, then the aggregate if any pair was
   *     left out
   */
  List<Row> select(Map<Key, Long> lags) {
    Map<Key, Long> sorted = new TreeMap<>(lags);
    for (Iterator<Key> it = admitted.iterator(); it.hasNext(); ) {
      if (!sorted.containsKey(it.next())) {
        it.remove(); // the consumer or topic is gone: its place is free
      }
    }
    List<Row> rows = new ArrayList<>();
    long other = 0;
    int left = 0;
    for (Map.Entry<Key, Long> e : sorted.entrySet()) {
      Key k = e.getKey();
      if (admitted.contains(k) || (admitted.size() < max && admitted.add(k))) {
        rows.add(new Row(k.topic(), k.consumer(), e.getValue()));
      } else {
        other += e.getValue();
        left++;
      }
    }
    if (left > 0) {
      rows.add(new Row(WalrusMeterBinder.OTHER, WalrusMeterBinder.OTHER, other));
      if (!warned) {
        warned = true;
        LOG.warn(
            "walrus.consumer.lag: more than {} topic x consumer series; {} more (and any"
                + " later ones) are summed into topic={}, consumer={} (this is logged once)",
            max,
            left,
            WalrusMeterBinder.OTHER,
            WalrusMeterBinder.OTHER);
      }
    }
    return rows;
  }
}
