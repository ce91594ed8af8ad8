package dev.walrus.bench.report;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The measurements of one run, looked up by case key; missing cases read as NaN. */
public final class Results {
  private final Map<String, Measurement> byKey = new LinkedHashMap<>();

  /**
   * @param all the run's measurements
   */
  public Results(Collection<Measurement> all) {
    for (Measurement m : all) {
      byKey.put(m.key(), m);
    }
  }

  /**
   * @return every measurement, in run order
   */
  public Collection<Measurement> all() {
    return byKey.values();
  }

  /**
   * @param key a case key such as {@code EngineAppendBench.append[backend=FD,fsync=NoFsync,size=100]}
   * @return its primary score, or NaN when the case did not run or failed
   */
  public double score(String key) {
    Measurement m = byKey.get(key);
    return m == null ? Double.NaN : m.score();
  }

  /**
   * @param key a latency case key
   * @return its median sample, or NaN
   */
  public double p50(String key) {
    Measurement m = byKey.get(key);
    return m == null ? Double.NaN : m.p50();
  }

  /**
   * @param key a latency case key
   * @return its 99th percentile sample, or NaN
   */
  public double p99(String key) {
    Measurement m = byKey.get(key);
    return m == null ? Double.NaN : m.p99();
  }

  /**
   * Shorthand keys used by the report.
   */
  public static final class Keys {
    private Keys() {}

    /**
     * @param backend FD or MMAP
     * @param size entry size
     * @param fsync the schedule's parameter name
     * @return the engine append case
     */
    public static String append(String backend, int size, String fsync) {
      return "EngineAppendBench.append[backend="
          + backend
          + ",fsync="
          + fsync
          + ",size="
          + size
          + "]";
    }

    /**
     * @param size entry size
     * @return the peer's append case
     */
    public static String peerAppend(int size) {
      return "PeerAppendBench.append[size=" + size + "]";
    }

    /**
     * @param method readNext or batchRead
     * @param backend FD or MMAP
     * @param consistency AtLeastOnce or StrictlyAtOnce
     * @return the read case
     */
    public static String read(String method, String backend, String consistency) {
      return "ReadBench." + method + "[backend=" + backend + ",consistency=" + consistency + "]";
    }

    /**
     * @param method inFlight1, inFlight1000 or appendAll
     * @param fsync NoFsync or SyncEach
     * @return the reactive case
     */
    public static String reactive(String method, String fsync) {
      return "ReactiveAppendBench." + method + "[fsync=" + fsync + "]";
    }

    /**
     * @param producers 1, 8 or 64
     * @param path blocking, blockingTopics or reactive
     * @return the durable producers case (acknowledged entries per second, all producers)
     */
    public static String durable(int producers, String path) {
      return "DurableProducersBench.producers" + producers + "[path=" + path + "]";
    }
  }
}
