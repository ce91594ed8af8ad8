package dev.walrus.internal.storage;

import dev.walrus.Backend;
import dev.walrus.BackendInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * All file I/O of the engine goes through this seam, in the manner of Lucene's
 * {@code Directory}: the positional FileChannel backend now, mmap and fault-injecting
 * backends as decorators or siblings later. Implementations are thread-safe.
 */
public interface StorageBackend {
  /** @return a short name for logs and test reports ("fd", "mmap", ...) */
  String name();

  /**
   * @return the public description of this backend ({@code Walrus.backendInfo()}):
   *     positional I/O on file descriptors unless a backend says otherwise
   */
  default BackendInfo info() {
    return new BackendInfo(Backend.FD, false);
  }

  /**
   * Creates a new file of {@code size} bytes (sparse where the file system allows),
   * readable and writable by the owner only, and opens it.
   *
   * @param syncWrites open with {@code DSYNC}: every write is durable when it returns
   * @throws java.nio.file.FileAlreadyExistsException if the file exists
   */
  StorageFile create(Path path, long size, boolean syncWrites) throws IOException;

  /**
   * Opens an existing data file created by {@link #create} (preallocated; mapped by the
   * mmap backend).
   *
   * @param syncWrites every write is durable when it returns
   */
  default StorageFile openPreallocated(Path path, boolean syncWrites) throws IOException {
    return open(path, false, syncWrites);
  }

  /**
   * Opens an existing file, or creates an empty owner-only one if {@code create} is set.
   *
   * @param syncWrites open with {@code DSYNC}
   */
  StorageFile open(Path path, boolean create, boolean syncWrites) throws IOException;

  /**
   * Forces several files; backends that can submit the fsyncs together (io_uring) do.
   * Every file is attempted; the first failure is thrown.
   */
  default void forceAll(List<StorageFile> files) throws IOException {
    IOException failure = null;
    for (StorageFile f : files) {
      try {
        f.force();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Releases what the backend holds (rings, threads); called when the instance closes. */
  default void close() {}

  /** Deletes a file that is no longer open; missing files are ignored. */
  void delete(Path path) throws IOException;

  /** Atomically replaces {@code target} with {@code source}. */
  void rename(Path source, Path target) throws IOException;

  /** Makes the directory's entries (created, renamed, deleted files) durable. */
  void syncDirectory(Path dir) throws IOException;

  /** Creates the directory (and parents) owner-only if missing. */
  void createDirectories(Path dir) throws IOException;

  /** @return the regular files in {@code dir} whose names match {@code glob}, sorted by name */
  List<Path> list(Path dir, String glob) throws IOException;
}
