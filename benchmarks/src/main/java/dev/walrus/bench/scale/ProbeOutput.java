package dev.walrus.bench.scale;

import dev.walrus.bench.scale.Gauges.Snapshot;

/**
 * How a scaling probe tells its launcher what it measured: one {@code scale.<key>=<value>}
 * line per figure on standard output, flushed at once, so what was measured before a failure
 * (an {@link OutOfMemoryError}, the launcher's deadline) still reaches the report. A failure
 * is the line {@code scale.failure=<phase>: <what>}; {@code scale.phase=<phase>} marks the
 * start of each phase.
 */
final class ProbeOutput {
  /** The prefix of every line the launcher reads. */
  static final String PREFIX = "scale.";

  /** The key of the failure line. */
  static final String FAILURE = "failure";

  /** The key of the line naming the phase the probe has begun. */
  static final String PHASE = "phase";

  private ProbeOutput() {}

  /**
   * @param key the figure's name
   * @param value its value
   */
  static void put(String key, double value) {
    System.out.println(PREFIX + key + "=" + value);
    System.out.flush();
  }

  /**
   * Says which phase the probe has begun (so a probe killed at its deadline is reported in
   * the phase it was in).
   *
   * @param phase the phase
   */
  static void phase(String phase) {
    System.out.println(PREFIX + PHASE + "=" + phase);
    System.out.flush();
  }

  /**
   * Reports a snapshot's growth over a baseline: {@code <prefix>.heap}, {@code .direct},
   * {@code .mapped}, {@code .threads} and {@code .descriptors}, each the difference.
   *
   * @param prefix the figures' common name
   * @param now the snapshot
   * @param base the baseline
   */
  static void putGrowth(String prefix, Snapshot now, Snapshot base) {
    put(prefix + ".heap", now.heap() - base.heap());
    put(prefix + ".direct", now.direct() - base.direct());
    put(prefix + ".mapped", now.mapped() - base.mapped());
    put(prefix + ".threads", now.threads() - base.threads());
    put(prefix + ".descriptors", now.descriptors() - base.descriptors());
  }

  /**
   * Reports a failure (the caller then exits with status 1).
   *
   * @param phase what the probe was doing
   * @param t what went wrong
   */
  static void fail(String phase, Throwable t) {
    String what =
        (t.getClass().getSimpleName() + ": " + t.getMessage())
            .replace('\n', ' ')
            .replaceAll(" \\(allocated: \\d+, limit: \\d+\\)", ""); // the limit is -Xmx
    System.out.println(PREFIX + FAILURE + "=" + phase + ": " + what);
    System.out.flush();
    t.printStackTrace();
  }
}
