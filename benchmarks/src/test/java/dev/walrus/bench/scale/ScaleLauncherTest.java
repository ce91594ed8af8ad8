package dev.walrus.bench.scale;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probes run in JVMs of their own, report what they measured and never hang a run. */
class ScaleLauncherTest {
  @Test
  void aNamespaceProbeReportsEveryPhase(@TempDir Path data) throws Exception {
    ScaleRun run = ScaleLauncher.run(ScaleRun.NAMESPACES, 3, "256m", Duration.ofMinutes(2), data);
    assertThat(run.failure()).isNull();
    assertThat(run.value("open.seconds")).isPositive();
    assertThat(run.value("used.descriptors")).isPositive();
    assertThat(run.values()).containsKeys("closed.threads", "closed.descriptors", "used.direct");
    assertThat(empty(data)).as("its directory is deleted").isTrue();
  }

  @Test
  void aProbePastItsDeadlineIsKilledAndReportedFailed(@TempDir Path data) throws Exception {
    ScaleRun run = ScaleLauncher.run(ScaleRun.TOPICS, 1_000, "256m", Duration.ofMillis(1), data);
    assertThat(run.finished()).isFalse();
    assertThat(run.failure()).startsWith("killed at its 0.0 s deadline in phase ");
    assertThat(empty(data)).isTrue();
  }

  @Test
  void outputLinesAreFiguresPhasesFailuresOrLog() {
    ScaleLauncher.Output out = new ScaleLauncher.Output();
    out.parse("scale.create.rate=1234.5");
    out.parse("scale.phase=reopen");
    out.parse("some log line");
    out.parse("\tat some.Frame(Frame.java:1)");
    out.parse("scale.failure=reopen: OutOfMemoryError: Java heap space");
    assertThat(out.values).containsEntry("create.rate", 1234.5).hasSize(1);
    assertThat(out.phase).isEqualTo("reopen");
    assertThat(out.failure).isEqualTo("reopen: OutOfMemoryError: Java heap space");
    assertThat(out.log).containsExactly("some log line");
  }

  private static boolean empty(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }
}
