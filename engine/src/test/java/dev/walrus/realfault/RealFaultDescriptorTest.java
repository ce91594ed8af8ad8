package dev.walrus.realfault;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real descriptor limit (issue 13 item 9): a child JVM under {@code ulimit -n 256}
 * creates a namespace of {@value #FILES} data files (one block each, nothing consumed, so
 * all are retained), closes it, reopens it and reads every entry back; a second child
 * under the same limit reopens it and reads everything again. Required: descriptor use is
 * bounded independently of the number of data files, on every backend.
 */
class RealFaultDescriptorTest {
  private static final int LIMIT = 256;
  private static final int FILES = 600;

  @TempDir Path dir;
  @TempDir Path logs;

  @BeforeEach
  void machine() {
    RealFaultMachine.assumeLinux();
  }

  @ParameterizedTest
  @EnumSource(RealBackend.class)
  void manyMoreDataFilesThanDescriptorsOpenAndReopen(RealBackend backend) throws Exception {
    Path ns = dir.resolve("ns");
    for (String phase : List.of("created", "reopened")) {
      String where =
          "ulimit -n "
              + LIMIT
              + ", "
              + FILES
              + " data files, "
              + backend.description
              + ", "
              + phase;
      try (ChildRun c =
          ChildRun.start(
              backend,
              List.of("files", ns.toString(), Integer.toString(FILES)),
              LIMIT,
              logs,
              "files-" + phase)) {
        c.killAfterSeconds(120);
        String last = null;
        String line;
        while ((line = c.readLine()) != null) {
          last = line;
        }
        int exit = c.drainAndWait();
        assertThat(last)
            .as("%s: the child's last line (exit %d); stderr:%n%s", where, exit, c.stderr())
            .isEqualTo("OK " + FILES + " " + phase);
      }
      System.out.printf("RealFaultDescriptorTest %s: OK%n", where);
    }
  }
}
