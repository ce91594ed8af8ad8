package dev.walrus.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Walrus;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §8: every directory the engine creates is owner-only, whatever the umask; a
 * directory that already existed is left as it was.
 */
class DirectoryPermissionsTest {
  @TempDir Path tmp;

  private static String perms(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void everyCreatedParentOfTheDataDirectoryIsOwnerOnly() throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-x---"));
    Path data = tmp.resolve("a").resolve("b").resolve("data");
    try (Walrus w = Walrus.builder().dataDir(data).namespace("tenant").open()) {
      w.appendForTopic("t", new byte[] {1});
    }
    for (Path p : List.of(tmp.resolve("a"), tmp.resolve("a/b"), data, data.resolve("tenant"))) {
      assertThat(perms(p)).as(p.toString()).isEqualTo("rwx------");
    }
    assertThat(perms(tmp)).as("an existing directory is not changed").isEqualTo("rwxr-x---");
  }

  @Test
  void underUmask000CreatedDirectoriesAndFilesAreStillOwnerOnly() throws Exception {
    Path data = tmp.resolve("x").resolve("data");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cmd = "umask 000; exec '" + java + "' -Xshare:auto -XX:TieredStopAtLevel=1 -cp '"
        + System.getProperty("java.class.path") + "' " + FilesChild.class.getName()
        + " create '" + data + "' tenant";
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("child.log").toFile());
    pb.environment().put("WALRUS_QUIET", "1");
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child finished").isTrue();
    assertThat(p.exitValue()).as(Files.readString(tmp.resolve("child.log"))).isZero();
    for (Path d : List.of(tmp.resolve("x"), data, data.resolve("tenant"))) {
      assertThat(perms(d)).as(d.toString()).isEqualTo("rwx------");
    }
    try (Stream<Path> files = Files.list(data.resolve("tenant"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        assertThat(perms(f)).as(f.toString()).isEqualTo("rw-------");
      }
    }
    assertThat(new File(data.toFile(), "tenant").list()).isNotEmpty();
  }
}
