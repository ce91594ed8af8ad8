package dev.walrus.internal.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * A file that forwards every operation to another one; subclasses override what they do
 * differently (as Lucene's {@code FilterDirectory} does for a directory). The io_uring
 * backend's files (which submit batches and forces to the ring) and the tests'
 * fault-injecting files are built this way, so an operation added to {@link StorageFile}
 * reaches the real file unless a subclass says otherwise.
 *
 * <p>Thread safety is the delegate's: this class adds no state.
 */
public abstract class ForwardingStorageFile implements StorageFile {
  /** Where operations go unless overridden. */
  protected final StorageFile delegate;

  /** @param delegate the file every operation goes to unless overridden */
  protected ForwardingStorageFile(StorageFile delegate) {
    this.delegate = delegate;
  }

  @Override
  public Path path() {
    return delegate.path();
  }

  @Override
  public void write(ByteBuffer src, long position) throws IOException {
    delegate.write(src, position);
  }

  @Override
  public int read(ByteBuffer dst, long position) throws IOException {
    return delegate.read(dst, position);
  }

  @Override
  public void writeBatch(List<ByteBuffer> buffers, long[] positions) throws IOException {
    delegate.writeBatch(buffers, positions);
  }

  @Override
  public void readBatch(List<ByteBuffer> buffers, long[] positions) throws IOException {
    delegate.readBatch(buffers, positions);
  }

  @Override
  public void allocate(long position, long length) throws IOException {
    delegate.allocate(position, length);
  }

  @Override
  public void force() throws IOException {
    delegate.force();
  }

  @Override
  public long size() throws IOException {
    return delegate.size();
  }

  @Override
  public void truncate(long size) throws IOException {
    delegate.truncate(size);
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
