package dev.walrus.realfault;

import dev.walrus.testkit.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link RealFaultChild} JVM: its lines are read here and copied to a log outside any
 * mounted image (the acknowledgment record must survive the fault it is checked against);
 * a watchdog kills it with SIGKILL at a deadline, so a child never hangs a test. Adds to
 * {@link ChildJvm} the freezing of the child while a fault is injected.
 */
final class ChildRun implements AutoCloseable {
  private final ChildJvm child;

  private ChildRun(ChildJvm child) {
    this.child = child;
  }

  /**
   * Starts a child.
   *
   * @param ulimitFiles if positive, the child runs under {@code sh -c 'ulimit -n N && exec java ...'}
   * @param logs where its lines ({@code NAME.acks}) and standard error ({@code NAME.err}) go
   */
  static ChildRun start(
      RealBackend backend, List<String> args, int ulimitFiles, Path logs, String name)
      throws IOException {
    ChildJvm.Builder b =
        ChildJvm.builder(RealFaultChild.class)
            .jvmArgs(backend.jvmArgs)
            .args(args)
            .stderrTo(logs.resolve(name + ".err"))
            .copyLinesTo(logs.resolve(name + ".acks"))
            .killAfterSeconds(60);
    if (ulimitFiles > 0) {
      b.underShell("ulimit -n " + ulimitFiles);
    }
    return new ChildRun(b.start());
  }

  /** Replaces the deadline: the child is killed {@code seconds} from now. */
  void killAfterSeconds(int seconds) {
    child.killAfterSeconds(seconds);
  }

  /** @return the next line, or null once the child is gone and every line was read */
  String readLine() throws IOException {
    return child.readLine();
  }

  /**
   * Stops the child with SIGSTOP and waits until every one of its threads is stopped, so
   * that no system call of it is in progress (a thread in a write or fsync stops only once
   * the call returned). A fault injected now strikes between its system calls: an
   * operation whose calls all returned before it is acknowledged after {@link #resume()}
   * and must be durable; an acknowledgment can never race the fault.
   */
  void freeze() throws IOException, InterruptedException {
    long pid = child.pid();
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
    RealFaultMachine.run(10, "kill", "-CONT", Long.toString(child.pid()));
  }

  /** Writes {@code # note} into the log, between the child's lines (e.g. when the fault struck). */
  void note(String note) throws IOException {
    child.note(note);
  }

  /**
   * SIGKILL, through the process handle: our end of the pipe stays open, so every line the
   * child wrote before it died can still be read.
   */
  void kill() {
    child.kill();
  }

  /** Reads what is left, waits for the child's end and returns its exit code. */
  int drainAndWait() throws IOException, InterruptedException {
    while (readLine() != null) {
      // nothing: the caller decided it no longer cares
    }
    if (!child.awaitExit(30)) {
      throw new AssertionError("the child did not end after SIGKILL");
    }
    return child.exitValue();
  }

  /** @return the child's standard error so far (for failure messages) */
  String stderr() {
    return child.stderr();
  }

  @Override
  public void close() throws IOException {
    child.close();
  }
}
