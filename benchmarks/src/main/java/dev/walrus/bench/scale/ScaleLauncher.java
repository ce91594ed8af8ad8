package dev.walrus.bench.scale;

import dev.walrus.bench.jmh.BenchDirs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs one scaling probe ({@link TopicScaleProbe} or {@link NamespaceScaleProbe}) in a fresh
 * JVM (the same class path, a fixed {@code -Xmx}, the JVM's default direct-memory limit, which
 * is then the same as the heap's), each on a fresh directory deleted afterwards, and
 * collects what it prints. A probe that has not exited by its deadline is killed and
 * reported as failed in the phase it had reached: a run never hangs.
 */
public final class ScaleLauncher {
  private static final int LOG_LINES = 15;

  private ScaleLauncher() {}

  /**
   * @param kind {@link ScaleRun#TOPICS} or {@link ScaleRun#NAMESPACES}
   * @param count how many topics or namespaces
   * @param maxHeap the probe JVM's heap cap, e.g. {@code 512m}
   * @param deadline how long the probe may run before it is killed
   * @param dataRoot where its fresh directory goes
   * @return what it measured, and its failure if any
   * @throws IOException if the JVM cannot be started
   * @throws InterruptedException if interrupted while waiting (the probe is killed)
   */
  public static ScaleRun run(
      String kind, int count, String maxHeap, Duration deadline, Path dataRoot)
      throws IOException, InterruptedException {
    Class<?> main =
        kind.equals(ScaleRun.TOPICS) ? TopicScaleProbe.class : NamespaceScaleProbe.class;
    Files.createDirectories(dataRoot);
    Path dir = Files.createTempDirectory(dataRoot, "scale-" + kind + "-" + count + "-");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + maxHeap);
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.add(Integer.toString(count));
    cmd.add(dir.toString());
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Output out = new Output();
    Thread reader = new Thread(() -> out.readAll(p), "scale-probe-output-" + kind + count);
    reader.setDaemon(true);
    reader.start();
    try {
      boolean exited = p.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        p.destroyForcibly().waitFor();
      }
      reader.join(TimeUnit.SECONDS.toMillis(10));
      synchronized (out) {
        String why = out.failure;
        if (!exited) {
          why =
              String.format(
                  "killed at its %.1f s deadline in phase %s",
                  deadline.toMillis() / 1e3, out.phase);
        } else if (why == null && p.exitValue() != 0) {
          why = "exit status " + p.exitValue() + ": " + String.join(" | ", out.log);
        }
        if (why != null) {
          System.out.println("  " + kind + " " + count + " failed: " + why);
        }
        return new ScaleRun(
            kind, count, maxHeap, Map.copyOf(out.values), why, (System.nanoTime() - t0) / 1e9);
      }
    } finally {
      if (p.isAlive()) { // interrupted: never leave a probe behind
        p.destroyForcibly();
      }
      BenchDirs.delete(dir);
    }
  }

  /** What a probe printed: its figures, its failure, the phase it began last, the last log. */
  static final class Output {
    final Map<String, Double> values = new LinkedHashMap<>();
    final Deque<String> log = new ArrayDeque<>();
    String failure;
    String phase = "start";

    private void readAll(Process p) {
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          parse(line);
        }
      } catch (IOException e) {
        // the probe was killed: what was read so far stands
      }
    }

    /**
     * @param line one line of probe output: a figure, the failure, a phase begun, or log
     *     (the last few lines are kept)
     */
    synchronized void parse(String line) {
      int eq = line.indexOf('=');
      if (line.startsWith(ProbeOutput.PREFIX) && eq > 0) {
        String key = line.substring(ProbeOutput.PREFIX.length(), eq);
        String value = line.substring(eq + 1);
        if (key.equals(ProbeOutput.FAILURE)) {
          failure = value;
        } else if (key.equals(ProbeOutput.PHASE)) {
          phase = value;
        } else {
          values.put(key, Double.parseDouble(value));
        }
      } else if (!line.isBlank() && !line.startsWith("\tat ")) {
        log.addLast(line);
        if (log.size() > LOG_LINES) {
          log.removeFirst();
        }
      }
    }
  }
}
