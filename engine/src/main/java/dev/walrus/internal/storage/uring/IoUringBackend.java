package dev.walrus.internal.storage.uring;

import dev.walrus.internal.storage.FileChannelBackend;
import dev.walrus.internal.storage.ForwardingBackend;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The FD backend with io_uring for batches: single reads and writes stay positional
 * {@code pread}/{@code pwrite} (one system call is the floor for one entry), while
 * {@link StorageFile#writeBatch}, {@link StorageFile#readBatch} and
 * {@link #forceAll} submit all their operations to the ring at once and wait for every
 * completion. Each data file gets a second descriptor, opened through the ring itself
 * ({@code IORING_OP_OPENAT}, with {@code O_DSYNC} under SyncEach).
 */
public final class IoUringBackend extends ForwardingBackend {
  private final IoUringRing ring;

  public IoUringBackend(IoUringRing ring) {
    super(new FileChannelBackend());
    this.ring = ring;
  }

  @Override
  public String name() {
    return "fd+io_uring";
  }

  @Override
  public StorageFile create(Path path, long size, boolean syncWrites) throws IOException {
    delegate.create(path, size, syncWrites).close();
    return openPreallocated(path, syncWrites);
  }

  @Override
  public StorageFile openPreallocated(Path path, boolean syncWrites) throws IOException {
    StorageFile channel = delegate.open(path, false, syncWrites);
    try {
      return new UringFile(channel, ring, ring.open(path, syncWrites));
    } catch (IOException e) {
      channel.close();
      throw e;
    }
  }

  @Override
  public void forceAll(List<StorageFile> files) throws IOException {
    List<StorageFile> others = new ArrayList<>();
    List<UringFile> entered = new ArrayList<>();
    IOException failure = null;
    try {
      for (StorageFile f : files) {
        if (f instanceof UringFile) {
          UringFile u = (UringFile) f;
          if (u.tryEnter()) {
            entered.add(u); // a file closed meanwhile (reclaimed) needs no fsync
          }
        } else {
          others.add(f);
        }
      }
      int[] fds = entered.stream().mapToInt(u -> u.fd).toArray();
      ring.fsyncAll(fds);
    } catch (IOException e) {
      failure = e;
    } finally {
      entered.forEach(UringFile::exit);
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

  @Override
  public void close() {
    ring.close();
  }

  /**
   * A data file with a positional channel and a ring descriptor. Ring operations hold a
   * use count; close waits for them and forbids new ones, so a descriptor number is never
   * used after it was closed (and perhaps reused by the kernel for another file).
   */
  static final class UringFile implements StorageFile {
    private final StorageFile channel;
    private final IoUringRing ring;
    final int fd;
    private final AtomicInteger users = new AtomicInteger();

    boolean tryEnter() {
      int u;
      do {
        u = users.get();
        if (u < 0) {
          return false;
        }
      } while (!users.compareAndSet(u, u + 1));
      return true;
    }

    private void enter() throws ClosedChannelException {
      if (!tryEnter()) {
        throw new ClosedChannelException();
      }
    }

    void exit() {
      users.decrementAndGet();
    }

    UringFile(StorageFile channel, IoUringRing ring, int fd) {
      this.channel = channel;
      this.ring = ring;
      this.fd = fd;
    }

    @Override
    public Path path() {
      return channel.path();
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      channel.write(src, position);
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return channel.read(dst, position);
    }

    @Override
    public void writeBatch(List<ByteBuffer> buffers, long[] positions) throws IOException {
      List<IoUringRing.Op> ops = new ArrayList<>(buffers.size());
      for (int i = 0; i < buffers.size(); i++) {
        ops.add(new IoUringRing.Op(fd, buffers.get(i), positions[i]));
      }
      enter();
      try {
        ring.writeAll(ops);
      } finally {
        exit();
      }
    }

    @Override
    public void readBatch(List<ByteBuffer> buffers, long[] positions) throws IOException {
      List<IoUringRing.Op> ops = new ArrayList<>(buffers.size());
      for (int i = 0; i < buffers.size(); i++) {
        ops.add(new IoUringRing.Op(fd, buffers.get(i), positions[i]));
      }
      enter();
      try {
        ring.readAll(ops);
      } finally {
        exit();
      }
    }

    @Override
    public void force() throws IOException {
      channel.force();
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void truncate(long size) throws IOException {
      channel.truncate(size);
    }

    @Override
    public void close() throws IOException {
      while (!users.compareAndSet(0, Integer.MIN_VALUE)) {
        if (users.get() < 0) {
          return; // already closed
        }
        Thread.onSpinWait(); // ring operations in flight finish first
      }
      try {
        channel.close();
      } finally {
        ring.close(fd);
      }
    }
  }
}
