package dev.walrus;

import java.nio.file.Path;

/**
 * Test helper in the engine's package (the tests run on the class path): opens an
 * instance through the engine tests' {@link FaultyStorage} and poisons it with a failed
 * fsync, as a failing disk would.
 */
public final class PoisonedWalrus {
  private PoisonedWalrus() {}

  /**
   * @param dir the data directory (the instance owns it, no namespace)
   * @return an open, poisoned instance; the caller closes it
   */
  public static Walrus open(Path dir) {
    FaultyStorage s = new FaultyStorage();
    Walrus w =
        Walrus.builder()
            .dataDir(dir)
            .namespace(null)
            .quiet(true)
            .fsyncSchedule(FsyncSchedule.syncEach())
            .storageBackend(s)
            .open();
    w.appendForTopic("t", new byte[] {1});
    s.failForceIn.set(1);
    try {
      w.sync();
    } catch (FatalIOException expected) {
      return w;
    }
    w.close();
    throw new AssertionError("the injected fsync failure did not fire");
  }
}
