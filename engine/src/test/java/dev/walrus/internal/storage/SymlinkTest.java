package dev.walrus.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.internal.storage.uring.IoUringBackend;
import dev.walrus.internal.storage.uring.IoUringRing;
import dev.walrus.testkit.IoUringMachine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §8: no backend follows a symbolic link where it expects one of its files. Opening
 * fails with an exception naming the path, creating refuses anything already there, and
 * the link's target is never written.
 */
class SymlinkTest {
  @TempDir Path dir;
  private final List<StorageBackend> backends = new ArrayList<>();

  private List<StorageBackend> all() throws IOException {
    backends.add(new FileChannelBackend());
    backends.add(new MappedFileBackend());
    if (IoUringMachine.available()) {
      backends.add(new IoUringBackend(IoUringRing.start()));
    }
    return backends;
  }

  @AfterEach
  void close() {
    backends.forEach(StorageBackend::close);
  }

  @Test
  void noBackendOpensOrCreatesThroughASymbolicLink() throws IOException {
    Path target = Files.write(dir.resolve("target"), new byte[8192]);
    for (StorageBackend b : all()) {
      Path link = Files.createSymbolicLink(dir.resolve("wal-" + b.name() + ".log"), target);
      Path dangling =
          Files.createSymbolicLink(
              dir.resolve("dangling-" + b.name()), dir.resolve("nowhere-" + b.name()));

      assertThatThrownBy(() -> b.openPreallocated(link, false))
          .as(b.name())
          .isInstanceOf(IOException.class)
          .hasMessageContaining(link.toString())
          .hasMessageContaining("symbolic link");
      assertThatThrownBy(() -> b.open(link, false, false))
          .as(b.name())
          .isInstanceOf(IOException.class)
          .hasMessageContaining(link.toString());
      assertThatThrownBy(() -> b.open(dangling, true, false))
          .as(b.name())
          .isInstanceOf(IOException.class)
          .hasMessageContaining(dangling.toString());
      assertThatThrownBy(() -> b.create(link, 4096, false))
          .as(b.name())
          .isInstanceOf(FileAlreadyExistsException.class);
      assertThatThrownBy(() -> b.create(dangling, 4096, false))
          .as(b.name())
          .isInstanceOf(FileAlreadyExistsException.class);
      assertThat(Files.exists(dir.resolve("nowhere-" + b.name())))
          .as("nothing created behind " + "a dangling link")
          .isFalse();
    }
    assertThat(Files.readAllBytes(target)).as("the target is never written").containsOnly(0);
    assertThat(Files.size(target)).isEqualTo(8192);
  }

  @Test
  void createdFilesHaveTheirSizeAndAreOwnerOnly() throws IOException {
    for (StorageBackend b : all()) {
      Path p = dir.resolve("wal-new-" + b.name() + ".log");
      try (StorageFile f = b.create(p, 65536, false)) {
        assertThat(f.size()).isEqualTo(65536);
        ByteBuffer one = ByteBuffer.allocateDirect(16);
        f.write(ByteBuffer.allocateDirect(16).put(0, (byte) 7), 100);
        f.read(one, 100);
        assertThat(one.get(0)).isEqualTo((byte) 7);
      }
      assertThat(Files.getPosixFilePermissions(p))
          .as(b.name())
          .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }
  }
}
