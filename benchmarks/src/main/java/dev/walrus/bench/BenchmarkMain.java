package dev.walrus.bench;

import dev.walrus.bench.jmh.BenchDirs;
import dev.walrus.bench.memory.ProbeLauncher;
import dev.walrus.bench.peer.ChroniclePeer;
import dev.walrus.bench.report.ChartWriter;
import dev.walrus.bench.report.ComparisonTable;
import dev.walrus.bench.report.MachineInfo;
import dev.walrus.bench.report.Measurement;
import dev.walrus.bench.report.MemoryResult;
import dev.walrus.bench.report.PerformanceTargets;
import dev.walrus.bench.report.ReportWriter;
import dev.walrus.bench.report.Results;
import dev.walrus.bench.scale.ScaleChart;
import dev.walrus.bench.scale.ScaleReport;
import dev.walrus.bench.scale.ScaleSuite;
import dev.walrus.bench.scale.ScaleTargets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The one command behind {@code benchmarks/run.sh}: runs every JMH case (ours and the
 * Chronicle Queue peer in the same run), the memory and disk probe for both, the scaling run
 * ({@link ScaleSuite}: many topics, many namespaces), then prints the pair-by-pair table, the
 * scaling tables and the performance-target verdicts and writes {@code results.md},
 * {@code results.csv}, JMH's {@code jmh-<n>.json} (one per family), {@code benchmarks.png}
 * and {@code scale.png} to {@code <out>/<profile>/} (default {@code benchmarks/results/short}).
 *
 * <p>Arguments: {@code [--long] [--out DIR] [--data DIR] [--include REGEX] [--no-memory]
 * [--no-scale] [--scale-heap SIZE]}. With {@code --include}, the scaling run runs only if the
 * pattern matches {@value #SCALE_CASE} (so {@code --include ScaleBench --no-memory} runs
 * nothing else); {@code --scale-heap} sets its probes' {@code -Xmx} (default
 * {@value ScaleSuite#MAX_HEAP}; the 512 MiB target is only judged at the default).
 */
public final class BenchmarkMain {
  /**
   * The cases, family by family: each family's cases and their peer run back to back (a
   * JMH run per family), so a pair is measured minutes apart at most, not a whole run apart.
   */
  static final List<String> FAMILIES =
      List.of(
          "EngineAppendBench|PeerAppendBench|PwriteCeilingBench",
          "BatchAppendBench|PeerBatchAppendBench",
          "ReadBench|PeerReadBench|ChecksumBench",
          "TailLatencyBench|PeerTailLatencyBench",
          "ReactiveAppendBench|VertxBusBench",
          "DurableProducersBench");

  /** The name {@code --include} patterns are matched against to select the scaling run. */
  static final String SCALE_CASE = "ScaleBench";

  private BenchmarkMain() {}

  /**
   * @param args see the class comment
   * @throws Exception if the run fails
   */
  public static void main(String[] args) throws Exception {
    System.setProperty("java.awt.headless", "true");
    Profile profile = Profile.SHORT;
    Path out = Path.of("benchmarks", "results");
    Path data = Path.of(System.getProperty("java.io.tmpdir"), "walrus-bench");
    String include = null;
    boolean memory = true;
    boolean scale = true;
    String scaleHeap = ScaleSuite.MAX_HEAP;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--long" -> profile = Profile.LONG;
        case "--out" -> out = Path.of(args[++i]);
        case "--data" -> data = Path.of(args[++i]);
        case "--include" -> include = args[++i];
        case "--no-memory" -> memory = false;
        case "--no-scale" -> scale = false;
        case "--scale-heap" -> scaleHeap = args[++i];
        default ->
            throw new IllegalArgumentException(
                "unknown argument "
                    + args[i]
                    + "; use [--long] [--out DIR] [--data DIR] [--include REGEX] [--no-memory]"
                    + " [--no-scale] [--scale-heap SIZE]");
      }
    }
    out = out.resolve(profile.name());
    Files.createDirectories(out);
    Files.createDirectories(data);
    Map<String, String> machine = MachineInfo.describe(data);
    long start = System.nanoTime();

    List<String> jvm = new ArrayList<>(ChroniclePeer.JVM_ARGS);
    jvm.add("-Xmx1g");
    jvm.add("-Dwalrus.bench.dir=" + data.toAbsolutePath());
    jvm.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    List<RunResult> runs = new ArrayList<>();
    List<String> families = include == null ? FAMILIES : List.of(include);
    for (int i = 0; i < families.size(); i++) {
      String family = families.get(i);
      ChainedOptionsBuilder opts =
          new OptionsBuilder()
              .include(include == null ? "\\.jmh\\.(" + family + ")\\." : family)
              .forks(profile.forks())
              .warmupIterations(profile.warmupIterations())
              .warmupTime(TimeValue.milliseconds(profile.warmupTime().toMillis()))
              .measurementIterations(profile.iterations())
              .measurementTime(TimeValue.milliseconds(profile.iterationTime().toMillis()))
              .jvmArgsAppend(jvm.toArray(String[]::new))
              .shouldFailOnError(false)
              .resultFormat(ResultFormatType.JSON)
              .result(out.resolve("jmh-" + (i + 1) + ".json").toString());
      try {
        runs.addAll(new Runner(opts.build()).run());
      } catch (NoBenchmarksException e) {
        System.out.println("no JMH case matches " + family);
      }
    }
    Results results = new Results(toMeasurements(runs));

    List<MemoryResult> mem = new ArrayList<>();
    if (memory) {
      System.out.println("\nmemory and disk probe: " + profile.memoryEntries() + " entries each");
      mem.add(ProbeLauncher.run("walrus", profile, data.toAbsolutePath()));
      mem.add(ProbeLauncher.run("chronicle", profile, data.toAbsolutePath()));
    }
    ScaleSuite.Result scaled = null;
    if (scale && (include == null || Pattern.compile(include).matcher(SCALE_CASE).find())) {
      String before = MachineInfo.loadAverage();
      long t0 = System.nanoTime();
      System.out.println("\nscaling run: many topics, many namespaces (issue 20)");
      scaled = ScaleSuite.run(data.toAbsolutePath(), scaleHeap);
      machine.put(
          "scaling run",
          String.format(
              "%.0f s, load average %s at start, %s at end",
              (System.nanoTime() - t0) / 1e9, before, MachineInfo.loadAverage()));
      System.out.println();
      System.out.print(ScaleReport.text(scaled));
    }
    machine.put(
        "load average",
        machine.get("load average") + " at start, " + MachineInfo.loadAverage() + " at end");
    machine.put(
        "run time",
        String.format(
            "%.0f s (benchmarks and probes, not the build)", (System.nanoTime() - start) / 1e9));

    List<ComparisonTable.Row> rows = ComparisonTable.build(results, mem);
    List<PerformanceTargets.Target> targets =
        new ArrayList<>(PerformanceTargets.evaluate(results, mem));
    Files.deleteIfExists(out.resolve("scale.png")); // never leave an earlier run's chart
    String scaleTables = "";
    if (scaled != null) {
      targets.addAll(ScaleTargets.evaluate(scaled));
      scaleTables = "\n### Scaling run\n\n" + ScaleReport.markdown(scaled);
      ScaleChart.write(
          scaled,
          String.format(
              "Walrus scaling run (%s profile, -Xmx%s per probe JVM): %s cores, %s, %s; %s",
              profile.name(),
              scaled.maxHeap(),
              machine.get("cores"),
              machine.get("cpu"),
              machine.get("java"),
              machine.get("scaling run")),
          out.resolve("scale.png"));
    }
    System.out.println();
    System.out.print(ReportWriter.text(rows, targets, machine));
    Files.writeString(
        out.resolve("results.md"),
        ReportWriter.markdown(rows, targets, machine, profile.name()) + scaleTables);
    ReportWriter.csv(results, out.resolve("results.csv"));
    ChartWriter.write(rows, machine, profile.name(), out.resolve("benchmarks.png"));
    System.out.println(
        "\nwrote "
            + out.resolve("results.md")
            + ", results.csv, jmh-*.json, "
            + "benchmarks.png and scale.png in "
            + out);
    BenchDirs.delete(data);
  }

  private static List<Measurement> toMeasurements(Collection<RunResult> runs) {
    List<Measurement> list = new ArrayList<>();
    for (RunResult run : runs) {
      String bench = run.getParams().getBenchmark();
      String[] parts = bench.split("\\.");
      StringBuilder key =
          new StringBuilder(parts[parts.length - 2] + "." + parts[parts.length - 1]);
      Map<String, String> params = new TreeMap<>();
      for (String p : run.getParams().getParamsKeys()) {
        params.put(p, run.getParams().getParam(p));
      }
      if (!params.isEmpty()) {
        key.append('[');
        params.forEach((k, v) -> key.append(k).append('=').append(v).append(','));
        key.setCharAt(key.length() - 1, ']');
      }
      Result<?> r = run.getPrimaryResult();
      boolean sampled = r.getScoreUnit().contains("/op");
      list.add(
          new Measurement(
              key.toString(),
              r.getScore(),
              r.getScoreError(),
              r.getScoreUnit(),
              sampled ? r.getStatistics().getPercentile(50) : Double.NaN,
              sampled ? r.getStatistics().getPercentile(99) : Double.NaN));
    }
    return list;
  }
}
