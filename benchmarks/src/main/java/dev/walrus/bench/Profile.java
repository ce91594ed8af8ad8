package dev.walrus.bench;

import java.time.Duration;

/**
 * How long the benchmarks run. {@link #SHORT} fits in about five minutes on two cores
 * (one fork, a 2 s warm-up and two measured 0.5 s iterations per case, a 2 M-entry memory probe);
 * {@link #LONG} is for publishable numbers (two forks, longer warm-up and measurement,
 * the 10 M-entry memory probe).
 *
 * @param name the profile's name
 * @param forks JMH forks per case
 * @param warmupIterations warm-up iterations per fork
 * @param warmupTime length of each warm-up iteration
 * @param iterations measured iterations per fork
 * @param iterationTime length of each measured iteration
 * @param memoryEntries entries the memory probe writes and reads
 * @param memoryMilestone the smaller log size the probe also measures the heap at
 */
public record Profile(
    String name,
    int forks,
    int warmupIterations,
    Duration warmupTime,
    int iterations,
    Duration iterationTime,
    long memoryEntries,
    long memoryMilestone) {

  /** About five minutes on two cores, build included. */
  public static final Profile SHORT =
      new Profile(
          "short", 1, 1, Duration.ofMillis(2000), 2, Duration.ofMillis(500), 2_000_000, 200_000);

  /** For publishable numbers: about 25 minutes on two cores. */
  public static final Profile LONG =
      new Profile(
          "long", 2, 3, Duration.ofSeconds(2), 5, Duration.ofSeconds(2), 10_000_000, 1_000_000);
}
