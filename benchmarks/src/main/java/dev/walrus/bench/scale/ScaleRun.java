package dev.walrus.bench.scale;

import java.util.Map;

/**
 * What one scaling probe JVM measured: the figures it printed before it ended, and why it
 * failed if it did (an {@link OutOfMemoryError}, a wrong count, the launcher's deadline).
 *
 * @param kind {@code topics} or {@code namespaces}
 * @param count how many topics or namespaces it was asked for
 * @param maxHeap the probe JVM's {@code -Xmx}
 * @param values every {@code scale.<key>=<value>} it printed, by key (without the prefix)
 * @param failure null when it finished; otherwise the phase and what went wrong
 * @param wallSeconds how long the JVM ran, start to exit (or to the kill)
 */
public record ScaleRun(
    String kind,
    int count,
    String maxHeap,
    Map<String, Double> values,
    String failure,
    double wallSeconds) {

  /** The topics kind. */
  public static final String TOPICS = "topics";

  /** The namespaces kind. */
  public static final String NAMESPACES = "namespaces";

  /**
   * @return true when the probe finished every step
   */
  public boolean finished() {
    return failure == null;
  }

  /**
   * @param key a figure's key, e.g. {@code create.rate}
   * @return its value, or NaN when the probe did not get that far
   */
  public double value(String key) {
    Double v = values.get(key);
    return v == null ? Double.NaN : v;
  }

  /**
   * @param key a figure's key, e.g. {@code topics.heap}
   * @return its value divided by {@link #count()}, or NaN
   */
  public double each(String key) {
    return value(key) / count;
  }
}
