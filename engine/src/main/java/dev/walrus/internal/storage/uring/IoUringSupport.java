package dev.walrus.internal.storage.uring;

import dev.walrus.internal.storage.StorageBackend;
import java.io.IOException;
import java.util.Locale;

/**
 * Whether io_uring can be used in this process, and the io_uring backend once it can:
 * the one door to this package for code that must work without Netty's io_uring
 * transport, which is an optional dependency of the engine.
 *
 * <p>This class links against no Netty type. It first asks for the transport's entry class
 * by name ({@link Class#forName(String, boolean, ClassLoader)}, not initialised); only when
 * that is found is {@link IoUringRing}, which does link against Netty, used at all. So a
 * missing transport (not on the class path, or on the module path but not resolved) is a
 * reason to fall back, never a {@link NoClassDefFoundError}; and so is any other
 * {@link LinkageError} on the way (a native library missing for this architecture, a
 * Netty of another minor version). Thread-safe (stateless; the probe is repeated, which is
 * cheap once the classes are loaded).
 */
public final class IoUringSupport {
  /** Netty's io_uring entry point: present exactly when the transport's classes are. */
  static final String TRANSPORT_CLASS = "io.netty.channel.uring.IoUring";

  /** Why not, when the transport's classes cannot be found: names what to add. */
  public static final String TRANSPORT_MISSING =
      "Netty's io_uring transport is not on the class path (add"
          + " io.netty:netty-transport-native-io_uring with classifier linux-x86_64 or"
          + " linux-aarch_64; on the module path also --add-modules"
          + " io.netty.transport.classes.io_uring)";

  private IoUringSupport() {}

  /**
   * Whether io_uring can be used, and if not, why not.
   *
   * @param reason null if io_uring can be used here, otherwise why not (one line)
   * @param expected whether the reason is a configuration, not a failure: not Linux, or the
   *     optional transport absent. False when the transport is there but cannot be used
   *     (native library missing for this architecture, kernel too old or io_uring refused
   *     by seccomp or the {@code io_uring_disabled} sysctl, ...)
   */
  public record Availability(String reason, boolean expected) {
    /** @return whether io_uring can be used */
    public boolean available() {
      return reason == null;
    }
  }

  /**
   * Probes this process. Never throws, whatever is missing.
   *
   * @return whether io_uring can be used here, and if not, why not
   */
  public static Availability availability() {
    String os = System.getProperty("os.name", "");
    if (!os.toLowerCase(Locale.ROOT).contains("linux")) {
      return new Availability("not Linux (os.name " + os + ")", true);
    }
    if (!transportPresent()) {
      return new Availability(TRANSPORT_MISSING, true);
    }
    try {
      String why = IoUringRing.unavailabilityReason();
      return new Availability(why, false);
    } catch (LinkageError e) {
      return new Availability("Netty's io_uring transport cannot be loaded: " + e, false);
    }
  }

  /** @return null if io_uring can be used here, otherwise why not ({@link #availability()}) */
  public static String unavailabilityReason() {
    return availability().reason();
  }

  /**
   * @return whether the classes of Netty's io_uring transport can be loaded by the engine
   *     (the native library may still be missing)
   */
  public static boolean transportPresent() {
    try {
      Class.forName(TRANSPORT_CLASS, false, IoUringSupport.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Opens the FD backend with io_uring batches on the process's shared ring. Call only once
   * {@link #availability()} said io_uring is available.
   *
   * @param maxOpenFiles most descriptors the backend keeps open at once
   * @return a new backend for one instance
   * @throws IOException if the ring cannot be set up (memlock limit, seccomp, a linkage
   *     failure, ...); the caller falls back or fails
   */
  public static StorageBackend open(int maxOpenFiles) throws IOException {
    try {
      return new IoUringBackend(IoUringRing.shared(), maxOpenFiles);
    } catch (LinkageError e) {
      throw new IOException("cannot start io_uring: " + e, e);
    }
  }
}
