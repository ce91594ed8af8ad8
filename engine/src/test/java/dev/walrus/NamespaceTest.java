package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.internal.format.NamespaceKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Namespaces: the seed's sanitising rule, isolation, and the data directory as a jail. */
class NamespaceTest {
  @TempDir Path dir;

  @Test
  void sanitisingKeepsSafeCharactersAndReplacesTheRest() {
    assertThat(NamespaceKeys.sanitize("tenant-123")).isEqualTo("tenant-123");
    assertThat(NamespaceKeys.sanitize("my.app_v2")).isEqualTo("my.app_v2");
    assertThat(NamespaceKeys.sanitize("a/b c:d")).isEqualTo("a_b_c_d");
    assertThat(NamespaceKeys.sanitize("../../etc")).isEqualTo(".._.._etc");
    assertThat(NamespaceKeys.sanitize("ünï")).isEqualTo("_n_");
  }

  @Test
  void sanitisingReplacesEachCharacterNotEachUtf16Unit() {
    // U+1F600 is one character (two UTF-16 units): one '_', as walrus-rust's chars() gives
    assertThat(NamespaceKeys.sanitize("a\uD83D\uDE00b")).isEqualTo("a_b");
    assertThat(NamespaceKeys.sanitize("\uD83D\uDE00x\uD83D\uDE00\uD83D\uDE00")).isEqualTo("_x__");
    assertThat(NamespaceKeys.sanitize("a\uD800b"))
        .as("an unpaired surrogate is one character")
        .isEqualTo("a_b");
    try (Walrus w = Walrus.builder().dataDir(dir).namespace("a\uD83D\uDE00b").open()) {
      assertThat(w.directory().getFileName().toString()).isEqualTo("a_b");
    }
  }

  @Test
  void emptyAllUnderscoreAndDotKeysBecomeChecksums() {
    // FNV-1a 64 of the key's UTF-8 bytes, lower-case hex without leading zeros (the seed's
    // format!("ns_{:x}", checksum64(key.as_bytes())))
    assertThat(NamespaceKeys.sanitize("")).isEqualTo("ns_cbf29ce484222325");
    assertThat(NamespaceKeys.sanitize("@#%!@")).isEqualTo("ns_3e606991055812");
    assertThat(NamespaceKeys.sanitize("///")).matches("ns_[1-9a-f][0-9a-f]*");
    assertThat(NamespaceKeys.sanitize("___")).matches("ns_[1-9a-f][0-9a-f]*");
    assertThat(NamespaceKeys.sanitize(".")).matches("ns_[1-9a-f][0-9a-f]*");
    assertThat(NamespaceKeys.sanitize("..")).matches("ns_[1-9a-f][0-9a-f]*");
    assertThat(NamespaceKeys.sanitize("///")).isNotEqualTo(NamespaceKeys.sanitize("???"));
    assertThat(NamespaceKeys.sanitize("x".repeat(10_000))).hasSizeLessThan(230);
  }

  @Test
  void hostileKeysStayInsideTheDataDirectory() {
    String[] keys = {
      "..", "../..", "/etc/passwd", "a/../../b", "\0", "..\\..", "x".repeat(10_000), "\uD800"
    };
    for (String k : keys) {
      try (Walrus w = Walrus.builder().dataDir(dir).namespace(k).open()) {
        w.appendForTopic("t", new byte[] {1});
        assertThat(w.directory().getParent()).isEqualTo(dir.toAbsolutePath().normalize());
      }
    }
  }

  @Test
  void namespacesAreIsolated() {
    try (Walrus a = Walrus.builder().dataDir(dir).namespace("tenant-a").open();
        Walrus b = Walrus.builder().dataDir(dir).namespace("tenant-b").open()) {
      a.appendForTopic("t", new byte[] {1});
      assertThat(b.readNext("t", true)).isEmpty();
      assertThat(a.directory()).isEqualTo(dir.toAbsolutePath().resolve("tenant-a"));
    }
  }

  @Test
  void filesAndDirectoriesAreOwnerOnly() throws Exception {
    try (Walrus w = Walrus.builder().dataDir(dir).namespace("private").open()) {
      w.appendForTopic("t", new byte[] {1});
      w.readNext("t", true);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(w.directory())))
          .isEqualTo("rwx------");
      try (Stream<Path> files = Files.list(w.directory())) {
        for (Path p : (Iterable<Path>) files::iterator) {
          assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
              .as(p.toString())
              .isEqualTo("rw-------");
        }
      }
    }
  }

  @Test
  void seedFactoriesUseTheEnvironmentsDataDirectory() {
    // surefire sets WALRUS_DATA_DIR to target/wal-env for this module
    String env = System.getenv(Walrus.ENV_DATA_DIR);
    assertThat(env).isNotNull();
    try (Walrus w = Walrus.newForKey("factory-test")) {
      assertThat(w.directory())
          .isEqualTo(Path.of(env).toAbsolutePath().normalize().resolve("factory-test"));
    }
    try (Walrus w = Walrus.withConsistencyForKey("factory-test", ReadConsistency.atLeastOnce(5))) {
      assertThat(w.consistency()).isEqualTo(ReadConsistency.atLeastOnce(5));
    }
    try (Walrus w =
        Walrus.withConsistencyAndScheduleForKey(
            "factory-test", ReadConsistency.strictlyAtOnce(), FsyncSchedule.noFsync())) {
      assertThat(w.fsyncSchedule()).isEqualTo(FsyncSchedule.noFsync());
    }
    try (Walrus w = Walrus.open()) {
      assertThat(w.directory()).isEqualTo(Path.of(env).toAbsolutePath().normalize());
    }
    try (Walrus w = Walrus.withConsistency(ReadConsistency.atLeastOnce(2))) {
      assertThat(w.consistency().persistEvery()).isEqualTo(2);
    }
    try (Walrus w =
        Walrus.withConsistencyAndSchedule(
            ReadConsistency.atLeastOnce(2), FsyncSchedule.syncEach())) {
      assertThat(w.fsyncSchedule()).isEqualTo(FsyncSchedule.syncEach());
    }
  }
}
