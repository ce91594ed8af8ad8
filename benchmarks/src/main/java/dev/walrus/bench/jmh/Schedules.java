package dev.walrus.bench.jmh;

import dev.walrus.FsyncSchedule;

/** Maps the benchmark parameter names of fsync schedules to {@link FsyncSchedule}s. */
public final class Schedules {
  private Schedules() {}

  /**
   * @param name {@code NoFsync}, {@code Milliseconds200} or {@code SyncEach}
   * @return the schedule
   * @throws IllegalArgumentException for any other name
   */
  public static FsyncSchedule parse(String name) {
    switch (name) {
      case "NoFsync":
        return FsyncSchedule.noFsync();
      case "Milliseconds200":
        return FsyncSchedule.milliseconds(200);
      case "SyncEach":
        return FsyncSchedule.syncEach();
      default:
        throw new IllegalArgumentException("unknown fsync schedule " + name);
    }
  }
}
