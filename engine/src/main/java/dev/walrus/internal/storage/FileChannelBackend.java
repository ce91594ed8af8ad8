package dev.walrus.internal.storage;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The default backend: positional {@code FileChannel} reads and writes ({@code pread} /
 * {@code pwrite}), {@code DSYNC} for the SyncEach schedule.
 */
public final class FileChannelBackend implements StorageBackend {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> FILE_PERMS = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR_PERMS = PosixFilePermissions.fromString("rwx------");

  @Override
  public String name() {
    return "fd";
  }

  @Override
  public StorageFile create(Path path, long size, boolean syncWrites) throws IOException {
    createOwnerOnly(path);
    try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
      raf.setLength(size); // ftruncate: sparse, no zeros written
    }
    return open(path, false, syncWrites);
  }

  @Override
  public StorageFile open(Path path, boolean create, boolean syncWrites) throws IOException {
    if (create && !Files.exists(path)) {
      createOwnerOnly(path);
    }
    Set<StandardOpenOption> opts = EnumSet.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
    if (syncWrites) {
      opts.add(StandardOpenOption.DSYNC);
    }
    return new ChannelFile(path, FileChannel.open(path, opts));
  }

  private static void createOwnerOnly(Path path) throws IOException {
    if (POSIX) {
      Files.createFile(path, PosixFilePermissions.asFileAttribute(FILE_PERMS));
    } else {
      Files.createFile(path);
    }
  }

  @Override
  public void delete(Path path) throws IOException {
    Files.deleteIfExists(path);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open directories; Linux can, and there a failure is real.
      if (System.getProperty("os.name", "").toLowerCase().contains("linux")) {
        throw e;
      }
    }
  }

  /**
   * Creates {@code dir} and every missing parent, each owner-only ({@code rwx------}): the
   * permissions are set explicitly after creation, so the umask cannot change them.
   * Directories that already exist are left exactly as they are.
   */
  @Override
  public void createDirectories(Path dir) throws IOException {
    java.util.ArrayDeque<Path> missing = new java.util.ArrayDeque<>();
    for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.isDirectory(p);
        p = p.getParent()) {
      missing.push(p);
    }
    FileAttribute<?>[] attrs = POSIX
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIR_PERMS)}
        : new FileAttribute<?>[0];
    while (!missing.isEmpty()) {
      Path p = missing.pop();
      try {
        Files.createDirectory(p, attrs);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (!Files.isDirectory(p)) {
          throw e;
        }
        continue; // made by someone else meanwhile: not ours to change
      }
      if (POSIX) {
        // The attribute above is masked by the umask; set the permissions themselves (on
        // the directory just made, not through a link put in its place).
        Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class,
            java.nio.file.LinkOption.NOFOLLOW_LINKS).setPermissions(DIR_PERMS);
      }
    }
  }

  @Override
  public List<Path> list(Path dir, String glob) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
      for (Path p : ds) {
        if (Files.isRegularFile(p)) {
          out.add(p);
        }
      }
    }
    out.sort(null);
    return out;
  }

  /** A file behind a positional FileChannel. */
  private static final class ChannelFile implements StorageFile {
    private final Path path;
    private final FileChannel ch;

    ChannelFile(Path path, FileChannel ch) {
      this.path = path;
      this.ch = ch;
    }

    @Override
    public Path path() {
      return path;
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      long pos = position;
      while (src.hasRemaining()) {
        pos += ch.write(src, pos);
      }
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      int total = 0;
      while (dst.hasRemaining()) {
        int n = ch.read(dst, position + total);
        if (n < 0) {
          break;
        }
        total += n;
      }
      return total;
    }

    @Override
    public void force() throws IOException {
      ch.force(false);
    }

    @Override
    public long size() throws IOException {
      return ch.size();
    }

    @Override
    public void truncate(long size) throws IOException {
      ch.truncate(size);
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }
}
