package dev.walrus.internal.storage.uring;

import dev.walrus.Backend;
import dev.walrus.BackendInfo;
import dev.walrus.internal.storage.DescriptorCache;
import dev.walrus.internal.storage.FileChannelBackend;
import dev.walrus.internal.storage.ForceThread;
import dev.walrus.internal.storage.ForwardingBackend;
import dev.walrus.internal.storage.ForwardingStorageFile;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The FD backend with io_uring for batches: single reads and writes stay positional
 * {@code pread}/{@code pwrite} (one system call is the floor for one entry), while
 * {@link StorageFile#writeBatch}, {@link StorageFile#readBatch}, {@link StorageFile#force}
 * and {@link #forceAll} submit all their operations to the ring at once and wait for every
 * completion, uninterruptibly. Each data file gets a second descriptor, opened through the
 * ring itself ({@code IORING_OP_OPENAT}, {@code O_NOFOLLOW}, with {@code O_DSYNC} for files
 * opened with {@code syncWrites}) when first needed; both descriptors count against the backend's
 * {@link DescriptorCache} and are closed when least recently used, and reopened on demand.
 */
public final class IoUringBackend extends ForwardingBackend {
  private final IoUringRing ring;
  private final DescriptorCache cache;

  /** A backend with the default descriptor bound ({@link DescriptorCache#DEFAULT_CAPACITY}). */
  public IoUringBackend(IoUringRing ring) {
    this(ring, DescriptorCache.DEFAULT_CAPACITY);
  }

  /**
   * @param ring the ring (closed with the backend, unless it is the shared one)
   * @param maxOpenFiles most descriptors kept open at once
   */
  public IoUringBackend(IoUringRing ring, int maxOpenFiles) {
    super(new FileChannelBackend(maxOpenFiles));
    this.ring = ring;
    this.cache = ((FileChannelBackend) delegate).descriptors();
  }

  @Override
  public String name() {
    return "fd+io_uring";
  }

  @Override
  public BackendInfo info() {
    return new BackendInfo(Backend.FD, true);
  }

  @Override
  public StorageFile create(Path path, long size, boolean syncWrites) throws IOException {
    return new UringFile(delegate.create(path, size, syncWrites), ring, syncWrites, cache);
  }

  @Override
  public StorageFile openPreallocated(Path path, boolean syncWrites) throws IOException {
    return new UringFile(delegate.open(path, false, syncWrites), ring, syncWrites, cache);
  }

  /**
   * Fsyncs the files' ring descriptors with one submission per group of at most half the
   * descriptor bound (a descriptor in use cannot be closed, so a group larger than the
   * bound would open more than it). Every file is attempted; the first failure is thrown.
   * One file on a {@link ForceThread} (the SyncEach group commit's) is forced on that thread
   * with one {@code fdatasync}: no interrupt reaches it there, and a ring round trip (a
   * wake-up of the ring's thread and one of the caller) would only add latency.
   */
  @Override
  public void forceAll(List<StorageFile> files) throws IOException {
    if (files.size() == 1 && ForceThread.current()) {
      StorageFile f = files.get(0);
      if (f instanceof UringFile) {
        ((UringFile) f).forceOnThisThread();
      } else {
        f.force();
      }
      return;
    }
    List<StorageFile> others = new ArrayList<>();
    List<UringFile> uring = new ArrayList<>();
    for (StorageFile f : files) {
      if (f instanceof UringFile) {
        uring.add((UringFile) f);
      } else {
        others.add(f);
      }
    }
    IOException failure = null;
    int group = Math.max(1, cache.capacity() / 2);
    for (int from = 0; from < uring.size(); from += group) {
      List<UringFile> entered = new ArrayList<>();
      try {
        int[] fds = new int[Math.min(group, uring.size() - from)];
        int n = 0;
        for (UringFile u : uring.subList(from, from + fds.length)) {
          int fd;
          try {
            fd = u.enter();
          } catch (ClosedChannelException e) {
            continue; // a file closed meanwhile (reclaimed) needs no fsync
          }
          entered.add(u);
          fds[n++] = fd;
        }
        ring.fsyncAll(Arrays.copyOf(fds, n));
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      } finally {
        entered.forEach(UringFile::exit);
      }
    }
    try {
      delegate.forceAll(others);
    } catch (IOException e) {
      failure = failure == null ? e : failure;
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Closes a ring of its own; the process's shared ring stays (see {@link IoUringRing#shared()}). */
  @Override
  public void close() {
    if (!ring.isShared()) {
      ring.close();
    }
  }

  /**
   * A data file with a positional channel (the delegate: single reads and writes, size,
   * truncate) and a ring descriptor (batches and forces). Ring operations hold a
   * use count; closing or evicting the descriptor waits for them and forbids new ones, so
   * a descriptor number is never used after it was closed (and perhaps reused by the
   * kernel for another file).
   */
  static final class UringFile extends ForwardingStorageFile implements DescriptorCache.Holder {
    private static final int EVICTING = -1;
    private static final int CLOSED = Integer.MIN_VALUE;
    private final IoUringRing ring;
    private final boolean sync;
    private final DescriptorCache cache;

    /** The ring descriptor, or -1 until opened (again). Changed only with no user inside. */
    private volatile int fd = -1;

    /** Users inside, or {@link #EVICTING}, or {@link #CLOSED}. */
    private final AtomicInteger users = new AtomicInteger();

    private boolean used;

    /** @param channel the positional channel: single reads and writes, size, truncate */
    UringFile(StorageFile channel, IoUringRing ring, boolean sync, DescriptorCache cache) {
      super(channel);
      this.ring = ring;
      this.sync = sync;
      this.cache = cache;
    }

    /**
     * Enters (call {@link #exit} after) and returns the open ring descriptor.
     *
     * @throws ClosedChannelException if the file was closed
     */
    int enter() throws IOException {
      for (; ; ) {
        int u = users.get();
        if (u == CLOSED) {
          throw new ClosedChannelException();
        }
        if (u < 0) {
          Thread.onSpinWait(); // being evicted: a ring round trip
          continue;
        }
        if (users.compareAndSet(u, u + 1)) {
          break;
        }
      }
      if (!used) {
        used = true;
      }
      int f = fd;
      if (f >= 0) {
        return f;
      }
      boolean opened = false;
      synchronized (this) {
        if (fd < 0) {
          try {
            fd = ring.open(delegate.path(), sync);
          } catch (IOException | RuntimeException e) {
            exit();
            throw e;
          }
          opened = true;
        }
        f = fd;
      }
      if (opened) {
        cache.opened(this);
      }
      return f;
    }

    void exit() {
      users.decrementAndGet();
    }

    @Override
    public boolean takeUsed() {
      boolean u = used;
      used = false;
      return u;
    }

    @Override
    public boolean release() {
      if (!users.compareAndSet(0, EVICTING)) {
        return users.get() == CLOSED;
      }
      try {
        int f = fd;
        fd = -1;
        if (f >= 0) {
          ring.close(f);
        }
      } catch (IOException e) {
        // the descriptor is gone either way
      } finally {
        users.set(0);
      }
      return true;
    }

    @Override
    public void writeBatch(List<ByteBuffer> buffers, long[] positions) throws IOException {
      int f = enter();
      try {
        List<IoUringRing.Op> ops = new ArrayList<>(buffers.size());
        for (int i = 0; i < buffers.size(); i++) {
          ops.add(new IoUringRing.Op(f, buffers.get(i), positions[i]));
        }
        ring.writeAll(ops);
      } finally {
        exit();
      }
    }

    @Override
    public void readBatch(List<ByteBuffer> buffers, long[] positions) throws IOException {
      int f = enter();
      try {
        List<IoUringRing.Op> ops = new ArrayList<>(buffers.size());
        for (int i = 0; i < buffers.size(); i++) {
          ops.add(new IoUringRing.Op(f, buffers.get(i), positions[i]));
        }
        ring.readAll(ops);
      } finally {
        exit();
      }
    }

    /** Forces through the positional channel's own descriptor, on a {@link ForceThread}. */
    void forceOnThisThread() throws IOException {
      delegate.force();
    }

    @Override
    public void force() throws IOException {
      int f = enter();
      try {
        ring.fsyncAll(new int[] {f}); // uninterruptible, unlike a channel's force
      } finally {
        exit();
      }
    }

    @Override
    public void close() throws IOException {
      while (!users.compareAndSet(0, CLOSED)) {
        if (users.get() == CLOSED) {
          return; // already closed
        }
        Thread.onSpinWait(); // ring operations in flight finish first
      }
      cache.forget(this);
      try {
        delegate.close();
      } finally {
        int f = fd;
        fd = -1;
        if (f >= 0) {
          ring.close(f);
        }
      }
    }
  }
}
