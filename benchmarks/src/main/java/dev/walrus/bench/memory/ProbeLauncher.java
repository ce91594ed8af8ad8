package dev.walrus.bench.memory;

import dev.walrus.bench.Profile;
import dev.walrus.bench.peer.ChroniclePeer;
import dev.walrus.bench.report.MemoryResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs {@link HeapDiskProbe} in a fresh JVM (same class path, the same flags as the
 * benchmark forks, a fixed 512 MiB heap cap — a heap that grew with the log would fail
 * there) and parses what it prints.
 */
public final class ProbeLauncher {
  /** The probe JVM's heap cap. */
  public static final String MAX_HEAP = "-Xmx512m";

  private ProbeLauncher() {}

  /**
   * @param impl {@code walrus} or {@code chronicle}
   * @param profile how many entries
   * @param benchDir where the probe's log goes
   * @return what the probe measured
   * @throws IOException if the JVM cannot be started or the probe fails
   * @throws InterruptedException if interrupted while waiting
   */
  public static MemoryResult run(String impl, Profile profile, Path benchDir)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(MAX_HEAP);
    cmd.addAll(ChroniclePeer.JVM_ARGS);
    cmd.add("-Dwalrus.bench.dir=" + benchDir);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(HeapDiskProbe.class.getName());
    cmd.add(impl);
    cmd.add(Long.toString(profile.memoryEntries()));
    cmd.add(Long.toString(profile.memoryMilestone()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Map<String, String> values = new HashMap<>();
    StringBuilder log = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("probe.")) {
          int eq = line.indexOf('=');
          values.put(line.substring(6, eq), line.substring(eq + 1));
        } else {
          log.append(line).append('\n');
        }
      }
    }
    if (p.waitFor() != 0 || values.size() < 6) {
      throw new IOException("memory probe for " + impl + " failed:\n" + log);
    }
    return new MemoryResult(
        impl,
        profile.memoryEntries(),
        profile.memoryMilestone(),
        asLong(values, "heapAfterWriteMilestone"),
        asLong(values, "heapAfterWrite"),
        asLong(values, "heapAfterReadMilestone"),
        asLong(values, "heapAfterRead"),
        asLong(values, "diskBytes"),
        Double.parseDouble(values.get("reopenMillis")));
  }

  private static long asLong(Map<String, String> v, String key) {
    return (long) Double.parseDouble(v.get(key));
  }
}
