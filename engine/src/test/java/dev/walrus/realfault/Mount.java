package dev.walrus.realfault;

import dev.walrus.NamespaceFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A file system this test mounted: a small tmpfs, or an ext4 image in {@code /tmp} attached
 * to a loop device. Mount points are unique directories under {@code /tmp}; {@link #close()}
 * always unmounts ({@code umount -l} as a last resort), detaches the loop device and deletes
 * what it created.
 */
final class Mount implements AutoCloseable {
  private final Path root; // holds the mount point and, for ext4, the image (outside the mount)
  private final Path mnt;
  private final Path image; // null for tmpfs
  private String loop; // the loop device while attached
  private boolean mounted;

  private Mount(Path root, Path image) {
    this.root = root;
    this.mnt = root.resolve("mnt");
    this.image = image;
  }

  /** Mounts a tmpfs of {@code mib} MiB. */
  static Mount tmpfs(int mib) throws IOException {
    Mount m =
        new Mount(Files.createTempDirectory(Path.of("/tmp"), "walrus-realfault-tmpfs-"), null);
    try {
      Files.createDirectory(m.mnt);
      RealFaultMachine.run(
          20,
          "mount",
          "-t",
          "tmpfs",
          "-o",
          "size=" + mib + "m,mode=0700",
          "walrus-realfault",
          m.mnt.toString());
      m.mounted = true;
      return m;
    } catch (IOException | RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /**
   * Creates an ext4 image of {@code mib} MiB (no blocks reserved for root: the suite runs as
   * root and must be able to fill it), attaches it to a loop device and mounts it. */
  static Mount ext4(int mib) throws IOException {
    Path root = Files.createTempDirectory(Path.of("/tmp"), "walrus-realfault-ext4-");
    Mount m = new Mount(root, root.resolve("ext4.img"));
    try {
      Files.createDirectory(m.mnt);
      RealFaultMachine.run(20, "truncate", "-s", mib + "M", m.image.toString());
      RealFaultMachine.run(
          60,
          "mkfs.ext4",
          "-q",
          "-F",
          "-m",
          "0",
          "-E",
          "lazy_itable_init=0,lazy_journal_init=0",
          m.image.toString());
      m.attachAndMount();
      return m;
    } catch (IOException | RuntimeException e) {
      m.close();
      throw e;
    }
  }

  private void attachAndMount() throws IOException {
    loop = RealFaultMachine.run(20, "losetup", "-f", "--show", image.toString()).trim();
    // commit=300: no periodic journal commit writes dirty pages back during a test, so what
    // reaches the image is what the engine forced (and the flusher's 30 s expiry is longer
    // than any test): a power cut then loses everything unforced, as it should
    RealFaultMachine.run(30, "mount", "-t", "ext4", "-o", "commit=300", loop, mnt.toString());
    mounted = true;
  }

  /** @return the mount point */
  Path path() {
    return mnt;
  }

  /**
   * {@code EXT4_IOC_SHUTDOWN} through {@code xfs_io}: with {@code flushLog}, like a crash
   * after the journal was flushed ({@code shutdown -f}); without, like a power cut (the
   * page cache and the unflushed journal never reach the image). Every later write, fsync
   * and page fault on the file system fails with EIO.
   */
  void shutdown(boolean flushLog) throws IOException {
    if (image == null) {
      throw new IllegalStateException("only an ext4 image can be shut down");
    }
    RealFaultMachine.run(
        20, "xfs_io", "-x", "-c", flushLog ? "shutdown -f" : "shutdown", mnt.toString());
  }

  /** Unmounts, detaches and mounts the image again: what a reboot after the fault would see. */
  void remount() throws IOException {
    unmountAndDetach();
    attachAndMount();
  }

  private void unmountAndDetach() throws IOException {
    IOException failed = null;
    if (mounted) {
      IOException busy = umount();
      if (busy != null) {
        System.gc(); // an instance that failed to close may still map files here: unmap them
        IOException again = umount();
        if (again == null) {
          busy = null;
        } else {
          busy.addSuppressed(again);
        }
      }
      if (busy != null) {
        try {
          RealFaultMachine.run(30, "umount", "-l", mnt.toString()); // detached; freed when idle
          System.out.println(
              "RealFault: " + this + " was busy, unmounted lazily: " + busy.getMessage());
        } catch (IOException e2) {
          busy.addSuppressed(e2);
          failed = busy;
        }
      }
      mounted = false;
    }
    if (loop != null) {
      try {
        RealFaultMachine.run(30, "losetup", "-d", loop);
      } catch (IOException e) {
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
      }
      loop = null;
    }
    if (failed != null) {
      throw failed;
    }
  }

  /** @return null once unmounted, or why not */
  private IOException umount() {
    try {
      RealFaultMachine.run(30, "umount", mnt.toString());
      return null;
    } catch (IOException e) {
      return e;
    }
  }

  @Override
  public void close() throws IOException {
    unmountAndDetach(); // if this throws, the mount point is left: never delete through a mount
    NamespaceFiles.deleteTree(root);
  }

  @Override
  public String toString() {
    return (image == null ? "tmpfs " : "ext4 " + loop + " ") + mnt;
  }
}
