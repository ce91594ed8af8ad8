package dev.walrus.internal.storage;

/**
 * A thread that forces data files and that no {@link Thread#interrupt()} reaches: its
 * {@code interrupt()} does nothing. An fsync interrupted half-way would close the channel
 * and lose its result, and with it perhaps an I/O error the kernel reports only once (its
 * {@code errseq}); on a thread that cannot be interrupted it always completes and is
 * reported. Forces run on such a thread go straight to the kernel ({@link Fsyncs} runs them
 * inline instead of handing them to its pool), still through a descriptor opened for that
 * fsync alone, which neither another thread's interrupt nor the {@link DescriptorCache}
 * can close. A {@code ForceThread} must therefore be stopped by its own code (a flag and an
 * unpark), never by an interrupt. Create one with {@link #start(String, Runnable)}.
 */
public final class ForceThread extends Thread {
  private ForceThread(Runnable body, String name) {
    super(body, name);
    setDaemon(true);
  }

  /**
   * Starts a daemon force thread.
   *
   * @param name the thread's name
   * @param body what it runs (it must end by itself: interrupts are ignored)
   * @return the started thread
   */
  public static ForceThread start(String name, Runnable body) {
    ForceThread t = new ForceThread(body, name);
    t.start();
    return t;
  }

  /** @return true if the calling thread is a force thread (an interrupt cannot reach it) */
  public static boolean current() {
    return Thread.currentThread() instanceof ForceThread;
  }

  /** Ignored: a force on this thread must complete and be reported (see the class comment). */
  @Override
  public void interrupt() {
    // deliberately nothing
  }
}
