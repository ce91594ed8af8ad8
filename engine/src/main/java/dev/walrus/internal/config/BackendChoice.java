package dev.walrus.internal.config;

import dev.walrus.Backend;
import dev.walrus.WalrusIOException;
import dev.walrus.internal.storage.FileChannelBackend;
import dev.walrus.internal.storage.MappedFileBackend;
import dev.walrus.internal.storage.StorageBackend;
import dev.walrus.internal.storage.uring.IoUringBackend;
import dev.walrus.internal.storage.uring.IoUringRing;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the storage backend a {@link ResolvedConfig} names: mmap, or the FD backend with
 * io_uring or plain positional I/O, saying why when io_uring is not used (one log line per
 * process). Sits above {@code storage} and {@code storage.uring}, which know nothing of
 * each other's selection.
 */
public final class BackendChoice {
  private static final Logger LOG = LoggerFactory.getLogger(BackendChoice.class);
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  private BackendChoice() {}

  /**
   * @param c the resolved configuration (backend, io_uring mode, descriptor bound, quiet)
   * @return a new backend for one instance
   * @throws WalrusIOException if io_uring is required ({@code walrus.io_uring=required})
   *     but cannot be used
   */
  public static StorageBackend open(ResolvedConfig c) {
    if (c.backend() == Backend.MMAP) {
      return new MappedFileBackend(c.maxOpenFiles());
    }
    if (c.ioUring() == IoUringMode.OFF) {
      if (!c.quiet() && LOGGED.compareAndSet(false, true)) {
        LOG.info("io_uring off ({}): batches use positional I/O", c.sources().get("io_uring"));
      }
      return new FileChannelBackend(c.maxOpenFiles());
    }
    String why = IoUringRing.unavailabilityReason();
    if (why == null) {
      try {
        return new IoUringBackend(IoUringRing.shared(), c.maxOpenFiles());
      } catch (IOException e) {
        why = e.getMessage();
      }
    }
    if (c.ioUring() == IoUringMode.REQUIRED) {
      throw new WalrusIOException("io_uring is required (walrus.io_uring=required) but " + why);
    }
    if (LOGGED.compareAndSet(false, true)) {
      LOG.warn("io_uring unavailable ({}): batches fall back to positional I/O", why);
    }
    return new FileChannelBackend(c.maxOpenFiles());
  }
}
