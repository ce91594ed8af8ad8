package dev.walrus.internal.core;

import dev.walrus.WalrusMetricsListener;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An instance's metrics listeners and the calls into them. The listeners are a volatile
 * copy-on-write array: with none attached, {@link #active()} is one volatile read and an
 * empty-array check, and nothing else runs (no clock read, no allocation). Each call
 * catches what a listener throws and logs it (the first time per listener at WARN, then at
 * DEBUG), so a listener never fails an operation. Thread-safe.
 */
public final class Metrics {
  private static final Logger LOG = LoggerFactory.getLogger(Metrics.class);
  private static final Slot[] NONE = new Slot[0];

  private volatile Slot[] slots = NONE;

  private static final class Slot {
    final WalrusMetricsListener listener;
    final AtomicBoolean warned = new AtomicBoolean();

    Slot(WalrusMetricsListener listener) {
      this.listener = listener;
    }

    void failed(String what, RuntimeException e) {
      if (warned.compareAndSet(false, true)) {
        LOG.warn("metrics listener {} failed in {}; ignored", listener, what, e);
      } else {
        LOG.debug("metrics listener {} failed in {}; ignored", listener, what, e);
      }
    }
  }

  /** @return true if at least one listener is attached */
  public boolean active() {
    return slots.length != 0;
  }

  /**
   * Attaches a listener (the same one twice is told twice).
   *
   * @return a handle whose {@code close()} detaches it (idempotent)
   */
  public synchronized AutoCloseable add(WalrusMetricsListener l) {
    Slot s = new Slot(l);
    Slot[] old = slots;
    Slot[] next = Arrays.copyOf(old, old.length + 1);
    next[old.length] = s;
    slots = next;
    return () -> remove(s);
  }

  private synchronized void remove(Slot s) {
    Slot[] old = slots;
    for (int i = 0; i < old.length; i++) {
      if (old[i] == s) {
        Slot[] next = new Slot[old.length - 1];
        System.arraycopy(old, 0, next, 0, i);
        System.arraycopy(old, i + 1, next, i, old.length - i - 1);
        slots = next;
        return;
      }
    }
  }

  /** @see WalrusMetricsListener#onAppend */
  public void append(String topic, long bytes, long nanos) {
    for (Slot s : slots) {
      try {
        s.listener.onAppend(topic, bytes, nanos);
      } catch (RuntimeException e) {
        s.failed("onAppend", e);
      }
    }
  }

  /** @see WalrusMetricsListener#onBatchAppend */
  public void batchAppend(String topic, int entries, long bytes, long nanos) {
    for (Slot s : slots) {
      try {
        s.listener.onBatchAppend(topic, entries, bytes, nanos);
      } catch (RuntimeException e) {
        s.failed("onBatchAppend", e);
      }
    }
  }

  /** @see WalrusMetricsListener#onRead */
  public void read(String topic, int entries, long bytes) {
    for (Slot s : slots) {
      try {
        s.listener.onRead(topic, entries, bytes);
      } catch (RuntimeException e) {
        s.failed("onRead", e);
      }
    }
  }

  /** @see WalrusMetricsListener#onFsync */
  public void fsync(int files, long nanos) {
    for (Slot s : slots) {
      try {
        s.listener.onFsync(files, nanos);
      } catch (RuntimeException e) {
        s.failed("onFsync", e);
      }
    }
  }

  /** @see WalrusMetricsListener#onFileCreated */
  public void fileCreated() {
    for (Slot s : slots) {
      try {
        s.listener.onFileCreated();
      } catch (RuntimeException e) {
        s.failed("onFileCreated", e);
      }
    }
  }

  /** @see WalrusMetricsListener#onFileReclaimed */
  public void fileReclaimed() {
    for (Slot s : slots) {
      try {
        s.listener.onFileReclaimed();
      } catch (RuntimeException e) {
        s.failed("onFileReclaimed", e);
      }
    }
  }

  /** @see WalrusMetricsListener#onPoisoned */
  public void poisoned(Throwable cause) {
    for (Slot s : slots) {
      try {
        s.listener.onPoisoned(cause);
      } catch (RuntimeException e) {
        s.failed("onPoisoned", e);
      }
    }
  }
}
