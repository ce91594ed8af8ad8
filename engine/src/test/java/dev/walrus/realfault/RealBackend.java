package dev.walrus.realfault;

import dev.walrus.Backend;
import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import dev.walrus.testkit.IoUringMachine;
import java.nio.file.Path;
import java.util.List;

/**
 * The engine's three storage paths, which the real-fault suite covers inside one surefire
 * execution: positional FD, FD with io_uring (required: the run fails rather than fall
 * back; its cases are skipped where io_uring cannot be used, see {@link #assumeUsable()}),
 * and mmap.
 */
enum RealBackend {
  FD("fd", List.of("-Dwalrus.backend=fd", "-Dwalrus.io_uring=false")),
  FD_IO_URING("fd+io_uring", List.of("-Dwalrus.backend=fd", "-Dwalrus.io_uring=required")),
  MMAP("mmap", List.of("-Dwalrus.backend=mmap"));

  /** What {@link Walrus#backendInfo()} reports (as a string) for this backend. */
  final String description;

  /** The system properties that select it in a child JVM. */
  final List<String> jvmArgs;

  RealBackend(String description, List<String> jvmArgs) {
    this.description = description;
    this.jvmArgs = jvmArgs;
  }

  /** @return the backend named by a child's {@code walrus.backend}/{@code walrus.io_uring} properties */
  static RealBackend fromProperties() {
    if ("mmap".equals(System.getProperty("walrus.backend"))) {
      return MMAP;
    }
    return "required".equals(System.getProperty("walrus.io_uring")) ? FD_IO_URING : FD;
  }

  /**
   * Skips the calling test case, with one line saying why, if this is {@link #FD_IO_URING}
   * and io_uring cannot be used here (with {@code WALRUS_IO_URING_TEST=required}: fails it).
   */
  void assumeUsable() {
    if (this == FD_IO_URING) {
      IoUringMachine.assumeIoUring();
    }
  }

  /** @return a builder for this backend with the suite's small geometry */
  Walrus.Builder builder(Path dir, FsyncSchedule schedule, long blockSize, int blocksPerFile) {
    Walrus.Builder b =
        Walrus.builder()
            .dataDir(dir)
            .namespace(null)
            .blockSize(blockSize)
            .blocksPerFile(blocksPerFile)
            .fsyncSchedule(schedule)
            .consistency(ReadConsistency.strictlyAtOnce())
            .quiet(true);
    switch (this) {
      case FD:
        return b.backend(Backend.FD).ioUring(false);
      case FD_IO_URING:
        return b.backend(Backend.FD).ioUring(true);
      default:
        return b.backend(Backend.MMAP);
    }
  }

  /**
   * Opens {@code b}, checking that the instance really uses this backend. For io_uring the
   * property {@code walrus.io_uring} (which the default surefire execution sets to
   * {@code false}, overriding the builder) is set to {@code required} while opening.
   */
  Walrus open(Walrus.Builder b) {
    if (this != FD_IO_URING) {
      return checked(b.open());
    }
    synchronized (RealBackend.class) {
      String was = System.getProperty("walrus.io_uring");
      System.setProperty("walrus.io_uring", "required");
      try {
        return checked(b.open());
      } finally {
        if (was == null) {
          System.clearProperty("walrus.io_uring");
        } else {
          System.setProperty("walrus.io_uring", was);
        }
      }
    }
  }

  private Walrus checked(Walrus w) {
    if (!w.backendInfo().toString().equals(description)) {
      String got = w.backendInfo().toString();
      w.close();
      throw new AssertionError("asked for backend " + description + ", got " + got);
    }
    return w;
  }

  /** @return the fsync schedule named {@code nofsync}, {@code ms200} or {@code synceach} */
  static FsyncSchedule schedule(String s) {
    switch (s) {
      case "nofsync":
        return FsyncSchedule.noFsync();
      case "ms200":
        return FsyncSchedule.milliseconds(200);
      case "synceach":
        return FsyncSchedule.syncEach();
      default:
        throw new IllegalArgumentException(s);
    }
  }
}
