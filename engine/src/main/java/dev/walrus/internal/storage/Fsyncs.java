package dev.walrus.internal.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs fsyncs where no {@code Thread.interrupt()} can reach them: on the engine's own
 * daemon threads (which nothing interrupts), through a descriptor opened for that fsync
 * alone (which no other thread's interrupt or the {@link DescriptorCache} can close). An
 * fsync interrupted half-way would lose its result, and with it perhaps an I/O error the
 * kernel reports only once: it must complete and be reported. The caller waits without
 * being interruptible and keeps its interrupt status. A {@link ForceThread} (which ignores
 * interrupts) runs them itself, without the hand-off. Thread-safe.
 */
final class Fsyncs {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ThreadPoolExecutor POOL =
      new ThreadPoolExecutor(
          0,
          Integer.MAX_VALUE, // one per fsync running at once (each has a caller waiting)
          5, // an idle thread ends after 5 s: a process that stops syncing keeps none
          TimeUnit.SECONDS,
          new SynchronousQueue<>(),
          r -> {
            Thread t = new Thread(r, "walrus-fsync-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private Fsyncs() {}

  /** An fsync to run. */
  @FunctionalInterface
  interface Action {
    void run() throws IOException;
  }

  /** Forces a file's data ({@code fdatasync}) through a descriptor of its own. */
  static void forceFile(Path path) throws IOException {
    run(
        () -> {
          try (FileChannel ch = FileChannelBackend.openChannel(path, false, false)) {
            ch.force(false);
          }
        });
  }

  /** Forces a directory's entries. */
  static void forceDirectory(Path dir) throws IOException {
    run(
        () -> {
          try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
          }
        });
  }

  /**
   * Runs {@code a} on an fsync thread and waits for it, uninterruptibly; on a
   * {@link ForceThread} (which no interrupt reaches) it runs at once, on that thread.
   */
  static void run(Action a) throws IOException {
    if (ForceThread.current()) {
      a.run(); // nothing can interrupt it here: no hand-off needed
      return;
    }
    Future<?> f =
        POOL.submit(
            () -> {
              a.run();
              return null;
            });
    boolean interrupted = false;
    try {
      for (; ; ) {
        try {
          f.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true; // kept for the caller; the fsync itself must finish
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof IOException) {
            throw (IOException) c;
          }
          if (c instanceof RuntimeException) {
            throw (RuntimeException) c;
          }
          if (c instanceof Error) {
            throw (Error) c;
          }
          throw new IOException(c);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
