package dev.walrus.testkit;

import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.launcher.PostDiscoveryFilter;

/**
 * Runs the {@code fd-io_uring} surefire execution (the whole suite with
 * {@code walrus.io_uring=required}) only where io_uring can be used: elsewhere it removes
 * every test of that execution, of every engine (Jupiter, jqwik, ArchUnit), and prints one
 * line saying why; with {@code WALRUS_IO_URING_TEST=required} (CI) it removes nothing, so
 * the suite fails on the engine's own "io_uring is required ... but" error. In any other
 * execution it includes everything.
 *
 * <p>Registered through {@code META-INF/services} of the engine's test classes (left out
 * of the test-jar). The decision is taken once, at the first test discovered.
 * Thread-safe.
 */
public final class IoUringExecutionFilter implements PostDiscoveryFilter {
  private static String skip; // null: not decided yet; "": run

  /** Used by the JUnit Platform's service loader. */
  public IoUringExecutionFilter() {}

  @Override
  public FilterResult apply(TestDescriptor descriptor) {
    String why = decision();
    return why.isEmpty() ? FilterResult.included("io_uring usable") : FilterResult.excluded(why);
  }

  private static synchronized String decision() {
    if (skip == null) {
      skip = "";
      if ("required".equalsIgnoreCase(System.getProperty("walrus.io_uring"))) {
        String why = IoUringMachine.unavailabilityReason();
        if (why != null && IoUringMachine.REQUIRED) {
          System.out.println(
              "[fd-io_uring] WALRUS_IO_URING_TEST=required but io_uring is unavailable: "
                  + why
                  + "; this execution fails");
        } else if (why != null) {
          skip =
              "fd-io_uring execution skipped: "
                  + why
                  + " (WALRUS_IO_URING_TEST=required makes this a failure)";
          System.out.println("[fd-io_uring] " + skip);
        }
      }
    }
    return skip;
  }
}
