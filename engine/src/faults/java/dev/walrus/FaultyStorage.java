package dev.walrus;

import dev.walrus.internal.storage.FileChannelBackend;
import dev.walrus.internal.storage.ForwardingBackend;
import dev.walrus.internal.storage.ForwardingStorageFile;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend that injects the errors a real disk gives: ENOSPC on a data write or on
 * creating (preallocating) a data file, EIO on fsync, short writes. Set a counter to n and
 * the n-th next such operation fails; {@code sticky} keeps failing until cleared.
 */
final class FaultyStorage extends ForwardingBackend {
  static final AtomicLong INJECTED = new AtomicLong();

  /** Fails the n-th next data-file write (single or batch). */
  final AtomicInteger failWriteIn = new AtomicInteger();

  /** Fails the n-th next data-file creation (preallocation). */
  final AtomicInteger failCreateIn = new AtomicInteger();

  /** Fails the n-th next force of any file. */
  final AtomicInteger failForceIn = new AtomicInteger();

  /** The message of write and create failures ({@code strerror}). */
  volatile String writeError = "No space left on device";

  /** A failing write first writes half its bytes (a short write). */
  volatile boolean shortWrite;

  /** Once a failure fired, every later one of the same kind fails too. */
  volatile boolean sticky;

  private volatile boolean writeBroken;
  private volatile boolean createBroken;

  FaultyStorage() {
    super(new FileChannelBackend());
  }

  private boolean due(AtomicInteger c) {
    int v = c.get();
    boolean fire = v > 0 && c.decrementAndGet() == 0;
    if (fire) {
      INJECTED.incrementAndGet();
    }
    return fire;
  }

  void heal() {
    writeBroken = false;
    createBroken = false;
    sticky = false;
  }

  @Override
  public String name() {
    return "faulty-fd";
  }

  @Override
  public StorageFile create(Path path, long size, boolean syncWrites) throws IOException {
    if (createBroken || due(failCreateIn)) {
      createBroken = sticky;
      throw new IOException(path + ": " + writeError);
    }
    return new Faulty(delegate.create(path, size, syncWrites));
  }

  @Override
  public StorageFile openPreallocated(Path path, boolean syncWrites) throws IOException {
    return new Faulty(delegate.openPreallocated(path, syncWrites));
  }

  @Override
  public StorageFile open(Path path, boolean create, boolean syncWrites) throws IOException {
    return new Faulty(delegate.open(path, create, syncWrites)); // the cursor journal
  }

  private final class Faulty extends ForwardingStorageFile {
    private final boolean data;

    Faulty(StorageFile f) {
      super(f);
      this.data = f.path().getFileName().toString().startsWith("wal-");
    }

    private boolean failNow() {
      if (!data) {
        return false;
      }
      if (writeBroken || due(failWriteIn)) {
        writeBroken = sticky;
        return true;
      }
      return false;
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      if (failNow()) {
        if (shortWrite) {
          ByteBuffer half = src.duplicate();
          half.limit(half.position() + half.remaining() / 2);
          delegate.write(half, position);
        }
        throw new IOException(writeError);
      }
      delegate.write(src, position);
    }

    @Override
    public void writeBatch(List<ByteBuffer> buffers, long[] positions) throws IOException {
      if (failNow()) {
        if (shortWrite) {
          for (int i = 0; i < buffers.size(); i++) {
            ByteBuffer half = buffers.get(i).duplicate();
            half.limit(half.position() + half.remaining() / 2);
            delegate.write(half, positions[i]);
          }
        }
        throw new IOException(writeError);
      }
      for (int i = 0; i < buffers.size(); i++) {
        delegate.write(buffers.get(i), positions[i]);
      }
    }

    @Override
    public void force() throws IOException {
      if (due(failForceIn)) {
        throw new IOException("Input/output error");
      }
      delegate.force();
    }
  }
}
