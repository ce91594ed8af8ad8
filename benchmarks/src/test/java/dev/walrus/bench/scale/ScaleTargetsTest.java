package dev.walrus.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.bench.report.PerformanceTargets.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verdicts, tables and chart of the scaling run, on made-up runs. */
class ScaleTargetsTest {
  private static final String OOM = "create: OutOfMemoryError: Cannot reserve 65536 bytes";

  /** A topics run that meets every target: {@code heapEach} bytes per topic and so on. */
  private static ScaleRun topics(int n, double rate, double heapEach, double tailHeapEach) {
    Map<String, Double> v = new HashMap<>();
    v.put("create.rate", rate);
    v.put("topics.heap", heapEach * n);
    v.put("reopened.heap", heapEach * n);
    v.put("topics.direct", 4.0 * 1024 * 1024);
    v.put("reopened.direct", 4.0 * 1024 * 1024);
    v.put("topics.descriptors", 8.0);
    v.put("reopen.seconds", n / 100_000.0);
    v.put("disk.allocated", 1.5 * n * 300);
    v.put("disk.payload", n * 300.0);
    v.put("tails.heap", tailHeapEach * n);
    v.put("tails.threads", 4.0);
    v.put("tails.wakeSeconds", 0.5);
    return new ScaleRun(ScaleRun.TOPICS, n, "512m", v, null, 10);
  }

  private static ScaleRun withThreadPerTail(ScaleRun r) {
    Map<String, Double> v = new HashMap<>(r.values());
    v.put("tails.threads", (double) r.count());
    return new ScaleRun(r.kind(), r.count(), r.maxHeap(), v, r.failure(), r.wallSeconds());
  }

  private static ScaleRun namespaces(int m, double threads, double directEach) {
    Map<String, Double> v = new HashMap<>();
    for (String phase : List.of("open", "used", "settled")) {
      v.put(phase + ".threads", threads);
      v.put(phase + ".direct", directEach * m);
      v.put(phase + ".descriptors", 3.0 * m);
    }
    v.put("closed.threads", 0.0);
    v.put("closed.descriptors", 1.0);
    return new ScaleRun(ScaleRun.NAMESPACES, m, "512m", v, null, 5);
  }

  private static ScaleSuite.Result good() {
    return new ScaleSuite.Result(
        List.of(
            topics(1_000, 200_000, 300, 900),
            topics(10_000, 190_000, 300, 900),
            topics(100_000, 180_000, 300, 900)),
        List.of(namespaces(10, 3, 1024), namespaces(100, 3, 1024), namespaces(1_000, 4, 1024)),
        "512m");
  }

  @Test
  void everyTargetIsMetByARunThatMeetsThem() {
    List<Target> verdicts = ScaleTargets.evaluate(good());
    assertThat(verdicts).hasSizeGreaterThanOrEqualTo(15);
    assertThat(verdicts).allSatisfy(t -> assertThat(t.met()).as(t.toString()).isTrue());
  }

  @Test
  void eachFigureOverItsBarIsNotMet() {
    ScaleSuite.Result r =
        new ScaleSuite.Result(
            List.of(
                topics(1_000, 200_000, 300, 900),
                withThreadPerTail(topics(10_000, 190_000, 300, 4096)), // idle tails too big
                topics(100_000, 120_000, 2048, 900)), // heap too big, creation not flat
            List.of(namespaces(10, 10, 1024), namespaces(1_000, 1_000, 600 * 1024)),
            "512m");
    Map<String, Target> byName = byName(ScaleTargets.evaluate(r));
    assertThat(byName.get("idle topic <= 1 KiB heap").verdict()).startsWith("NOT met");
    assertThat(byName.get("topic creation flat").verdict()).startsWith("NOT met");
    assertThat(byName.get("topic creation >= 50,000").met()).isTrue();
    assertThat(byName.get("idle ReactiveWalrus tail").verdict()).startsWith("NOT met");
    assertThat(byName.get("10,000 tails on a bounded thread pool").verdict()).startsWith("NOT met");
    assertThat(byName.get("1,000 namespaces: threads").verdict()).startsWith("NOT met");
    assertThat(byName.get("1,000 namespaces (one topic each): <= 64 KiB").verdict())
        .startsWith("NOT met");
  }

  @Test
  void aProbeThatFailedIsNotMetWithItsReason() {
    ScaleRun failed =
        new ScaleRun(
            ScaleRun.TOPICS, 100_000, "512m", Map.of("create.firstTenthRate", 5e3), OOM, 3);
    ScaleSuite.Result r =
        new ScaleSuite.Result(
            List.of(topics(1_000, 200_000, 300, 900), topics(10_000, 190_000, 300, 900), failed),
            good().namespaces(),
            "512m");
    Map<String, Target> byName = byName(ScaleTargets.evaluate(r));
    for (String name :
        List.of(
            "idle topic <= 1 KiB heap",
            "100,000 topics created",
            "topic creation >= 50,000",
            "reopen 100,000 topics",
            "disk: 100,000")) {
      assertThat(byName.get(name).verdict()).as(name).startsWith("NOT met").contains(OOM);
    }
    assertThat(byName.get("idle ReactiveWalrus tail").met()).isTrue();
  }

  @Test
  void aNamespaceRunThatFailedAfterOpeningIsJudgedOnWhatItOpened() {
    Map<String, Double> opened =
        Map.of("open.threads", 1_000.0, "open.direct", 1024.0 * 1000, "open.descriptors", 3000.0);
    ScaleRun failed = new ScaleRun(ScaleRun.NAMESPACES, 1_000, "512m", opened, "append: OOM", 9);
    ScaleSuite.Result g = good();
    ScaleSuite.Result r =
        new ScaleSuite.Result(
            g.topics(), List.of(g.namespaces().get(0), g.namespaces().get(1), failed), "512m");
    Map<String, Target> byName = byName(ScaleTargets.evaluate(r));
    assertThat(byName.get("1,000 namespaces: threads").verdict())
        .startsWith("NOT met")
        .contains("over the bar");
    assertThat(byName.get("1,000 namespaces (one topic each): <= 64 KiB").verdict())
        .isEqualTo("NOT met: 1,000 namespaces failed (append: OOM)");
  }

  @Test
  void the512MiBTargetIsNotJudgedUnderAnotherHeap() {
    ScaleSuite.Result g = good();
    ScaleSuite.Result r = new ScaleSuite.Result(g.topics(), g.namespaces(), "2g");
    assertThat(byName(ScaleTargets.evaluate(r)).get("100,000 topics created").verdict())
        .startsWith("not judged");
  }

  @Test
  void tablesAndChartAreDrawnForFinishedAndFailedRuns(@TempDir Path dir) throws Exception {
    ScaleRun failed = new ScaleRun(ScaleRun.TOPICS, 100_000, "512m", Map.of(), OOM, 3);
    ScaleSuite.Result g = good();
    ScaleSuite.Result r =
        new ScaleSuite.Result(
            List.of(g.topics().get(0), g.topics().get(1), failed), g.namespaces(), "512m");
    String md = ScaleReport.markdown(r);
    assertThat(md).contains("| 1,000 |").contains("FAILED: " + OOM).contains("ok (10 s)");
    assertThat(ScaleReport.text(r)).contains("100,000").contains("n/a");
    Path png = dir.resolve("scale.png");
    ScaleChart.write(r, "test", png);
    assertThat(Files.readAllBytes(png)).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
  }

  private static Map<String, Target> byName(List<Target> targets) {
    return new HashMap<>() {
      @Override
      public Target get(Object prefix) {
        for (Target t : targets) {
          if (t.target().startsWith((String) prefix)) {
            return t;
          }
        }
        throw new AssertionError("no target starting " + prefix + " in " + targets);
      }
    };
  }
}
