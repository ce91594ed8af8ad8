package dev.walrus.internal.storage;

import dev.walrus.BackendInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A backend that forwards everything to another one; subclasses override what they do
 * differently (how data files are opened, how many files are forced at once). The mmap
 * and io_uring backends, and the tests' fault-injecting backends, are built this way.
 */
public abstract class ForwardingBackend implements StorageBackend {
  /** Where operations go unless overridden. */
  protected final StorageBackend delegate;

  protected ForwardingBackend(StorageBackend delegate) {
    this.delegate = delegate;
  }

  @Override
  public BackendInfo info() {
    return delegate.info();
  }

  @Override
  public StorageFile create(Path path, long size, boolean syncWrites) throws IOException {
    return delegate.create(path, size, syncWrites);
  }

  @Override
  public StorageFile openPreallocated(Path path, boolean syncWrites) throws IOException {
    return delegate.openPreallocated(path, syncWrites);
  }

  @Override
  public StorageFile open(Path path, boolean create, boolean syncWrites) throws IOException {
    return delegate.open(path, create, syncWrites);
  }

  @Override
  public void forceAll(List<StorageFile> files) throws IOException {
    delegate.forceAll(files);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public void delete(Path path) throws IOException {
    delegate.delete(path);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    delegate.rename(source, target);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    delegate.syncDirectory(dir);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    delegate.createDirectories(dir);
  }

  @Override
  public List<Path> list(Path dir, String glob) throws IOException {
    return delegate.list(dir, glob);
  }
}
