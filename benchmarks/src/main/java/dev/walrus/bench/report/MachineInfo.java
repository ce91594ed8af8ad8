package dev.walrus.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the run ran on: cores, CPU model, memory, Java, kernel, the file system and device
 * the benchmark data went to, and the load average (the machine may be shared).
 */
public final class MachineInfo {
  private MachineInfo() {}

  /**
   * @param dataDir the directory the benchmarks write to
   * @return ordered name → value pairs
   */
  public static Map<String, String> describe(Path dataDir) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(
        "date",
        OffsetDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                .substring(0, 16)
            + " UTC");
    m.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    m.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name"));
    m.put("memory", memTotal());
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("disk", disk(dataDir));
    m.put("load average", loadAverage());
    return m;
  }

  /**
   * @return the 1, 5 and 15 minute load averages, or "unknown"
   */
  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String firstValue(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(key)) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return "unknown";
  }

  private static String memTotal() {
    String kb = firstValue(Path.of("/proc/meminfo"), "MemTotal").replace("kB", "").trim();
    try {
      return String.format("%.1f GiB", Long.parseLong(kb) / (1024.0 * 1024));
    } catch (NumberFormatException e) {
      return "unknown";
    }
  }

  /** File system type and device of {@code dir} (from /proc/mounts), and whether it spins. */
  private static String disk(Path dir) {
    try {
      Path real = dir.toAbsolutePath();
      while (!Files.exists(real)) {
        real = real.getParent();
      }
      real = real.toRealPath();
      String best = null;
      String[] bestFields = null;
      for (String line : Files.readAllLines(Path.of("/proc/mounts"))) {
        String[] f = line.split("\\s+");
        if (real.toString().startsWith(f[1]) && (best == null || f[1].length() > best.length())) {
          best = f[1];
          bestFields = f;
        }
      }
      if (bestFields == null) {
        return "unknown";
      }
      String dev = bestFields[0];
      List<String> parts = new ArrayList<>();
      parts.add(bestFields[2] + " on " + dev + " (mounted at " + best + ")");
      String name = Path.of(dev).getFileName().toString();
      Path rot = Path.of("/sys/block", name, "queue", "rotational");
      if (Files.exists(rot)) {
        parts.add(Files.readString(rot).trim().equals("0") ? "non-rotational" : "rotational");
      }
      return String.join(", ", parts);
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
