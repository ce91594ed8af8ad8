package dev.walrus.internal.config;

import dev.walrus.Backend;
import dev.walrus.WalrusIOException;
import dev.walrus.internal.storage.FileChannelBackend;
import dev.walrus.internal.storage.MappedFileBackend;
import dev.walrus.internal.storage.StorageBackend;
import dev.walrus.internal.storage.uring.IoUringSupport;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the storage backend a {@link ResolvedConfig} names: mmap, or the FD backend with
 * io_uring or plain positional I/O, saying why when io_uring is not used (one log line per
 * process). Sits above {@code storage} and {@code storage.uring}, which know nothing of
 * each other's selection.
 *
 * <p>Netty's io_uring transport is an optional dependency: this class reaches it only
 * through {@link IoUringSupport}, which finds it at run time by name, so an engine without
 * it on the class path (or on another OS or architecture, or under a kernel that refuses
 * io_uring) opens with positional I/O instead of failing to link. The fallback is logged
 * once per process: at INFO (unless quiet) when it is a configuration (not Linux, the
 * transport not added), at WARN when the transport is there but cannot be used. Thread-safe.
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
    IoUringSupport.Availability a = IoUringSupport.availability();
    String why = a.reason();
    boolean expected = a.expected();
    if (why == null) {
      try {
        return IoUringSupport.open(c.maxOpenFiles());
      } catch (IOException e) {
        why = e.getMessage();
        expected = false;
      }
    }
    if (c.ioUring() == IoUringMode.REQUIRED) {
      throw new WalrusIOException("io_uring is required (walrus.io_uring=required) but " + why);
    }
    if (!expected) {
      if (LOGGED.compareAndSet(false, true)) {
        LOG.warn("io_uring unavailable ({}): batches fall back to positional I/O", why);
      }
    } else if (!c.quiet() && LOGGED.compareAndSet(false, true)) {
      LOG.info("io_uring not used ({}): batches use positional I/O", why);
    }
    return new FileChannelBackend(c.maxOpenFiles());
  }
}
