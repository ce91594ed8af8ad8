package dev.walrus.internal.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A file behind a positional {@code FileChannel} that outlives whatever closes the channel
 * behind its users' backs: a {@code Thread.interrupt()} of a thread doing I/O on it (the
 * JDK then closes the channel: {@code ClosedByInterruptException} for that thread,
 * {@code AsynchronousCloseException} or {@code ClosedChannelException} for the others), or
 * the {@link DescriptorCache} closing the least recently used descriptor.
 *
 * <p>Every operation runs with the caller's interrupt status cleared and restores it
 * afterwards, so an interrupt that arrived before the call closes nothing. If the channel
 * was closed anyway (an interrupt during the call, an eviction), and not by
 * {@link #close()}, the file reopens it once for everyone (under a lock, checking that
 * nobody reopened it meanwhile) and repeats the operation from where it stood: positional
 * reads, writes, {@code size} and {@code truncate} are idempotent. The caller sees its
 * operation complete, with its interrupt status set if it was interrupted; other threads
 * notice nothing. {@link #force()} runs through {@link Fsyncs}, where no interrupt reaches
 * it. After {@link #close()}, operations fail with {@link ClosedChannelException}.
 * Thread-safe.
 */
final class ChannelFile implements StorageFile, DescriptorCache.Holder {
  private final Path path;
  private final boolean syncWrites;
  private final DescriptorCache cache;
  private final Object lock = new Object();
  private volatile FileChannel ch;
  private volatile boolean closed;

  /** A hint for eviction; racy on purpose (a plain store on the hot path). */
  private boolean used = true;

  ChannelFile(Path path, FileChannel ch, boolean syncWrites, DescriptorCache cache) {
    this.path = path;
    this.ch = ch;
    this.syncWrites = syncWrites;
    this.cache = cache;
    cache.opened(this);
  }

  @Override
  public Path path() {
    return path;
  }

  private FileChannel channel() throws IOException {
    if (!used) {
      used = true; // stored only when clear: no cache-line traffic between writers
    }
    FileChannel c = ch;
    return c != null ? c : reopen(null);
  }

  /** Reopens the channel unless someone already did; {@code failed} is the one that closed. */
  private FileChannel reopen(FileChannel failed) throws IOException {
    FileChannel c;
    synchronized (lock) {
      if (closed) {
        throw new ClosedChannelException();
      }
      c = ch;
      if (c != null && c != failed && c.isOpen()) {
        return c;
      }
      c = FileChannelBackend.openChannel(path, false, syncWrites);
      ch = c;
    }
    cache.opened(this);
    return c;
  }

  /** One positional channel operation, repeatable: it recomputes its state on each try. */
  private interface ChannelOp<T> {
    T run(FileChannel c) throws IOException;
  }

  /**
   * Runs {@code op} with the caller's interrupt status cleared (so the JDK does not close the
   * channel at its start), reopening the channel and repeating {@code op} if an interrupt
   * during it, or the descriptor cache, closed the channel; the interrupt status is restored
   * before returning. A channel closed by {@link #close()} stays closed.
   */
  private <T> T retrying(ChannelOp<T> op) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      FileChannel c = channel();
      for (; ; ) {
        try {
          return op.run(c);
        } catch (ClosedChannelException e) {
          if (closed) {
            throw e;
          }
          interrupted |= Thread.interrupted();
          c = reopen(c);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void write(ByteBuffer src, long position) throws IOException {
    int start = src.position();
    retrying(
        c -> {
          long pos = position + (src.position() - start); // a repeat goes on where it stopped
          while (src.hasRemaining()) {
            pos += c.write(src, pos);
          }
          return null;
        });
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    int start = dst.position();
    return retrying(
        c -> {
          while (dst.hasRemaining()) {
            int n = c.read(dst, position + (dst.position() - start));
            if (n < 0) {
              break;
            }
          }
          return dst.position() - start;
        });
  }

  @Override
  public void force() throws IOException {
    if (closed) {
      throw new ClosedChannelException();
    }
    try {
      Fsyncs.forceFile(path);
    } catch (IOException e) {
      if (closed) { // closed (reclaimed) while forcing: nothing left to force
        ClosedChannelException c = new ClosedChannelException();
        c.initCause(e);
        throw c;
      }
      throw e;
    }
  }

  @Override
  public long size() throws IOException {
    return retrying(FileChannel::size);
  }

  @Override
  public void truncate(long size) throws IOException {
    retrying(c -> c.truncate(size));
  }

  @Override
  public boolean takeUsed() {
    boolean u = used;
    used = false;
    return u;
  }

  @Override
  public boolean release() {
    FileChannel c;
    synchronized (lock) {
      c = ch;
      ch = null;
    }
    if (c != null) {
      try {
        c.close(); // a user in flight finishes first (the JDK waits), then retries
      } catch (IOException e) {
        // nothing was open to lose: writes went to the file, not to the descriptor
      }
    }
    return true;
  }

  /** @return true while a descriptor is open (tests) */
  boolean isOpenNow() {
    FileChannel c = ch;
    return c != null && c.isOpen();
  }

  @Override
  public void close() throws IOException {
    FileChannel c;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      c = ch;
      ch = null;
    }
    cache.forget(this);
    if (c != null) {
      c.close();
    }
  }
}
