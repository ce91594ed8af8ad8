package dev.walrus.internal.config;

import dev.walrus.WalrusIOException;
import dev.walrus.internal.storage.FileChannelBackend;
import dev.walrus.internal.storage.StorageBackend;
import dev.walrus.internal.storage.uring.IoUringBackend;
import dev.walrus.internal.storage.uring.IoUringRing;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides between the FD backend with io_uring and plain positional I/O, and says why
 * when io_uring is not used (one log line per process).
 */
public final class BackendChoice {
  private static final Logger LOG = LoggerFactory.getLogger(BackendChoice.class);
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  private BackendChoice() {}

  /**
   * @param requested the builder's choice, or null for the default
   * @param quiet silence the informational line (a warning is still logged)
   * @return the FD backend, with io_uring if it can be used
   * @throws WalrusIOException if io_uring is required ({@code walrus.io_uring=required})
   *     but cannot be used
   */
  public static StorageBackend fd(Boolean requested, boolean quiet) {
    String prop = System.getProperty("walrus.io_uring", "");
    boolean required = "required".equalsIgnoreCase(prop);
    String disabledBy = null;
    if (Boolean.FALSE.equals(requested)) {
      disabledBy = "disabled by the builder";
    } else if ("1".equals(System.getenv("WALRUS_DISABLE_IO_URING"))) {
      disabledBy = "disabled by WALRUS_DISABLE_IO_URING=1";
    } else if ("false".equalsIgnoreCase(prop)) {
      disabledBy = "disabled by -Dwalrus.io_uring=false";
    }
    if (disabledBy != null && (!required || Boolean.FALSE.equals(requested))) {
      if (!quiet && LOGGED.compareAndSet(false, true)) {
        LOG.info("io_uring {}: batches use positional I/O", disabledBy);
      }
      return new FileChannelBackend();
    }
    String why = IoUringRing.unavailabilityReason();
    if (why == null) {
      try {
        return new IoUringBackend(IoUringRing.shared());
      } catch (IOException e) {
        why = e.getMessage();
      }
    }
    if (required) {
      throw new WalrusIOException("io_uring is required (walrus.io_uring=required) but " + why);
    }
    if (LOGGED.compareAndSet(false, true)) {
      LOG.warn("io_uring unavailable ({}): batches fall back to positional I/O", why);
    }
    return new FileChannelBackend();
  }
}
