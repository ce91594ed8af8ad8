package dev.walrus;

/**
 * How an instance reads and writes its data files. Chosen per instance with
 * {@link Walrus.Builder#backend(Backend)}; instances that do not choose take the
 * process-wide default ({@link Walrus#enableFdBackend()} /
 * {@link Walrus#disableFdBackend()}), which applies to instances created afterwards.
 */
public enum Backend {
  /**
   * Positional {@code pread}/{@code pwrite} on file descriptors (the default). On Linux,
   * batch appends and batch reads are submitted through io_uring when it is available,
   * with an automatic fallback to positional I/O.
   */
  FD,
  /**
   * Memory-mapped data files: appends and reads copy to and from the mapping with no
   * system call; fsync is {@code msync}. Batches are written sequentially.
   */
  MMAP
}
