package dev.walrus.internal.engine;

import dev.walrus.NamespaceLockedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive ownership of a namespace directory: an OS file lock on {@code LOCK} (held
 * until close or process death, so a crashed owner never blocks a restart) plus a
 * process-wide registry, since the JVM does not let one process lock a file twice.
 */
final class NamespaceLock implements AutoCloseable {
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
  static final String FILE = "LOCK";

  private final Path dir;
  private final FileChannel channel;
  private final FileLock lock;

  private NamespaceLock(Path dir, FileChannel channel, FileLock lock) {
    this.dir = dir;
    this.channel = channel;
    this.lock = lock;
  }

  static NamespaceLock acquire(Path dir) throws IOException {
    Path key = dir.toRealPath();
    if (!HELD.add(key)) {
      throw new NamespaceLockedException(
          "namespace " + key + " is already open by another Walrus instance in this process");
    }
    FileChannel ch = null;
    try {
      Path file = key.resolve(FILE);
      if (!Files.exists(file)) {
        try {
          if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
          } else {
            Files.createFile(file);
          }
        } catch (java.nio.file.FileAlreadyExistsException ignored) {
          // another process created it first; locking decides
        }
      }
      ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      }
      if (l == null) {
        throw new NamespaceLockedException("namespace " + key
            + " is already open by another process (" + FILE + " is locked)");
      }
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(
          ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      return new NamespaceLock(key, ch, l);
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        ch.close();
      }
      HELD.remove(key);
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
      channel.close();
    } finally {
      HELD.remove(dir);
    }
  }
}
