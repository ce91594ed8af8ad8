package dev.walrus;

import java.nio.file.Path;

/**
 * Child JVM of {@link IoUringFallbackTest} and {@link NoIoUringTransportTest}: opens an FD
 * instance (not quiet, so the engine's log lines appear on standard error), appends and
 * reads one entry, and prints {@code BACKEND <backendInfo>} and {@code READ <data>}; or,
 * if the open fails, {@code REFUSED <exception class>: <message>}. Any other throwable
 * (a {@link NoClassDefFoundError}, say) escapes and ends the child with a non-zero exit.
 *
 * <p>Arguments: the data directory.
 */
public final class IoUringChild {
  private IoUringChild() {}

  /**
   * @param args the data directory
   */
  public static void main(String[] args) {
    Walrus w;
    try {
      w = Walrus.builder().dataDir(Path.of(args[0])).backend(Backend.FD).quiet(false).open();
    } catch (WalrusException e) {
      System.out.println("REFUSED " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return;
    }
    try (w) {
      System.out.println("BACKEND " + w.backendInfo());
      w.appendForTopic("t", "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      System.out.println("READ " + w.readNext("t", true).orElseThrow().dataAsString());
    }
  }
}
