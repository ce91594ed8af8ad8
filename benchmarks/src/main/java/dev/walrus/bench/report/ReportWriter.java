package dev.walrus.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Renders the run: the comparison and performance-target tables as plain text for the console and
 * as Markdown (with the machine) for {@code docs/BENCHMARKS.md}, and every raw case as CSV.
 */
public final class ReportWriter {
  private ReportWriter() {}

  /**
   * @param rows the comparison table
   * @param targets the performance-target verdicts
   * @param machine the machine description
   * @return the console text
   */
  public static String text(
      List<ComparisonTable.Row> rows,
      List<PerformanceTargets.Target> targets,
      Map<String, String> machine) {
    StringBuilder b = new StringBuilder();
    machine.forEach((k, v) -> b.append(String.format("%-13s %s%n", k + ":", v)));
    String line = "-".repeat(132) + "\n";
    b.append(line)
        .append(
            String.format(
                "%-44s %14s %14s %8s  %s%n",
                "workload (one run)", "ours", "Chronicle", "ours/peer", "note"));
    b.append(line);
    for (ComparisonTable.Row r : rows) {
      b.append(
          String.format(
              "%-44s %14s %14s %8s  %s%n",
              r.label(),
              fmt(r.ours(), r.unit()),
              r.paired() ? fmt(r.peer(), r.unit()) : "-",
              r.paired() ? ratio(r) : "-",
              r.note()));
    }
    b.append(line)
        .append(String.format("%-78s %-28s %s%n", "performance target", "measured", "verdict"));
    b.append(line);
    for (PerformanceTargets.Target t : targets) {
      b.append(String.format("%-78s %-28s %s%n", t.target(), t.measured(), t.verdict()));
    }
    return b.toString();
  }

  /**
   * @param rows the comparison table
   * @param targets the performance-target verdicts
   * @param machine the machine description
   * @param profile the profile's name
   * @return Markdown for the docs
   */
  public static String markdown(
      List<ComparisonTable.Row> rows,
      List<PerformanceTargets.Target> targets,
      Map<String, String> machine,
      String profile) {
    StringBuilder b = new StringBuilder();
    b.append("Profile: `").append(profile).append("`\n\n| machine | |\n|---|---|\n");
    machine.forEach((k, v) -> b.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    b.append("\n| workload | unit | Walrus | Chronicle Queue | ours / peer | note |\n")
        .append("|---|---|---:|---:|---:|---|\n");
    for (ComparisonTable.Row r : rows) {
      b.append("| ")
          .append(r.label())
          .append(" | ")
          .append(unit(r))
          .append(" | ")
          .append(fmt(r.ours(), r.unit()))
          .append(" | ")
          .append(r.paired() ? fmt(r.peer(), r.unit()) : "—")
          .append(" | ")
          .append(r.paired() ? ratio(r) : "—")
          .append(" | ")
          .append(r.note())
          .append(" |\n");
    }
    b.append("\n| performance target | measured | verdict |\n|---|---|---|\n");
    for (PerformanceTargets.Target t : targets) {
      b.append("| ")
          .append(t.target())
          .append(" | ")
          .append(t.measured())
          .append(" | ")
          .append(t.met() ? "" : "**")
          .append(t.verdict())
          .append(t.met() ? "" : "**")
          .append(" |\n");
    }
    return b.toString();
  }

  /**
   * Writes every measured case as CSV.
   *
   * @param results the run
   * @param csv the file
   * @throws IOException if it cannot be written
   */
  public static void csv(Results results, Path csv) throws IOException {
    StringBuilder b = new StringBuilder("case,score,error,unit,p50,p99\n");
    for (Measurement m : results.all()) {
      b.append('"')
          .append(m.key())
          .append("\",")
          .append(m.score())
          .append(',')
          .append(m.error())
          .append(',')
          .append(m.unit())
          .append(',')
          .append(m.p50())
          .append(',')
          .append(m.p99())
          .append('\n');
    }
    Files.writeString(csv, b);
  }

  private static String unit(ComparisonTable.Row r) {
    return r.lowerIsBetter() ? r.unit() + " (lower is better)" : r.unit();
  }

  private static String ratio(ComparisonTable.Row r) {
    return Double.isNaN(r.ratio()) ? "n/a" : String.format("%.2f", r.ratio());
  }

  private static String fmt(double v, String unit) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return unit.equals("ops/s") ? String.format("%,.0f", v) : String.format("%,.1f", v);
  }
}
