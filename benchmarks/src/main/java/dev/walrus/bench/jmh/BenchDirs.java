package dev.walrus.bench.jmh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where benchmark data goes: fresh directories under {@code -Dwalrus.bench.dir} (default
 * {@code <tmp>/walrus-bench}), deleted after each trial (fork).
 */
public final class BenchDirs {
  private BenchDirs() {}

  /**
   * @param prefix a readable prefix
   * @return a new, empty directory
   */
  public static Path fresh(String prefix) {
    try {
      Path base =
          Path.of(
              System.getProperty(
                  "walrus.bench.dir", System.getProperty("java.io.tmpdir") + "/walrus-bench"));
      Files.createDirectories(base);
      return Files.createTempDirectory(base, prefix + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Deletes a directory tree; a missing one is fine.
   *
   * @param dir the directory (null is ignored)
   */
  public static void delete(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * @param size entry size in bytes
   * @return a payload of that size with non-zero content
   */
  public static byte[] payload(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }
}
