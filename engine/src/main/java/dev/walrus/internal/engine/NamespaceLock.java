package dev.walrus.internal.engine;

import dev.walrus.NamespaceLockedException;
import dev.walrus.UnsafePathException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exclusive ownership of a namespace directory, such that a second writer is impossible
 * while the owner lives, whatever happens to one file.
 *
 * <p><b>Two locked files.</b> The owner holds an exclusive OS lock ({@code fcntl}, through
 * {@link FileChannel#tryLock()}) on two owner-only files, {@value #FILE} (which also says
 * {@code pid N}) and {@value #GUARD}, until it closes or dies (a crashed owner never
 * blocks a restart: the OS drops its locks). An opener needs both. A lock lives on the
 * file (inode), not on its name, so deleting {@code LOCK} while the owner runs (as a temp
 * cleaner or a hasty operator might) would let a second opener create a new
 * {@code LOCK} and lock it; with one lock file that gave two writers, and the second
 * one's recovery lost the owner's acknowledged entries. With two, the second opener still
 * finds {@code OWNER} locked and gets {@link NamespaceLockedException}.
 *
 * <p><b>Checking and repairing.</b> Both files are opened without following links
 * ({@link LinkOption#NOFOLLOW_LINKS}: a link planted at either name is refused with
 * {@link UnsafePathException}). After locking, the opener checks the name still refers to
 * the file it locked (same {@code fileKey}, i.e. device and inode, before the open and
 * after the lock), and retries otherwise. The owner re-checks both names every second on
 * a maintenance thread ({@link #verify()}): a name
 * that is gone or refers to another file is re-created (or adopted) and locked again, so
 * one deleted file is repaired before a second one could be; each check also rewrites
 * {@code pid N} through the owner's own channel, so neither file ever looks stale to an
 * age-based cleaner. If the owner finds that it holds neither name any more (both deleted
 * and now held by someone else), a second writer may exist: {@link #verify()} throws and
 * the engine poisons itself (every later call fails with
 * {@link dev.walrus.WalrusPoisonedException}) rather than write beside it. Before it
 * creates a data file, the appending thread runs the read-only {@link #checkHeld()}: no
 * channel operation happens on a thread a user may interrupt.
 *
 * <p><b>Why not the directory itself.</b> Locking the namespace directory's own descriptor
 * would survive any file being deleted, but the JDK cannot: an exclusive
 * {@link FileLock} needs a channel open for writing, a directory can only be opened for
 * reading, and a shared lock excludes no one. Nor is a data file or the metadata log
 * used: data files are deleted by reclamation and the journal is replaced by rename at
 * compaction, so the lock would move from file to file, and other channels the engine
 * opens on those files (the mmap and io_uring backends) would release it when closed.
 *
 * <p><b>One JVM.</b> POSIX locks belong to the process, and closing <em>any</em> channel
 * on a locked file releases them, so the engine never opens either file a second time
 * while it holds them: a process-wide registry refuses a second instance on the same
 * directory (by real path) before anything is opened, and checks use {@code stat} only
 * (no {@code open}: even {@link Files#setLastModifiedTime} opens the file, so the
 * timestamp is refreshed by writing through the held channel instead). Tests and tools in
 * the same JVM must not copy or read these files while an instance holds them.
 *
 * <p>Thread-safe.
 */
final class NamespaceLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NamespaceLock.class);
  private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  /** The lock file that says which process owns the namespace. */
  static final String FILE = "LOCK";

  /** The second lock file. */
  static final String GUARD = "OWNER";

  private static final int ATTEMPTS = 10;

  private final Path dir;
  private final byte[] pid;
  private final Locked[] files;
  private boolean closed;

  /** One locked file: its name, the channel and lock on it, and its identity. */
  private static final class Locked {
    final Path path;
    final FileChannel channel;
    final FileLock lock;
    final Object key;

    Locked(Path path, FileChannel channel, FileLock lock, Object key) {
      this.path = path;
      this.channel = channel;
      this.lock = lock;
      this.key = key;
    }

    void close() throws IOException {
      try {
        lock.release();
      } finally {
        channel.close();
      }
    }
  }

  private NamespaceLock(Path dir, byte[] pid, Locked[] files) {
    this.dir = dir;
    this.pid = pid;
    this.files = files;
  }

  /**
   * Takes ownership of {@code dir}.
   *
   * @throws NamespaceLockedException if another instance or process owns it
   * @throws UnsafePathException if a lock file is a link or not a regular file
   */
  static NamespaceLock acquire(Path dir) throws IOException {
    // The opener's thread may be interrupted: an interrupted FileChannel operation closes
    // the channel (releasing its lock) and fails. So the interrupt status is set aside while
    // the files are locked, and an interrupt that still closes a channel mid-way makes the
    // whole acquisition (already undone by then) start again; the status is restored.
    boolean interrupted = Thread.interrupted();
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          return acquireOnce(dir);
        } catch (java.nio.channels.ClosedByInterruptException e) {
          interrupted = true;
          Thread.interrupted();
          if (attempt == ATTEMPTS) {
            throw e;
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static NamespaceLock acquireOnce(Path dir) throws IOException {
    Path key = dir.toRealPath();
    if (!HELD.add(key)) {
      throw new NamespaceLockedException(
          "namespace " + key + " is already open by another Walrus instance in this process");
    }
    byte[] pid = ("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8);
    Locked[] files = new Locked[2];
    try {
      String[] names = {FILE, GUARD};
      for (int i = 0; i < names.length; i++) {
        Path p = key.resolve(names[i]);
        files[i] = lock(p);
        if (files[i] == null) {
          throw new NamespaceLockedException(
              "namespace " + key + " is already open by another process (" + p + " is locked)");
        }
      }
      for (Locked l : files) {
        writePid(l, pid);
      }
      return new NamespaceLock(key, pid, files);
    } catch (IOException | RuntimeException e) {
      for (Locked l : files) {
        if (l != null) {
          try {
            l.close();
          } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
      }
      HELD.remove(key);
      throw e;
    }
  }

  /**
   * Opens (creating owner-only if missing, never following a link) and locks {@code p},
   * making sure the name still refers to the locked file.
   *
   * @return the locked file, or null if another process holds the lock
   */
  private static Locked lock(Path p) throws IOException {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Object before = keyOf(p);
      if (before == null) {
        try {
          if (POSIX) {
            Files.createFile(
                p,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          } else {
            Files.createFile(p);
          }
        } catch (java.nio.file.FileAlreadyExistsException raced) {
          // created meanwhile (or a dangling link): looked at again below
        }
        continue;
      }
      FileChannel ch;
      try {
        ch =
            FileChannel.open(
                p, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException gone) {
        continue;
      } catch (FileSystemException e) {
        if (Files.isSymbolicLink(p)) {
          throw unsafe(p, e);
        }
        throw e;
      }
      FileLock l;
      try {
        l = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        l = null;
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
      if (l == null) {
        ch.close();
        return null;
      }
      Object after = keyOf(p);
      if (after != null && after.equals(before)) {
        return new Locked(p, ch, l, after);
      }
      // the name was deleted or replaced between the open and the lock: what is locked is
      // not what the next opener would find; start again
      l.release();
      ch.close();
    }
    throw new IOException("cannot lock " + p + ": it keeps being replaced");
  }

  /** @return the file's identity (device and inode), not following a link; null if missing */
  private static Object keyOf(Path p) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (a.isSymbolicLink()) {
      throw unsafe(p, null);
    }
    if (!a.isRegularFile()) {
      throw new UnsafePathException("lock file " + p + " is not a regular file");
    }
    Object k = a.fileKey();
    // Without file keys (not on Linux or macOS) identity falls back to the creation time.
    return k != null ? k : a.creationTime();
  }

  private static UnsafePathException unsafe(Path p, Throwable cause) {
    return new UnsafePathException(
        "lock file "
            + p
            + " is a symbolic link; the engine"
            + " follows no link it did not create (remove it)",
        cause);
  }

  private static void writePid(Locked l, byte[] pid) throws IOException {
    l.channel.truncate(pid.length);
    ByteBuffer b = ByteBuffer.wrap(pid);
    long pos = 0;
    while (b.hasRemaining()) {
      pos += l.channel.write(b, pos);
    }
  }

  /**
   * Checks, without touching the lock files' channels, that the owner still holds at least
   * one of the two names. For callers' threads (before each new data file): a caller's
   * thread may be interrupted, and an interrupted {@code FileChannel} operation closes the
   * channel — which would release the lock. Repairs are left to {@link #verify()} on the
   * maintenance threads, which nothing interrupts (the process's shared ones, see
   * {@code internal.maintenance}).
   *
   * @throws IOException if neither name is held any more: ownership is lost
   */
  synchronized void checkHeld() throws IOException {
    if (closed) {
      return;
    }
    StringBuilder lost = new StringBuilder();
    for (Locked l : files) {
      try {
        if (Objects.equals(keyOf(l.path), l.key)) {
          return;
        }
        lost.append(' ').append(l.path).append(" was deleted or replaced");
      } catch (UnsafePathException e) {
        lost.append(' ').append(e.getMessage());
      }
    }
    throw new IOException(
        "ownership of namespace "
            + dir
            + " is lost:"
            + lost
            + "; another process may be writing here, so this instance stops");
  }

  /**
   * Checks that the owner still holds both names, re-creating and re-locking a name that
   * was deleted or replaced, and refreshes both files' modification times. Only for the
   * maintenance thread (it writes through the lock files' channels: see
   * {@link #checkHeld()}).
   *
   * @throws IOException if neither name is held any more: ownership is lost (another
   *     process may be writing here), or a check failed
   */
  synchronized void verify() throws IOException {
    if (closed) {
      return; // a check racing with close: nothing is owned any more
    }
    int held = 0;
    StringBuilder lost = new StringBuilder();
    for (int i = 0; i < files.length; i++) {
      Locked l = files[i];
      Object now;
      try {
        now = keyOf(l.path);
      } catch (UnsafePathException e) {
        lost.append(' ').append(e.getMessage());
        continue; // a link or a directory put in its place: not ours, and not to be opened
      }
      if (Objects.equals(now, l.key)) {
        writePid(l, pid); // refreshes the modification time, through our own channel
        held++;
        continue;
      }
      if (now != null && isOurs(now)) {
        lost.append(' ').append(l.path).append(" is now the other lock file");
        continue; // never open a file we hold a lock on: closing it would drop the lock
      }
      Locked again;
      try {
        again = lock(l.path);
      } catch (UnsafePathException e) {
        lost.append(' ').append(e.getMessage());
        continue;
      }
      if (again == null) {
        lost.append(' ').append(l.path).append(" is locked by another process");
        continue;
      }
      writePid(again, pid);
      files[i] = again;
      try {
        l.close(); // a different file (deleted or renamed): closing it releases nothing else
      } catch (IOException ignored) {
        // it was already gone
      }
      LOG.warn(
          "{} was deleted or replaced while this instance owned {}; locked it again", l.path, dir);
      held++;
    }
    if (held == 0) {
      throw new IOException(
          "ownership of namespace "
              + dir
              + " is lost:"
              + lost
              + "; another process may be writing here, so this instance stops");
    }
  }

  private boolean isOurs(Object key) {
    for (Locked l : files) {
      if (l.key.equals(key)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException failure = null;
    try {
      for (Locked l : files) {
        try {
          l.close();
        } catch (IOException e) {
          failure = e;
        }
      }
    } finally {
      HELD.remove(dir);
    }
    if (failure != null) {
      throw failure;
    }
  }
}
