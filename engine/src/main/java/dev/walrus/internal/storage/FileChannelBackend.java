package dev.walrus.internal.storage;

import java.io.IOException;
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
import java.util.List;
import java.util.Set;

/**
 * The default backend: positional {@code FileChannel} reads and writes ({@code pread} /
 * {@code pwrite}), {@code DSYNC} for files opened with {@code syncWrites} (the metadata log
 * under SyncEach; data files are forced by their writers instead, see {@code GroupForce}).
 *
 * <p>Files are {@link ChannelFile}s: an interrupt of a thread doing I/O never closes a file
 * for anyone, and at most {@link DescriptorCache#capacity()} descriptors stay open however
 * many files there are (see {@code docs/ARCHITECTURE.md}, "Interrupts" and "Descriptors").
 * Fsyncs and directory syncs run where no interrupt reaches them ({@link Fsyncs}).
 */
public final class FileChannelBackend implements StorageBackend {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> FILE_PERMS =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR_PERMS =
      PosixFilePermissions.fromString("rwx------");

  private final DescriptorCache cache;

  /** A backend keeping at most {@link DescriptorCache#DEFAULT_CAPACITY} descriptors open. */
  public FileChannelBackend() {
    this(DescriptorCache.DEFAULT_CAPACITY);
  }

  /**
   * @param maxOpenFiles most descriptors kept open for files at once
   * @throws IllegalArgumentException if {@code maxOpenFiles < 1}
   */
  public FileChannelBackend(int maxOpenFiles) {
    this.cache = new DescriptorCache(maxOpenFiles);
  }

  /** @return the cache bounding this backend's descriptors; siblings register theirs too */
  public DescriptorCache descriptors() {
    return cache;
  }

  @Override
  public String name() {
    return "fd";
  }

  @Override
  public StorageFile create(Path path, long size, boolean syncWrites) throws IOException {
    ChannelFile f = new ChannelFile(path, openChannel(path, true, syncWrites), syncWrites, cache);
    try {
      if (size > 0) {
        // One zero byte at the end sets the size (the rest stays sparse, no zeros written),
        // through the descriptor just created: no second open that could follow a link.
        f.write(ByteBuffer.allocate(1), size - 1);
      }
    } catch (IOException | RuntimeException e) {
      f.close();
      Files.deleteIfExists(path); // ours (CREATE_NEW): a later attempt uses another name
      throw e;
    }
    return f;
  }

  @Override
  public StorageFile open(Path path, boolean create, boolean syncWrites) throws IOException {
    if (create) {
      try {
        return new ChannelFile(path, openChannel(path, true, syncWrites), syncWrites, cache);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // exists: open it below (never through a link)
      }
    }
    return new ChannelFile(path, openChannel(path, false, syncWrites), syncWrites, cache);
  }

  /**
   * Opens a file read-write without following a symbolic link in its last component;
   * {@code createNew} creates it owner-only and fails if anything (a link too) is there.
   *
   * @throws IOException naming the path, also when it is a symbolic link
   */
  static FileChannel openChannel(Path path, boolean createNew, boolean syncWrites)
      throws IOException {
    Set<java.nio.file.OpenOption> opts = new java.util.HashSet<>();
    opts.add(StandardOpenOption.READ);
    opts.add(StandardOpenOption.WRITE);
    opts.add(java.nio.file.LinkOption.NOFOLLOW_LINKS);
    if (createNew) {
      opts.add(StandardOpenOption.CREATE_NEW);
    }
    if (syncWrites) {
      opts.add(StandardOpenOption.DSYNC);
    }
    try {
      if (createNew && POSIX) {
        return FileChannel.open(path, opts, PosixFilePermissions.asFileAttribute(FILE_PERMS));
      }
      return FileChannel.open(path, opts);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw e;
    } catch (IOException e) {
      if (Files.isSymbolicLink(path)) {
        throw new java.nio.file.FileSystemException(
            path.toString(),
            null,
            "is a symbolic link; Walrus never follows symbolic links to its files");
      }
      throw e;
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
    try {
      Fsyncs.forceDirectory(dir);
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
    for (Path p = dir.toAbsolutePath().normalize();
        p != null && !Files.isDirectory(p);
        p = p.getParent()) {
      missing.push(p);
    }
    FileAttribute<?>[] attrs =
        POSIX
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
        Files.getFileAttributeView(
                p,
                java.nio.file.attribute.PosixFileAttributeView.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS)
            .setPermissions(DIR_PERMS);
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
}
