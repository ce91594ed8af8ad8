package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.testkit.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 9, as it was reported: under {@code ulimit -n 200} a child JVM writes 300
 * data files, syncs, closes, reopens the namespace and reads every entry (before the
 * descriptor cache, the FD backend failed with EMFILE after ~100 files and the namespace
 * could not be reopened under that limit). On the suite's backend.
 */
@EnabledOnOs(OS.LINUX)
class DescriptorLimitTest {
  @TempDir Path dir;

  @Test
  void threeHundredDataFilesUnderUlimit200() throws Exception {
    Path out = dir.resolve("child.out");
    ChildJvm child =
        ChildJvm.builder(DescriptorLimitChild.class)
            .inheritProperties("walrus.backend", "walrus.io_uring")
            .args(dir.resolve("ns").toString(), "300")
            .underShell("ulimit -n 200")
            .stdoutTo(out)
            .start();
    assertThat(child.awaitExit(120)).as("child finished").isTrue();
    String log = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(child.exitValue()).as(log).isZero();
    assertThat(log).contains("OK 300");
  }
}
