package dev.walrus.internal.storage;

import dev.walrus.Backend;
import dev.walrus.BackendInfo;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The mmap backend: data files are mapped whole (in chunks of at most 1 GiB, as Lucene's
 * {@code MMapDirectory} does) and read and written through memory, with no system call
 * per operation; {@code force} is {@code msync}. Under {@code SyncEach} every write is
 * followed by a {@code force} of the range it touched.
 *
 * <p>Space is allocated through the file's descriptor before a block is written through
 * memory ({@link StorageFile#allocate}: zeros written with {@code pwrite}), so a full disk
 * is an {@link IOException} there, before anything is acknowledged, and never a
 * {@code SIGBUS} inside the mapping. A failed {@code msync} is a
 * {@link ForceFailedException}: the engine poisons the instance.
 *
 * <p>Memory accesses and {@code msync} are not interruptible: {@code Thread.interrupt()}
 * closes nothing here. Files that grow (the metadata log), the allocation writes and
 * directory operations are delegated to the positional backend, whose files survive
 * interrupts too. Mappings are released when a file is closed (reclaimed, or the
 * instance closed); a close waits for operations in flight, so no thread ever touches
 * an unmapped region, and later operations fail with {@link ClosedChannelException}.
 */
public final class MappedFileBackend extends ForwardingBackend {
  private static final long CHUNK = 1L << 30;
  private static final Unmapper UNMAPPER = new Unmapper();
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20).asReadOnlyBuffer();

  /**
   * How a mapped range is forced ({@code msync}); {@link MappedByteBuffer#force(int, int)}
   * unless a test makes it fail as a disk does, with an {@link java.io.UncheckedIOException}.
   */
  @FunctionalInterface
  public interface Msync {
    /** Forces {@code length} bytes of {@code chunk} from {@code index}; throws as the JDK does. */
    void force(Path file, MappedByteBuffer chunk, int index, int length);
  }

  private final Msync msync;

  /** A backend with the default descriptor bound ({@link DescriptorCache#DEFAULT_CAPACITY}). */
  public MappedFileBackend() {
    this(DescriptorCache.DEFAULT_CAPACITY);
  }

  /**
   * A backend whose mapped ranges are forced with {@link MappedByteBuffer#force(int, int)}.
   *
   * @param maxOpenFiles most descriptors kept open (for allocation writes and the metadata log)
   */
  public MappedFileBackend(int maxOpenFiles) {
    this(maxOpenFiles, (f, c, i, n) -> c.force(i, n));
  }

  /**
   * @param maxOpenFiles most descriptors kept open (for allocation writes and the journal)
   * @param msync how mapped ranges are forced
   */
  public MappedFileBackend(int maxOpenFiles, Msync msync) {
    this(new FileChannelBackend(maxOpenFiles), msync);
  }

  /**
   * @param positional the backend for the journal, allocation writes and directories (a
   *     fault-injecting one in tests)
   * @param msync how mapped ranges are forced
   */
  public MappedFileBackend(StorageBackend positional, Msync msync) {
    super(positional);
    this.msync = msync;
  }

  @Override
  public String name() {
    return "mmap";
  }

  @Override
  public BackendInfo info() {
    return new BackendInfo(Backend.MMAP, false);
  }

  @Override
  public StorageFile create(Path path, long size, boolean syncWrites) throws IOException {
    delegate.create(path, size, false).close();
    return openPreallocated(path, syncWrites);
  }

  @Override
  public StorageFile openPreallocated(Path path, boolean syncWrites) throws IOException {
    // Mapping goes through an interruptible channel: run it with the interrupt status
    // cleared, again if an interrupt closed the channel meanwhile, and restore the status.
    boolean interrupted = Thread.interrupted();
    try {
      for (; ; ) {
        try {
          return map(path, syncWrites);
        } catch (ClosedChannelException e) {
          interrupted |= Thread.interrupted();
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private StorageFile map(Path path, boolean syncWrites) throws IOException {
    MappedByteBuffer[] chunks;
    long size;
    try (FileChannel ch = FileChannelBackend.openChannel(path, false, false)) {
      size = ch.size();
      int n = (int) ((size + CHUNK - 1) / CHUNK);
      chunks = new MappedByteBuffer[Math.max(n, 1)];
      for (int i = 0; i < n; i++) {
        long from = i * CHUNK;
        chunks[i] = ch.map(FileChannel.MapMode.READ_WRITE, from, Math.min(CHUNK, size - from));
      }
    }
    StorageFile channel = delegate.open(path, false, false);
    return new MappedFile(path, chunks, size, syncWrites, channel, msync);
  }

  /** A file mapped into memory. */
  static final class MappedFile implements StorageFile {
    private final Path path;
    private final MappedByteBuffer[] chunks;
    private final long size;
    private final boolean sync;

    /** Operations in flight; close waits for zero. Negative once closed. */
    private final AtomicInteger users = new AtomicInteger();

    /** A SIGBUS was seen: the file is shorter than the mapping. */
    private volatile boolean faulted;

    /** The file's descriptor (reopened on demand), for allocation writes. */
    private final StorageFile channel;

    private final Msync msync;

    MappedFile(
        Path path,
        MappedByteBuffer[] chunks,
        long size,
        boolean sync,
        StorageFile channel,
        Msync msync) {
      this.path = path;
      this.chunks = chunks;
      this.size = size;
      this.sync = sync;
      this.channel = channel;
      this.msync = msync;
    }

    /**
     * Writes zeros over the range through the descriptor, so the file system allocates
     * it now: a full disk fails here (ENOSPC as an {@link IOException}) and never later as
     * a {@code SIGBUS} in a mapped write. Only for ranges not written yet.
     */
    @Override
    public void allocate(long position, long length) throws IOException {
      if (position < 0 || position + length > size) {
        throw new IOException(
            "allocation of "
                + length
                + " bytes at "
                + position
                + " exceeds the mapped size "
                + size
                + " of "
                + path);
      }
      long pos = position;
      long end = position + length;
      while (pos < end) {
        ByteBuffer z = ZEROS.duplicate();
        z.limit((int) Math.min(z.capacity(), end - pos));
        channel.write(z, pos);
        pos += z.limit();
      }
    }

    private void enter() throws ClosedChannelException {
      int u;
      do {
        u = users.get();
        if (u < 0) {
          throw new ClosedChannelException();
        }
      } while (!users.compareAndSet(u, u + 1));
    }

    private void exit() {
      users.decrementAndGet();
    }

    @Override
    public Path path() {
      return path;
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      int len = src.remaining();
      if (position < 0 || position + len > size) {
        throw new IOException(
            "write of "
                + len
                + " bytes at "
                + position
                + " exceeds the mapped size "
                + size
                + " of "
                + path);
      }
      enter();
      try {
        long pos = position;
        while (src.hasRemaining()) {
          MappedByteBuffer c = chunks[(int) (pos / CHUNK)];
          int at = (int) (pos % CHUNK);
          int n = Math.min(src.remaining(), c.capacity() - at);
          c.put(at, src, src.position(), n);
          if (sync) {
            try {
              msync.force(path, c, at, n);
            } catch (java.io.UncheckedIOException e) {
              throw new ForceFailedException(path, e.getCause());
            }
          }
          src.position(src.position() + n);
          pos += n;
        }
      } catch (InternalError e) {
        faulted = true;
        throw new IOException(
            "mapped file "
                + path
                + " is shorter than its mapping"
                + " (truncated behind the engine's back?)",
            e);
      } finally {
        exit();
      }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      enter();
      try {
        checkNotTruncated(position, dst.remaining());
        return read0(dst, position);
      } catch (InternalError e) {
        // The JVM's way of reporting SIGBUS: the file was truncated behind our back.
        faulted = true;
        throw new IOException(
            "mapped file "
                + path
                + " is shorter than its mapping"
                + " (truncated behind the engine's back?)",
            e);
      } finally {
        exit();
      }
    }

    /**
     * Refuses a read of a range the file no longer holds. A mapped file always has its
     * mapping's size (it is preallocated), so a shorter file was truncated behind the
     * engine's back, and touching the lost pages raises {@code SIGBUS}. The JVM reports
     * that as an {@link InternalError} which, in compiled code, is delivered
     * asynchronously, at a later safepoint, possibly outside any {@code catch} here: so
     * the file's length is checked (one {@code fstat}, per read-ahead refill rather than
     * per entry) before the mapping is touched. A truncation that races this check can
     * still surface as that {@code InternalError}: the limit of reading through memory.
     */
    private void checkNotTruncated(long position, int length) throws IOException {
      long end = Math.min(size, position + length);
      if (end <= position) {
        return;
      }
      long actual = channel.size();
      if (actual < end) {
        faulted = true;
        throw new IOException(
            "mapped file "
                + path
                + " is "
                + actual
                + " bytes, shorter than its mapping of "
                + size
                + " (truncated behind the engine's back?)");
      }
    }

    private int read0(ByteBuffer dst, long position) {
      int total = 0;
      long pos = position;
      while (dst.hasRemaining() && pos < size) {
        MappedByteBuffer c = chunks[(int) (pos / CHUNK)];
        int at = (int) (pos % CHUNK);
        int n = (int) Math.min(dst.remaining(), Math.min(c.capacity() - at, size - pos));
        dst.put(dst.position(), c, at, n);
        dst.position(dst.position() + n);
        pos += n;
        total += n;
      }
      return total;
    }

    @Override
    public void force() throws IOException {
      enter();
      try {
        for (MappedByteBuffer c : chunks) {
          if (c != null) {
            msync.force(path, c, 0, c.capacity());
          }
        }
      } catch (java.io.UncheckedIOException e) {
        throw new ForceFailedException(path, e.getCause());
      } finally {
        exit();
      }
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void truncate(long newSize) throws IOException {
      throw new IOException("mapped data files are never truncated: " + path);
    }

    @Override
    public void close() throws IOException {
      try {
        unmap();
      } finally {
        channel.close();
      }
    }

    private void unmap() {
      // Wait for operations in flight, then forbid new ones: an unmapped region must never
      // be touched (that would crash the JVM, not throw). After a fault (SIGBUS, reported
      // asynchronously, possibly between our counters) the count may never drain: then the
      // mapping is left to the garbage collector rather than risked.
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!users.compareAndSet(0, Integer.MIN_VALUE)) {
        if (users.get() < 0) {
          return; // already closed
        }
        if (faulted || System.nanoTime() > deadline) {
          users.set(Integer.MIN_VALUE);
          return;
        }
        Thread.onSpinWait();
      }
      for (MappedByteBuffer c : chunks) {
        if (c != null) {
          UNMAPPER.unmap(c);
        }
      }
    }
  }

  /** Releases a mapping now rather than when the GC finds it (sun.misc.Unsafe#invokeCleaner). */
  private static final class Unmapper {
    private final Object unsafe;
    private final Method invokeCleaner;

    Unmapper() {
      Object u = null;
      Method m = null;
      try {
        Class<?> c = Class.forName("sun.misc.Unsafe");
        Field f = c.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        u = f.get(null);
        m = c.getMethod("invokeCleaner", ByteBuffer.class);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // left to the GC
      }
      this.unsafe = u;
      this.invokeCleaner = m;
    }

    void unmap(ByteBuffer b) {
      if (invokeCleaner == null) {
        return;
      }
      try {
        invokeCleaner.invoke(unsafe, b);
      } catch (ReflectiveOperationException e) {
        // left to the GC
      }
    }
  }
}
