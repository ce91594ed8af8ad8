package dev.walrus.scale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * limit), in a child JVM so the limits are real. Before buffers were pooled per instance,
 * every topic held about 580 KiB of direct buffers and this ran out of direct memory after
 * under a thousand topics. Not timed (it takes minutes today: see the deadline below).
 *
 * <p>Runs in the default execution only (FD backend, positional I/O): what a topic costs in
 * memory does not depend on the backend's I/O path, and on the mmap backend every topic's
 * first block (10 MiB by default) is preallocated with zeros, about a terabyte for 100,000
 * topics, until blocks are sized to small topics (issue 20, item 4).
 */
class ManyTopicsTest {
  @TempDir Path dir;

  @Test
  void hundredThousandTopicsCreateCloseAndReopenWithinASmallHeap() throws Exception {
    assumeTrue(
        "fd".equals(System.getProperty("walrus.backend"))
            && "false".equals(System.getProperty("walrus.io_uring")),
        "runs in the default execution only (FD backend, positional I/O)");
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
            // Creating the topics takes seconds; closing (forcing every data file) and
            // reopening (scanning and sealing each topic's unsealed block) take minutes
            // until blocks are sized to small topics and recovery scales (issue 20, 3-4).
            .killAfterSeconds(1_500)
            .start();
    assertThat(child.awaitExit(1_520)).as("child finished").isTrue();
    String log =
        Files.readString(out, StandardCharsets.UTF_8)
            + Files.readString(err, StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(log).isZero();
    assertThat(log).contains("OK " + n);
  }
}
