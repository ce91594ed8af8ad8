package dev.walrus.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * A {@code @TempDir} factory for suites that cut and corrupt files by hand after writing them
 * and reopen the engine hundreds of times: on Linux it puts the directory on {@code /dev/shm}
 * (tmpfs), where each reopen's {@code fsync}s and each copy's deletion cost nothing, and
 * elsewhere (no writable {@code /dev/shm}) falls back to the default temporary directory.
 * What these suites check (what recovery keeps of a given byte sequence) does not depend on
 * the file system; the suites that need a real disk (kill -9, power loss, real faults) do
 * not use it.
 */
public final class MemoryTempDir implements TempDirFactory {
  private static final Path SHM = Paths.get("/dev/shm");

  @Override
  public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context)
      throws IOException {
    if (Files.isDirectory(SHM) && Files.isWritable(SHM)) {
      return Files.createTempDirectory(SHM, "walrus-test-");
    }
    return Files.createTempDirectory("walrus-test-");
  }
}
