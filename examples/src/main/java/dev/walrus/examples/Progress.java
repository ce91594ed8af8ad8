package dev.walrus.examples;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-line progress display for programs that write or read many entries: the count
 * done out of the total and the rate, redrawn in place at most four times a second, and
 * a final line with the totals. Thread-safe: {@link #add} may be called from many
 * threads.
 */
public final class Progress {
  private static final long REDRAW_NANOS = 250_000_000L;

  private final String what;
  private final long total;
  private final PrintStream out;
  private final long start = System.nanoTime();
  private final AtomicLong done = new AtomicLong();
  private long lastPrint = start;

  /**
   * @param what what is counted, e.g. {@code "append"}
   * @param total how many are expected
   */
  public Progress(String what, long total) {
    this(what, total, System.out);
  }

  /**
   * @param what what is counted
   * @param total how many are expected
   * @param out where to print
   */
  public Progress(String what, long total, PrintStream out) {
    this.what = what;
    this.total = total;
    this.out = out;
  }

  /**
   * Records that the count reached {@code count} (for a single thread that knows it).
   *
   * @param count entries done so far
   */
  public void tick(long count) {
    done.set(count);
    maybePrint();
  }

  /**
   * Adds {@code n} entries done.
   *
   * @param n entries just finished
   */
  public void add(long n) {
    done.addAndGet(n);
    maybePrint();
  }

  /** @return entries done so far */
  public long count() {
    return done.get();
  }

  /** Prints the final line: the count, the elapsed time and the average rate. */
  public synchronized void done() {
    long now = System.nanoTime();
    print(done.get(), now);
    out.printf("  %.1f s%n", (now - start) / 1e9);
  }

  private void maybePrint() {
    long now = System.nanoTime();
    if (now - lastPrint > REDRAW_NANOS) {
      synchronized (this) {
        if (now - lastPrint > REDRAW_NANOS) {
          lastPrint = now;
          print(done.get(), now);
        }
      }
    }
  }

  private void print(long count, long now) {
    double secs = Math.max(1e-9, (now - start) / 1e9);
    out.printf("\r%-8s %,12d / %,d  (%,.0f entries/s)", what, count, total, count / secs);
    out.flush();
  }
}
