package dev.walrus.bench.scale;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The scaling run of issue 20: {@link TopicScaleProbe} at 1,000, 10,000 and 100,000 topics
 * and {@link NamespaceScaleProbe} at 10, 100 and 1,000 namespaces, each in a fresh JVM under
 * the same heap cap (default {@value #MAX_HEAP}, the JVM's default direct-memory limit, so
 * also {@value #MAX_HEAP} of direct memory), each with a deadline. The same in every profile:
 * a finished run takes one to three minutes; a probe that fails (out of memory, say) ends at
 * once and one that stalls is killed at its deadline, so the whole run is bounded (about
 * 13 minutes if every probe stalled).
 */
public final class ScaleSuite {
  /** The topic counts measured. */
  public static final List<Integer> TOPIC_COUNTS = List.of(1_000, 10_000, 100_000);

  /** The namespace counts measured. */
  public static final List<Integer> NAMESPACE_COUNTS = List.of(10, 100, 1_000);

  /** Every probe JVM's {@code -Xmx} unless told otherwise: the 512 MiB. */
  public static final String MAX_HEAP = "512m";

  /**
   * Every probe of one run.
   *
   * @param topics one per topic count, in order
   * @param namespaces one per namespace count, in order
   * @param maxHeap the probes' {@code -Xmx}
   */
  public record Result(List<ScaleRun> topics, List<ScaleRun> namespaces, String maxHeap) {
    /**
     * @param count a topic count
     * @return its run; one that failed as "not run" if that count was not measured
     */
    public ScaleRun topics(int count) {
      return find(topics, ScaleRun.TOPICS, count);
    }

    /**
     * @param count a namespace count
     * @return its run; one that failed as "not run" if that count was not measured
     */
    public ScaleRun namespaces(int count) {
      return find(namespaces, ScaleRun.NAMESPACES, count);
    }

    private ScaleRun find(List<ScaleRun> runs, String kind, int count) {
      for (ScaleRun r : runs) {
        if (r.count() == count) {
          return r;
        }
      }
      return new ScaleRun(kind, count, maxHeap, Map.of(), "not run", 0);
    }
  }

  private ScaleSuite() {}

  /**
   * @param dataRoot where the probes' directories go (each deleted after its probe)
   * @param maxHeap the probes' {@code -Xmx}, e.g. {@value #MAX_HEAP}
   * @return every probe's figures and failures
   * @throws IOException if a probe JVM cannot be started
   * @throws InterruptedException if interrupted (the running probe is killed)
   */
  public static Result run(Path dataRoot, String maxHeap) throws IOException, InterruptedException {
    List<ScaleRun> topics = new ArrayList<>();
    for (int n : TOPIC_COUNTS) {
      System.out.printf("scaling run: %,d topics (-Xmx%s)%n", n, maxHeap);
      topics.add(
          ScaleLauncher.run(ScaleRun.TOPICS, n, maxHeap, deadline(ScaleRun.TOPICS, n), dataRoot));
    }
    List<ScaleRun> namespaces = new ArrayList<>();
    for (int m : NAMESPACE_COUNTS) {
      System.out.printf("scaling run: %,d namespaces (-Xmx%s)%n", m, maxHeap);
      namespaces.add(
          ScaleLauncher.run(
              ScaleRun.NAMESPACES, m, maxHeap, deadline(ScaleRun.NAMESPACES, m), dataRoot));
    }
    return new Result(topics, namespaces, maxHeap);
  }

  /**
   * How long a probe may take: a minute for JVM start, warm-up and fixed costs, plus 2 ms per
   * topic (all its steps; the targets need about 0.1 ms) or 120 ms per namespace.
   *
   * @param kind {@link ScaleRun#TOPICS} or {@link ScaleRun#NAMESPACES}
   * @param count how many
   * @return its deadline
   */
  static Duration deadline(String kind, int count) {
    long perItem = kind.equals(ScaleRun.TOPICS) ? 2 : 120;
    return Duration.ofSeconds(60).plusMillis(perItem * count);
  }
}
