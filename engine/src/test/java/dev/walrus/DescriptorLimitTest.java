package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-Xmx128m"));
    for (String p : new String[] {"walrus.backend", "walrus.io_uring"}) {
      if (System.getProperty(p) != null) {
        cmd.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        DescriptorLimitChild.class.getName(), dir.resolve("ns").toString(), "300"));
    StringBuilder shell = new StringBuilder("ulimit -n 200 && exec");
    for (String c : cmd) {
      shell.append(" '").append(c.replace("'", "'\\''")).append('\'');
    }
    Path out = dir.resolve("child.out");
    Process p = new ProcessBuilder("bash", "-c", shell.toString()).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
    String log = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(log).isZero();
    assertThat(log).contains("OK 300");
  }
}
