package dev.walrus.testkit;

import dev.walrus.internal.storage.uring.IoUringSupport;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this machine can use io_uring, for the tests that need it (as
 * {@code RealFaultMachine} is for the real-fault suite).
 *
 * <p>{@code WALRUS_IO_URING_TEST=required} (exported by {@code .ci/run}) makes a machine
 * without io_uring a test failure; anywhere else (macOS, another architecture, a kernel that
 * refuses io_uring) the tests that need it are skipped with one line saying why. In the
 * {@code no-io_uring} surefire execution, which removes Netty from the class path on
 * purpose ({@value #CLASSES_ABSENT}{@code =true}), they are always skipped.
 */
public final class IoUringMachine {
  /** {@code WALRUS_IO_URING_TEST=required}: a machine without io_uring fails the tests. */
  public static final boolean REQUIRED = "required".equals(System.getenv("WALRUS_IO_URING_TEST"));

  /**
   * System property the {@code no-io_uring} surefire execution sets: Netty's io_uring
   * transport is absent from this JVM's class path by design.
   */
  public static final String CLASSES_ABSENT = "walrus.test.noNetty";

  private IoUringMachine() {}

  /** @return whether this JVM runs without Netty on its class path by design */
  public static boolean classesAbsentByDesign() {
    return Boolean.getBoolean(CLASSES_ABSENT);
  }

  /** @return null if io_uring can be used in this JVM, otherwise why not */
  public static String unavailabilityReason() {
    return IoUringSupport.unavailabilityReason();
  }

  /**
   * @return whether io_uring can be used here (false in the {@code no-io_uring} execution)
   * @throws AssertionError if it cannot although {@code WALRUS_IO_URING_TEST=required}
   */
  public static boolean available() {
    String why = unavailabilityReason();
    if (why == null) {
      return true;
    }
    if (REQUIRED && !classesAbsentByDesign()) {
      throw new AssertionError("WALRUS_IO_URING_TEST=required but io_uring is unavailable: " + why);
    }
    return false;
  }

  /**
   * Skips the calling test, with one line saying why, unless io_uring can be used here.
   *
   * @throws AssertionError if it cannot although {@code WALRUS_IO_URING_TEST=required}
   */
  public static void assumeIoUring() {
    if (!available()) {
      Assumptions.assumeTrue(false, skipLine(unavailabilityReason()));
    }
  }

  /**
   * @param why why io_uring cannot be used
   * @return the one line a skipped io_uring test or execution prints
   */
  public static String skipLine(String why) {
    return classesAbsentByDesign()
        ? "io_uring test skipped: this execution runs without Netty's io_uring transport"
        : "io_uring test skipped: " + why + " (WALRUS_IO_URING_TEST=required makes this a failure)";
  }
}
