package dev.walrus.files;

import dev.walrus.FsyncSchedule;
import dev.walrus.Walrus;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child JVM for the file-safety tests. Modes:
 * <ul>
 *   <li>{@code create DATA KEY}: opens {@code DATA/KEY} (creating what is missing), appends
 *       and consumes one entry, closes, exits; run under {@code umask 000} by the parent.</li>
 *   <li>{@code owner DATA}: opens {@code DATA} with {@code SyncEach} and appends to topic
 *       {@code t} until stopped, printing {@code S} once open and {@code A offset} after each
 *       append returned (one unbuffered write a line); on an exception it prints
 *       {@code E type message} and exits.</li>
 * </ul>
 */
public final class FilesChild {
  private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);

  private FilesChild() {}

  /** @return the payload at {@code offset} */
  public static byte[] payload(long offset) {
    return ("owner-entry-" + offset).getBytes(StandardCharsets.UTF_8);
  }

  private static void say(String line) throws IOException {
    OUT.write((line + "\n").getBytes(StandardCharsets.UTF_8));
  }

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[1]);
    if (args[0].equals("create")) {
      try (Walrus w = Walrus.builder().dataDir(data).namespace(args[2]).open()) {
        w.appendForTopic("t", new byte[] {1});
        w.readNext("t", true);
        w.checkpoint("t", "reader", 1);
      }
      return;
    }
    Walrus w =
        Walrus.builder()
            .dataDir(data)
            .namespace(null)
            .blockSize(4096)
            .blocksPerFile(2)
            .fsyncSchedule(FsyncSchedule.syncEach())
            .open();
    say("S");
    try {
      for (long i = 0; ; i++) {
        long off = w.appendForTopic("t", payload(i));
        say("A " + off);
      }
    } catch (RuntimeException e) {
      say("E " + e.getClass().getSimpleName() + " " + e.getMessage().replace('\n', ' '));
      System.exit(0);
    }
  }
}
