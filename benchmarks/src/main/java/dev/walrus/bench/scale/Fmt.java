package dev.walrus.bench.scale;

import dev.walrus.bench.report.PerformanceTargets;

/** Short human forms of the scaling run's figures; NaN (not measured) reads {@code n/a}. */
final class Fmt {
  private Fmt() {}

  /**
   * @param b a byte count (may be negative: a growth that shrank)
   * @return e.g. {@code 812 B}, {@code 2.3 KiB}, {@code 566.0 MiB}
   */
  static String bytes(double b) {
    if (Double.isNaN(b)) {
      return "n/a";
    }
    double a = Math.abs(b);
    if (a < 1024) {
      return String.format("%.0f B", b);
    }
    if (a < 1024 * 1024) {
      return String.format("%.1f KiB", b / 1024);
    }
    if (a < 1024L * 1024 * 1024) {
      return String.format("%.1f MiB", b / (1024 * 1024));
    }
    return String.format("%.1f GiB", b / (1024.0 * 1024 * 1024));
  }

  /**
   * @param v a rate per second
   * @return e.g. {@code 1.23 M/s}, {@code 456 k/s}, {@code 1,024/s}
   */
  static String rate(double v) {
    return PerformanceTargets.rate(v);
  }

  /**
   * @param s seconds
   * @return e.g. {@code 0.034 s}, {@code 2.58 s}
   */
  static String seconds(double s) {
    if (Double.isNaN(s)) {
      return "n/a";
    }
    return s < 1 ? String.format("%.3f s", s) : String.format("%.2f s", s);
  }

  /**
   * @param v a count or ratio
   * @param pattern its format, e.g. {@code %.1f}
   * @return it formatted, or {@code n/a}
   */
  static String num(double v, String pattern) {
    return Double.isNaN(v) ? "n/a" : String.format(pattern, v);
  }
}
