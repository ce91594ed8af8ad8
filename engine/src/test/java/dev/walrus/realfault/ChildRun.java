package dev.walrus.realfault;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link RealFaultChild} JVM: its lines are read here and copied to a log outside any
 * mounted image (the acknowledgment record must survive the fault it is checked against);
 * a watchdog kills it with SIGKILL at a deadline, so a child never hangs a test.
 */
final class ChildRun implements AutoCloseable {
  private final Process process;
  private final BufferedReader in;
  private final BufferedWriter log;
  private final Path err;
  private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
  private ScheduledFuture<?> deadline;

  private ChildRun(Process process, Path logFile, Path err) throws IOException {
    this.process = process;
    this.err = err;
    this.in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    this.log = Files.newBufferedWriter(logFile);
    killAfterSeconds(60);
  }

  /**
   * Starts a child.
   *
   * @param ulimitFiles if positive, the child runs under {@code sh -c 'ulimit -n N; exec java ...'}
   * @param logs where its lines ({@code NAME.acks}) and standard error ({@code NAME.err}) go
   */
  static ChildRun start(RealBackend backend, List<String> args, int ulimitFiles, Path logs,
      String name) throws IOException {
    List<String> cmd = RealFaultMachine.javaCommand(RealFaultChild.class, backend.jvmArgs, args);
    if (ulimitFiles > 0) {
      List<String> sh = new ArrayList<>(List.of("sh", "-c",
          "ulimit -n " + ulimitFiles + " && exec \"$@\"", "sh"));
      sh.addAll(cmd);
      cmd = sh;
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("WALRUS_QUIET", "1");
    Path err = logs.resolve(name + ".err");
    pb.redirectError(err.toFile());
    return new ChildRun(pb.start(), logs.resolve(name + ".acks"), err);
  }

  /** Replaces the deadline: the child is killed {@code seconds} from now. */
  void killAfterSeconds(int seconds) {
    if (deadline != null) {
      deadline.cancel(false);
    }
    deadline = watchdog.schedule(this::kill, seconds, TimeUnit.SECONDS);
  }

  /** @return the next line, or null once the child is gone and every line was read */
  String readLine() throws IOException {
    String l = in.readLine();
    if (l != null) {
      log.write(l);
      log.newLine();
    }
    return l;
  }

  /**
   * Stops the child with SIGSTOP and waits until every one of its threads is stopped, so
   * that no system call of it is in progress (a thread in a write or fsync stops only once
   * the call returned). A fault injected now strikes between its system calls: an
   * operation whose calls all returned before it is acknowledged after {@link #resume()}
   * and must be durable; an acknowledgment can never race the fault.
   */
  void freeze() throws IOException, InterruptedException {
    long pid = process.pid();
    RealFaultMachine.run(10, "kill", "-STOP", Long.toString(pid));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    while (true) {
      boolean all = true;
      try (var s = Files.list(tasks)) {
        for (Path t : (Iterable<Path>) s::iterator) {
          String stat;
          try {
            stat = Files.readString(t.resolve("stat"));
          } catch (IOException gone) {
            continue; // the thread ended
          }
          if (stat.contains("(iou-")) {
            continue; // io_uring's kernel workers take no signals; their submitter waits for them
          }
          char state = stat.charAt(stat.lastIndexOf(')') + 2);
          all &= state == 'T' || state == 't' || state == 'Z' || state == 'X';
        }
      } catch (IOException gone) {
        return; // the process ended
      }
      if (all) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the child's threads did not all stop within 20 s");
      }
      Thread.sleep(1); // polling /proc with a deadline: there is no event to wait for
    }
  }

  /** SIGCONT after {@link #freeze()}. */
  void resume() throws IOException {
    RealFaultMachine.run(10, "kill", "-CONT", Long.toString(process.pid()));
  }

  /** Writes {@code # note} into the log, between the child's lines (e.g. when the fault struck). */
  void note(String note) throws IOException {
    log.write("# " + note);
    log.newLine();
  }

  /**
   * SIGKILL, through the process handle: our end of the pipe stays open, so every line the
   * child wrote before it died can still be read.
   */
  void kill() {
    process.toHandle().destroyForcibly();
  }

  /** Reads what is left, waits for the child's end and returns its exit code. */
  int drainAndWait() throws IOException, InterruptedException {
    while (readLine() != null) {
      // nothing: the caller decided it no longer cares
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the child did not end after SIGKILL");
    }
    return process.exitValue();
  }

  /** @return the child's standard error so far (for failure messages) */
  String stderr() {
    try {
      String s = Files.readString(err);
      return s.length() > 4000 ? s.substring(0, 4000) + "..." : s;
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws IOException {
    watchdog.shutdownNow();
    kill();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    in.close();
    log.close();
  }
}
