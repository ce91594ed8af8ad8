package dev.walrus.realfault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this machine can inject real faults (mount a tmpfs, loop-mount an ext4 image,
 * shut it down with {@code EXT4_IOC_SHUTDOWN}), and the shell commands the real-fault tests
 * run.
 *
 * <p>{@code WALRUS_REAL_FAULTS=required} (exported by {@code .ci/run}) makes an unable
 * machine a test failure; anywhere else the tests are skipped with one line saying why.
 * The suite covers every backend itself, so it runs in the default surefire execution
 * only (the {@code fd-io_uring} and {@code mmap} executions skip it).
 */
final class RealFaultMachine {
  static final boolean REQUIRED = "required".equals(System.getenv("WALRUS_REAL_FAULTS"));
  private static final String[] TOOLS = {"mount", "umount", "losetup", "mkfs.ext4", "xfs_io"};
  private static String whyNoMount; // null: not probed yet; "": able

  private RealFaultMachine() {}

  /** Skips (or, when required, fails) unless this execution should and can mount and shut down file systems. */
  static void assumeMounting() {
    assumeDefaultExecution();
    String reason = mountReason();
    decide(reason);
  }

  /** Skips (or, when required, fails) unless this is Linux with {@code sh} and {@code ulimit}. */
  static void assumeLinux() {
    assumeDefaultExecution();
    decide(
        System.getProperty("os.name").startsWith("Linux") && Files.isExecutable(Path.of("/bin/sh"))
            ? ""
            : "real faults need Linux and /bin/sh (os.name " + System.getProperty("os.name") + ")");
  }

  private static void assumeDefaultExecution() {
    boolean other =
        "required".equalsIgnoreCase(System.getProperty("walrus.io_uring"))
            || "mmap".equalsIgnoreCase(System.getProperty("walrus.backend"));
    Assumptions.assumeFalse(
        other,
        "the real-fault suite covers every backend itself: it runs in"
            + " the default surefire execution only");
  }

  private static void decide(String reason) {
    if (reason.isEmpty()) {
      return;
    }
    if (REQUIRED) {
      throw new AssertionError("WALRUS_REAL_FAULTS=required but " + reason);
    }
    Assumptions.assumeTrue(
        false,
        "real-fault suite skipped: "
            + reason
            + " (WALRUS_REAL_FAULTS=required makes this a failure)");
  }

  private static synchronized String mountReason() {
    if (whyNoMount != null) {
      return whyNoMount;
    }
    whyNoMount = probe();
    return whyNoMount;
  }

  private static String probe() {
    if (!System.getProperty("os.name").startsWith("Linux")) {
      return "not Linux (os.name " + System.getProperty("os.name") + ")";
    }
    try {
      String uid = run(10, "id", "-u").trim();
      if (!uid.equals("0")) {
        return "not root (uid " + uid + "): mount, losetup and xfs_io need root";
      }
      for (String t : TOOLS) {
        if (run(10, "sh", "-c", "command -v " + t + " || true").isBlank()) {
          return t + " is not installed (Debian: util-linux, mount, e2fsprogs, xfsprogs)";
        }
      }
      try (Mount m = Mount.tmpfs(1)) {
        Files.writeString(m.path().resolve("probe"), "probe");
      }
      return "";
    } catch (IOException | RuntimeException e) {
      return "cannot mount here: " + e.getMessage();
    }
  }

  /**
   * Runs a command and waits for it.
   *
   * @return its standard output
   * @throws IOException if it fails or exceeds the timeout, with its output
   */
  static String run(int timeoutSeconds, String... cmd) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Process p = pb.start();
    try {
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", cmd) + ": timed out");
      }
      String s = new String(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + s.trim());
      }
      return s;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", cmd) + ": interrupted", e);
    }
  }

  /**
   * @return the random source of one test case: fixed by its description, varied by
   *     {@code -Dwalrus.realfault.seed=N} (to run the suite again with other instants)
   */
  static Random random(String where) {
    return new Random(
        where.hashCode() ^ Long.getLong("walrus.realfault.seed", 0L) * 0x9E3779B97F4A7C15L);
  }
}
