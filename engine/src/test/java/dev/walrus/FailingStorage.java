package dev.walrus;

import dev.walrus.internal.storage.FileChannelBackend;
import dev.walrus.internal.storage.ForwardingBackend;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that fails chosen operations on data files, for rollback and poisoning tests:
 * set a counter to n and the n-th next write (or batch write, or force) fails with EIO.
 */
final class FailingStorage extends ForwardingBackend {
  FailingStorage() {
    super(new FileChannelBackend());
  }

  /** Fails the n-th next data write (single or batch) when set to n > 0. */
  final AtomicInteger failWriteIn = new AtomicInteger();
  /** Fails the n-th next force when set to n > 0. */
  final AtomicInteger failForceIn = new AtomicInteger();
  /** Write only half of a failing batch write before failing (a short write). */
  volatile boolean shortWrite;

  private static boolean due(AtomicInteger c) {
    int v = c.get();
    return v > 0 && c.decrementAndGet() == 0;
  }

  @Override
  public String name() {
    return "failing-fd";
  }

  @Override
  public StorageFile create(Path path, long size, boolean syncWrites) throws IOException {
    return new Failing(delegate.create(path, size, syncWrites));
  }

  @Override
  public StorageFile openPreallocated(Path path, boolean syncWrites) throws IOException {
    return new Failing(delegate.openPreallocated(path, syncWrites));
  }

  private final class Failing implements StorageFile {
    private final StorageFile f;

    Failing(StorageFile f) {
      this.f = f;
    }

    @Override
    public Path path() {
      return f.path();
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      if (due(failWriteIn)) {
        throw new IOException("injected EIO on write");
      }
      f.write(src, position);
    }

    @Override
    public void writeBatch(List<ByteBuffer> buffers, long[] positions) throws IOException {
      if (due(failWriteIn)) {
        if (shortWrite) {
          for (int i = 0; i < buffers.size(); i++) {
            ByteBuffer half = buffers.get(i).duplicate();
            half.limit(half.position() + half.remaining() / 2);
            f.write(half, positions[i]);
          }
        }
        throw new IOException("injected EIO on batch write");
      }
      for (int i = 0; i < buffers.size(); i++) {
        f.write(buffers.get(i), positions[i]);
      }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      return f.read(dst, position);
    }

    @Override
    public void force() throws IOException {
      if (due(failForceIn)) {
        throw new IOException("injected EIO on fsync");
      }
      f.force();
    }

    @Override
    public long size() throws IOException {
      return f.size();
    }

    @Override
    public void truncate(long size) throws IOException {
      f.truncate(size);
    }

    @Override
    public void close() throws IOException {
      f.close();
    }
  }
}
