package dev.walrus.testkit;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a test's main class with this JVM's class path: the crash, power
 * and multi-node tests start one, read its acknowledgment lines from a pipe, kill it with
 * SIGKILL and wait for its end with a deadline. Start one with {@link #builder(Class)}.
 *
 * <p>{@link #kill()} goes through the process handle, so our end of the pipe stays open
 * and every line the child wrote before it died can still be read. A watchdog (see
 * {@link Builder#killAfterSeconds(int)}) kills a child that hangs, so a test never does.
 * One thread reads the lines ({@link #readLine()}), unless {@link Builder#collectLines()}
 * has a background thread gather them into {@link #lines()}.
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final Path stderr;
  private final BufferedReader in;
  private final BufferedWriter copy;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private ScheduledExecutorService watchdog;
  private ScheduledFuture<?> deadline;

  private ChildJvm(Process process, Builder b) throws IOException {
    this.process = process;
    this.stderr = b.stderr;
    this.in =
        b.stdout == null
            ? new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
            : null;
    this.copy = b.copyLinesTo == null ? null : Files.newBufferedWriter(b.copyLinesTo);
    if (b.killAfterSeconds > 0) {
      killAfterSeconds(b.killAfterSeconds);
    }
    if (b.collect) {
      Thread reader =
          new Thread(
              () -> {
                try {
                  for (String l = readLine(); l != null; l = readLine()) {
                    lines.add(l);
                  }
                } catch (IOException ignored) {
                  // the child died
                }
              },
              "child-" + b.main.getSimpleName());
      reader.setDaemon(true);
      reader.start();
    }
  }

  /**
   * @param main the class whose {@code main} the child runs (on this JVM's class path,
   *     unless {@link Builder#classPath} says otherwise)
   * @return a builder of a child JVM running {@code main}
   */
  public static Builder builder(Class<?> main) {
    return new Builder(main);
  }

  /** What a child JVM runs, where its output goes and how long it may live. */
  public static final class Builder {
    private final Class<?> main;
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private String heap = "128m";
    private String classPath = System.getProperty("java.class.path");
    private String shell;
    private Path stderr;
    private Path stdout;
    private Path copyLinesTo;
    private boolean collect;
    private int killAfterSeconds;

    private Builder(Class<?> main) {
      this.main = main;
    }

    /**
     * @param values the child's arguments, appended to those given before
     * @return this builder
     */
    public Builder args(String... values) {
      args.addAll(List.of(values));
      return this;
    }

    /**
     * @param values the child's arguments, appended to those given before
     * @return this builder
     */
    public Builder args(List<String> values) {
      args.addAll(values);
      return this;
    }

    /**
     * @param values options of the child JVM, after the standard ones
     *     ({@code -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx...})
     * @return this builder
     */
    public Builder jvmArgs(List<String> values) {
      jvmArgs.addAll(values);
      return this;
    }

    /**
     * Passes each named system property of this JVM that is set (e.g. {@code walrus.backend},
     * so the child runs on the suite's backend) to the child as {@code -Dname=value}.
     *
     * @param names the system properties
     * @return this builder
     */
    public Builder inheritProperties(String... names) {
      for (String p : names) {
        String v = System.getProperty(p);
        if (v != null) {
          jvmArgs.add("-D" + p + "=" + v);
        }
      }
      return this;
    }

    /**
     * @param size the child's maximum heap ({@code -Xmx}), {@code 128m} unless set; null
     *     for the JVM's default
     * @return this builder
     */
    public Builder heap(String size) {
      heap = size;
      return this;
    }

    /**
     * @param value the child's class path, instead of this JVM's (e.g. this JVM's less a
     *     jar, to run the child without an optional dependency)
     * @return this builder
     */
    public Builder classPath(String value) {
      classPath = value;
      return this;
    }

    /**
     * Runs the child under {@code sh -c 'COMMAND && exec java ...'}, e.g. {@code ulimit -n 200}
     * or {@code umask 000}.
     *
     * @param command the shell command run first
     * @return this builder
     */
    public Builder underShell(String command) {
      shell = command;
      return this;
    }

    /**
     * @param file where the child's standard error goes (for failure messages: {@link
     *     #stderr()}); unless set it goes to its standard output
     * @return this builder
     */
    public Builder stderrTo(Path file) {
      stderr = file;
      return this;
    }

    /**
     * Sends the child's standard output (and standard error, unless {@link #stderrTo}) to a
     * file instead of the pipe: for a child whose output is read once it ended.
     *
     * @param file the file
     * @return this builder
     */
    public Builder stdoutTo(Path file) {
      stdout = file;
      return this;
    }

    /**
     * Copies every line read to a file (e.g. outside a mounted image that a fault may
     * destroy), with {@link ChildJvm#note} lines between them.
     *
     * @param file the file
     * @return this builder
     */
    public Builder copyLinesTo(Path file) {
      copyLinesTo = file;
      return this;
    }

    /**
     * A background thread reads the child's lines into {@link ChildJvm#lines()} (then do
     * not call {@link ChildJvm#readLine()}).
     *
     * @return this builder
     */
    public Builder collectLines() {
      collect = true;
      return this;
    }

    /**
     * @param seconds the watchdog kills the child with SIGKILL this long after its start
     *     (none unless set; {@link ChildJvm#killAfterSeconds} replaces it)
     * @return this builder
     */
    public Builder killAfterSeconds(int seconds) {
      killAfterSeconds = seconds;
      return this;
    }

    /** @return the command line the child is started with */
    public List<String> command() {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      List<String> cmd =
          new ArrayList<>(
              List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
      if (heap != null) {
        cmd.add("-Xmx" + heap);
      }
      cmd.addAll(jvmArgs);
      cmd.addAll(List.of("-cp", classPath, main.getName()));
      cmd.addAll(args);
      if (shell != null) {
        List<String> sh = new ArrayList<>(List.of("sh", "-c", shell + " && exec \"$@\"", "sh"));
        sh.addAll(cmd);
        cmd = sh;
      }
      return cmd;
    }

    /**
     * Starts the child, with {@code WALRUS_QUIET=1} in its environment.
     *
     * @return the running child
     * @throws IOException if it cannot be started
     */
    public ChildJvm start() throws IOException {
      ProcessBuilder pb = new ProcessBuilder(command());
      pb.environment().put("WALRUS_QUIET", "1");
      if (stderr != null) {
        pb.redirectError(stderr.toFile());
      } else {
        pb.redirectErrorStream(true);
      }
      if (stdout != null) {
        pb.redirectOutput(stdout.toFile());
      }
      return new ChildJvm(pb.start(), this);
    }
  }

  /**
   * @return the next line the child wrote, or null once it is gone and every line was read
   * @throws IOException if the pipe cannot be read
   */
  public String readLine() throws IOException {
    String l = in.readLine();
    if (l != null && copy != null) {
      synchronized (copy) {
        copy.write(l);
        copy.newLine();
      }
    }
    return l;
  }

  /** Checks one line of a child as it comes (with assertions). */
  @FunctionalInterface
  public interface LineCheck {
    /**
     * @param line the child's line
     * @return whether it acknowledged an operation
     */
    boolean accept(String line);
  }

  /**
   * The kill loop: hands every line to {@code check}; once {@code killAfter} lines were
   * acknowledgments, SIGKILL, and the lines written before the child died are still read
   * and checked; then waits for its end.
   *
   * @param killAfter the acknowledgments after which the child is killed
   * @param where the failure messages' prefix
   * @param check checks each line and says whether it was an acknowledgment
   * @throws AssertionError if the child ended by itself (or at the watchdog's deadline)
   *     before it was killed, with its exit code and standard error
   * @throws IOException if the pipe cannot be read
   */
  public void killAfterAcks(int killAfter, String where, LineCheck check) throws IOException {
    int acks = 0;
    boolean killed = false;
    for (String line = readLine(); line != null; line = readLine()) {
      if (check.accept(line)) {
        acks++;
      }
      if (acks >= killAfter && !killed) {
        kill();
        killed = true;
      }
    }
    killAndAwait(where);
    if (!killed) {
      throw new AssertionError(
          where
              + ": the child stopped after "
              + acks
              + " acks (exit "
              + exitValue()
              + "); stderr:\n"
              + stderr());
    }
  }

  /** @return the lines read so far by the {@link Builder#collectLines()} thread */
  public List<String> lines() {
    return lines;
  }

  /**
   * Writes {@code # note} into the {@link Builder#copyLinesTo} file, between the child's lines.
   *
   * @param note e.g. when a fault struck
   * @throws IOException if the file cannot be written
   */
  public void note(String note) throws IOException {
    if (copy == null) {
      throw new IllegalStateException("no copyLinesTo file to write the note into");
    }
    synchronized (copy) {
      copy.write("# " + note);
      copy.newLine();
    }
  }

  /**
   * Replaces the watchdog's deadline: the child is killed {@code seconds} from now.
   *
   * @param seconds how long the child may still live
   */
  public synchronized void killAfterSeconds(int seconds) {
    if (watchdog == null) {
      watchdog =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "child-watchdog");
                t.setDaemon(true);
                return t;
              });
    }
    if (deadline != null) {
      deadline.cancel(false);
    }
    deadline = watchdog.schedule(this::kill, seconds, TimeUnit.SECONDS);
  }

  /** SIGKILL, through the process handle: every line written before can still be read. */
  public void kill() {
    process.toHandle().destroyForcibly();
  }

  /**
   * Waits for the child's end.
   *
   * @param seconds the deadline
   * @return true if it ended, false if it still runs at the deadline
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitExit(int seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  /**
   * Kills the child and waits until it is gone.
   *
   * @param what the failure message if it is not gone within 30 s
   * @throws AssertionError if it is not gone within 30 s
   */
  public void killAndAwait(String what) {
    kill();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError(what + ": the child is not gone 30 s after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** @return whether the child still runs */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** @return the child's exit code (it has ended) */
  public int exitValue() {
    return process.exitValue();
  }

  /** @return the child's process id */
  public long pid() {
    return process.pid();
  }

  /**
   * @return the child's standard error so far ({@link Builder#stderrTo}), at most 4,000
   *     characters (for failure messages)
   */
  public String stderr() {
    try {
      String s = Files.readString(stderr);
      return s.length() > 4000 ? s.substring(0, 4000) + "..." : s;
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** Stops the watchdog, kills the child if it still runs and waits (30 s) for its end. */
  @Override
  public void close() throws IOException {
    synchronized (this) {
      if (watchdog != null) {
        watchdog.shutdownNow();
      }
    }
    killAndAwait("closing");
    if (in != null) {
      in.close();
    }
    if (copy != null) {
      synchronized (copy) {
        copy.close();
      }
    }
  }
}
