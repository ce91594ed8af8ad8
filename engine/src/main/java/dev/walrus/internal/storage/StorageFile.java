package dev.walrus.internal.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * One open file of a {@link StorageBackend}: positional reads and writes, fsync.
 *
 * <p>Implementations are safe for concurrent use by multiple threads, as positional
 * {@code FileChannel} operations are; callers keep writes to one region ordered.
 */
public interface StorageFile extends Closeable {
  /** @return where the file lives */
  Path path();

  /**
   * Writes all remaining bytes of {@code src} at {@code position}.
   *
   * @throws IOException on failure; some bytes may have been written
   */
  void write(ByteBuffer src, long position) throws IOException;

  /**
   * Reads into {@code dst} from {@code position} until {@code dst} is full or the end of
   * the file is reached.
   *
   * @return the number of bytes read (less than requested only at end of file)
   */
  int read(ByteBuffer dst, long position) throws IOException;

  /**
   * Writes each buffer's remaining bytes at the matching position ({@code positions} has
   * at least {@code buffers.size()} entries; any after those are ignored). Backends that
   * can submit them together (io_uring) do; the default writes them one after the other.
   * On failure some of the writes may have happened: the caller rolls back.
   */
  default void writeBatch(List<ByteBuffer> buffers, long[] positions) throws IOException {
    for (int i = 0; i < buffers.size(); i++) {
      write(buffers.get(i), positions[i]);
    }
  }

  /**
   * Fills each buffer from the matching position (a buffer may stay short only at the
   * end of the file). Backends that can submit the reads together do.
   */
  default void readBatch(List<ByteBuffer> buffers, long[] positions) throws IOException {
    for (int i = 0; i < buffers.size(); i++) {
      read(buffers.get(i), positions[i]);
    }
  }

  /**
   * Makes sure a range not written yet has disk space before it is written: the mmap
   * backend writes zeros through the file's descriptor, so that a full disk is reported
   * here as an {@link IOException} rather than as a {@code SIGBUS} inside its mapping.
   * Backends whose writes report ENOSPC themselves do nothing (the default).
   *
   * @throws IOException if the space cannot be allocated (ENOSPC); nothing was written
   *     that a reader could see
   */
  default void allocate(long position, long length) throws IOException {}

  /**
   * Forces written data (not necessarily metadata) to stable storage.
   *
   * @throws ForceFailedException or another {@link IOException} if it failed: what was
   *     written since the last successful force may be lost
   */
  void force() throws IOException;

  /** @return the file's size in bytes */
  long size() throws IOException;

  /** Shrinks the file to {@code size} bytes. */
  void truncate(long size) throws IOException;
}
