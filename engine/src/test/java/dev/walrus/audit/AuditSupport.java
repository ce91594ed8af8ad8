package dev.walrus.audit;

import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Shared helpers of the audit tests: opening a small namespace and snapshotting its state. */
final class AuditSupport {
  private AuditSupport() {}

  /** Opens {@code dir} as the namespace itself, with small blocks. */
  static Walrus open(Path dir, ReadConsistency c, FsyncSchedule s) {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(4)
        .maxEntryBytes(1000)
        .consistency(c)
        .fsyncSchedule(s)
        .quiet(true)
        .open();
  }

  /** Opens {@code dir} with StrictlyAtOnce and a schedule that never forces by itself. */
  static Walrus open(Path dir) {
    return open(dir, ReadConsistency.strictlyAtOnce(), FsyncSchedule.milliseconds(3_600_000));
  }

  /** What a user can see of a namespace: topics, stats and every file's name and bytes. */
  record State(Set<String> topics, Map<String, TopicStats> stats, Map<String, String> files) {}

  static State state(Walrus w, Path dir) {
    Map<String, TopicStats> stats = new TreeMap<>();
    for (String t : w.topics()) {
      stats.put(t, w.stats(t).orElseThrow());
    }
    return new State(w.topics(), stats, files(dir));
  }

  /** Every file of {@code dir} (not following links) with the SHA-256 of its bytes. */
  static Map<String, String> files(Path dir) {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String name = p.getFileName().toString();
        if (Files.isSymbolicLink(p)) {
          files.put(name, "link->" + Files.readSymbolicLink(p));
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          files.put(
              name,
              HexFormat.of()
                  .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
        } else {
          files.put(name, "other");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    return files;
  }
}
