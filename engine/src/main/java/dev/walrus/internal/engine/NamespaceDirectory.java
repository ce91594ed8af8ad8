package dev.walrus.internal.engine;

import dev.walrus.UnsafePathException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * Checks, before an instance reads or writes anything in it, that a namespace directory
 * is what the engine would have made: a real directory (not a symbolic link) owned by the
 * user the process runs as, in which every name the engine uses ({@code LOCK}, the cursor
 * journal, data files) is a regular file and not a link. Links are inspected with
 * {@link LinkOption#NOFOLLOW_LINKS}, so nothing is followed; any other entry is left alone.
 * Failures are {@link UnsafePathException}s naming the path, except a namespace path that
 * is a regular file, which is an I/O error (the directory cannot be created).
 */
final class NamespaceDirectory {
  private static final Set<String> FIXED_NAMES =
      Set.of(NamespaceLock.FILE, NamespaceLock.GUARD, "cursors.log", "cursors.tmp");

  private NamespaceDirectory() {}

  /**
   * Creates the directory (owner-only, with missing parents) if nothing is at its path, and
   * checks it: something already there (a link, a file) is checked before anything is
   * created, so it is refused rather than created through.
   */
  static void prepare(dev.walrus.internal.storage.StorageBackend backend, Path dir)
      throws IOException {
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      check(dir);
    }
    backend.createDirectories(dir);
    check(dir);
  }

  /** @throws UnsafePathException if {@code dir} or one of the engine's names in it is unsafe */
  static void check(Path dir) throws IOException {
    BasicFileAttributes a =
        Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (a.isSymbolicLink()) {
      throw new UnsafePathException(
          "namespace directory "
              + dir
              + " is a symbolic link;"
              + " the engine follows no link inside the data directory");
    }
    if (!a.isDirectory()) {
      // not a question of links: the directory cannot be made (WalrusIOException at open)
      throw new java.nio.file.NotDirectoryException(dir.toString());
    }
    Integer owner = ProcessUser.uidOf(dir);
    Integer me = ProcessUser.uid();
    if (owner != null && me != null && !owner.equals(me)) {
      throw new UnsafePathException(
          "namespace directory "
              + dir
              + " is owned by uid "
              + owner
              + ", not by this process's user (uid "
              + me
              + ")");
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (!FIXED_NAMES.contains(name) && !(name.startsWith("wal-") && name.endsWith(".log"))) {
          continue;
        }
        BasicFileAttributes fa =
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (fa.isSymbolicLink()) {
          throw new UnsafePathException(
              p
                  + " is a symbolic link; the engine follows no link"
                  + " it did not create (remove it)");
        }
        if (!fa.isRegularFile()) {
          throw new UnsafePathException(p + " is not a regular file");
        }
      }
    }
  }
}
