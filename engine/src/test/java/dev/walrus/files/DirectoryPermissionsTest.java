package dev.walrus.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Walrus;
import dev.walrus.testkit.ChildJvm;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
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
    Path log = tmp.resolve("child.log");
    ChildJvm child =
        ChildJvm.builder(FilesChild.class)
            .heap(null)
            .args("create", data.toString(), "tenant")
            .underShell("umask 000")
            .stdoutTo(log)
            .start();
    assertThat(child.awaitExit(60)).as("child finished").isTrue();
    assertThat(child.exitValue()).as(Files.readString(log)).isZero();
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
