package dev.walrus;

import java.nio.file.Path;

/**
 * Opens instances on the engine test kit's fault-injecting storage (package-private in
 * {@code dev.walrus}, hence this class in that package of the tests' class path).
 */
public final class FaultyInstances {
  private FaultyInstances() {}

  /** An instance under {@code SyncEach} and the handle that fails its next force. */
  public record Faulty(Walrus walrus, Runnable failNextForce) {}

  public static Faulty open(Path dir) {
    FaultyStorage s = new FaultyStorage();
    Walrus w =
        Walrus.builder()
            .dataDir(dir)
            .namespace(null)
            .fsyncSchedule(FsyncSchedule.syncEach())
            .quiet(true)
            .storageBackend(s)
            .open();
    return new Faulty(w, () -> s.failForceIn.set(1));
  }
}
