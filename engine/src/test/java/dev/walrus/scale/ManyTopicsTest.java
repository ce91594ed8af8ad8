package dev.walrus.scale;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.testkit.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20: 100,000 topics of three 100-byte entries each are created, closed and reopened
 * under {@code -Xmx512m} and the JVM's default direct-memory limit (which is the heap
 * limit), in a child JVM so the limits are real. Before buffers were pooled,
 * every topic held about 580 KiB of direct buffers and this ran out of direct memory after
 * under a thousand topics. Not timed (a few seconds; the deadline below only keeps a hung
 * child from hanging the suite). Runs on every backend: with blocks sized to small topics
 * (512 B first blocks) the mmap backend's zero-filled blocks cost what the topics use.
 */
class ManyTopicsTest {
  @TempDir Path dir;

  @Test
  void hundredThousandTopicsCreateCloseAndReopenWithinASmallHeap() throws Exception {
    Path out = dir.resolve("child.out");
    Path err = dir.resolve("child.err");
    int n = 100_000;
    ChildJvm child =
        ChildJvm.builder(ManyTopicsChild.class)
            .heap("512m")
            .jvmArgs(List.of("-XX:+ExitOnOutOfMemoryError"))
            .inheritProperties("walrus.backend", "walrus.io_uring")
            .args(dir.resolve("ns").toString(), Integer.toString(n))
            .stdoutTo(out)
            .stderrTo(err)
            .killAfterSeconds(600) // a hung child fails the test, never the suite's clock
            .start();
    assertThat(child.awaitExit(1_520)).as("child finished").isTrue();
    String log =
        Files.readString(out, StandardCharsets.UTF_8)
            + Files.readString(err, StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(log).isZero();
    assertThat(log).contains("OK " + n);
  }
}
