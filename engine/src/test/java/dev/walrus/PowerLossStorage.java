package dev.walrus;

import dev.walrus.internal.storage.FileChannelBackend;
import dev.walrus.internal.storage.ForwardingStorageFile;
import dev.walrus.internal.storage.StorageBackend;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Simulated power loss under the engine's file-I/O seam, after SQLite's crash tests and
 * RocksDB's {@code FaultInjectionTestFS}. Every operation is passed to the real FD backend
 * (so the engine reads back what it wrote, as from the page cache) and also recorded:
 *
 * <ul>
 *   <li>per file (inode): the bytes last made durable — by {@code force}/{@code forceAll},
 *       or at once for a file opened with {@code syncWrites} (SyncEach's {@code DSYNC}) —
 *       and the writes and truncations since, in order;</li>
 *   <li>per directory: the names as of the last {@code syncDirectory}, and the creates,
 *       deletes and renames since.</li>
 * </ul>
 *
 * {@link #crash(Random, Path)} writes the image a power cut could leave: each unsynced
 * directory operation survives or not (a rename as a unit); each unsynced write is kept,
 * dropped, or torn (each 512-byte sector it touches kept or not independently); each
 * unsynced truncation is kept or not. Synced state always survives. A crash can be armed
 * to happen by itself at the n-th mutating operation ({@link #crashAtOp}), taken under the
 * same lock as every operation, so the image is a consistent instant.
 *
 * <p>Files the backend has not seen created (opened after a restart) count as durable.
 * Files created behind its back ({@code LOCK}) are not part of the image; the engine
 * recreates them.
 */
final class PowerLossStorage implements StorageBackend {
  static final int SECTOR = 512;

  private final FileChannelBackend real = new FileChannelBackend();
  private final Object lock = new Object();
  private final Path root;
  private final Map<Path, Inode> names = new HashMap<>(); // what the page cache shows
  private final Map<Path, Inode> durableNames = new HashMap<>();
  private final List<DirOp> dirOps = new ArrayList<>();
  private long ops;
  private long crashAt = -1;
  private Random crashRandom;
  private Path image;
  private volatile boolean crashed;

  /** Statistics for the reliability report. */
  long writesTorn;

  long writesDropped;
  long writesKept;

  /** @param root the directory every file lives under; the image mirrors it */
  PowerLossStorage(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    if (Files.isDirectory(this.root)) { // what is already there survives, opened or not
      try (java.util.stream.Stream<Path> s = Files.list(this.root)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          if (Files.isRegularFile(p)) {
            inode(p);
          }
        }
      }
    }
  }

  /** Arms a crash at the {@code op}-th mutating operation from now, into {@code image}. */
  void crashAtOp(long op, Random rnd, Path image) {
    synchronized (lock) {
      this.crashAt = ops + op;
      this.crashRandom = rnd;
      this.image = image;
    }
  }

  /** @return true once the armed (or an explicit) crash image has been taken */
  boolean crashed() {
    return crashed;
  }

  /** Takes the crash image now if the armed crash has not happened yet. */
  void crashNowIfArmed() throws IOException {
    synchronized (lock) {
      if (!crashed && image != null) {
        crash(crashRandom, image);
      }
    }
  }

  private void tick() throws IOException {
    // called with the lock held, before the operation: the crash is "just before" it
    ops++;
    if (!crashed && crashAt >= 0 && ops >= crashAt) {
      crash(crashRandom, image);
    }
  }

  /** Writes what a power cut now could leave of {@code root} into {@code out}. */
  void crash(Random rnd, Path out) throws IOException {
    synchronized (lock) {
      Map<Path, Inode> survive =
          new java.util.TreeMap<>(durableNames); // a stable order: seeds replay
      for (DirOp op : dirOps) {
        if (!rnd.nextBoolean()) {
          continue;
        }
        switch (op.kind) {
          case CREATE:
            survive.put(op.path, op.inode);
            break;
          case DELETE:
            survive.remove(op.path);
            break;
          default: // RENAME
            Inode i = survive.remove(op.path);
            if (i != null) {
              survive.put(op.target, i);
            }
        }
      }
      for (Map.Entry<Path, Inode> e : survive.entrySet()) {
        Path target = out.resolve(root.relativize(e.getKey()).toString());
        Files.createDirectories(target.getParent());
        Files.write(target, e.getValue().afterPowerLoss(rnd));
      }
      crashed = true;
    }
  }

  /**
   * A deterministic power cut: every unsynced directory operation survives if
   * {@code keepDirOps}, and each unsynced write survives whole iff {@code keepWrite} says so.
   */
  void crash(Path out, boolean keepDirOps, Predicate<byte[]> keepWrite) throws IOException {
    crash(out, keepDirOps, (path, data) -> keepWrite.test(data));
  }

  /**
   * The same, with {@code keepWrite} told which file each unsynced write went to.
   */
  void crash(Path out, boolean keepDirOps, java.util.function.BiPredicate<Path, byte[]> keepWrite)
      throws IOException {
    synchronized (lock) {
      Map<Path, Inode> survive =
          new java.util.TreeMap<>(durableNames); // a stable order: seeds replay
      if (keepDirOps) {
        for (DirOp op : dirOps) {
          switch (op.kind) {
            case CREATE:
              survive.put(op.path, op.inode);
              break;
            case DELETE:
              survive.remove(op.path);
              break;
            default:
              Inode i = survive.remove(op.path);
              if (i != null) {
                survive.put(op.target, i);
              }
          }
        }
      }
      for (Map.Entry<Path, Inode> e : survive.entrySet()) {
        Path target = out.resolve(root.relativize(e.getKey()).toString());
        Files.createDirectories(target.getParent());
        Inode i = e.getValue();
        byte[] img = Arrays.copyOf(i.durable, (int) Math.max(i.durableSize, i.durable.length));
        long size = i.durableSize;
        for (Op op : i.pending) {
          if (op.data == null || !keepWrite.test(e.getKey(), op.data)) {
            continue;
          }
          long end = op.pos + op.data.length;
          if (img.length < end) {
            img = Arrays.copyOf(img, (int) end);
          }
          System.arraycopy(op.data, 0, img, (int) op.pos, op.data.length);
          size = Math.max(size, end);
        }
        Files.write(target, img.length == size ? img : Arrays.copyOf(img, (int) size));
      }
      crashed = true;
    }
  }

  /** Files opened before the last {@link #kill()} belong to a dead process. */
  private int generation;

  private volatile boolean dead;

  /**
   * Kills the process using this backend (kill -9): from now on, what its open files do
   * (writes, forces, truncations) and every directory operation or sync is ignored, so
   * closing its instance only releases the lock. What it wrote stays as it was: in the
   * page cache (the real files), unforced unless it was forced. Call {@link #restart()}
   * before the next process opens the namespace through this backend.
   */
  void kill() {
    synchronized (lock) {
      generation++;
      dead = true;
    }
  }

  /** The next process starts: operations count again (the page cache is still there). */
  void restart() {
    dead = false;
  }

  /** Test hook run before every force, outside the lock, with the file's path. */
  volatile Consumer<Path> beforeForce = p -> {};

  private Inode inode(Path p) throws IOException {
    Path k = p.toAbsolutePath().normalize();
    Inode i = names.get(k);
    if (i == null) { // existed before this backend: durable as found
      i = new Inode();
      byte[] b = Files.readAllBytes(k);
      i.durable = b;
      i.durableSize = b.length;
      names.put(k, i);
      durableNames.put(k, i);
    }
    return i;
  }

  @Override
  public String name() {
    return "power-loss-fd";
  }

  @Override
  public StorageFile create(Path path, long size, boolean syncWrites) throws IOException {
    synchronized (lock) {
      tick();
      StorageFile f = real.create(path, size, false);
      Inode i = new Inode();
      i.durable = new byte[0];
      i.durableSize = size; // the ftruncate comes with the name (fdatasync would flush it)
      Path k = path.toAbsolutePath().normalize();
      names.put(k, i);
      dirOps.add(new DirOp(DirKind.CREATE, k, null, i));
      return new Recorded(f, i, syncWrites);
    }
  }

  @Override
  public StorageFile openPreallocated(Path path, boolean syncWrites) throws IOException {
    return open(path, false, syncWrites);
  }

  @Override
  public StorageFile open(Path path, boolean create, boolean syncWrites) throws IOException {
    synchronized (lock) {
      Path k = path.toAbsolutePath().normalize();
      if (create && !Files.exists(k)) {
        tick();
        StorageFile f = real.open(path, true, false);
        Inode i = new Inode();
        i.durable = new byte[0];
        i.durableSize = 0;
        names.put(k, i);
        dirOps.add(new DirOp(DirKind.CREATE, k, null, i));
        return new Recorded(f, i, syncWrites);
      }
      StorageFile f = real.open(path, create, false);
      return new Recorded(f, inode(k), syncWrites);
    }
  }

  @Override
  public void forceAll(List<StorageFile> files) throws IOException {
    for (StorageFile f : files) {
      f.force();
    }
  }

  @Override
  public void delete(Path path) throws IOException {
    synchronized (lock) {
      if (dead) {
        return;
      }
      tick();
      Path k = path.toAbsolutePath().normalize();
      real.delete(path);
      if (names.remove(k) != null) {
        dirOps.add(new DirOp(DirKind.DELETE, k, null, null));
      }
    }
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    synchronized (lock) {
      if (dead) {
        return;
      }
      tick();
      Path s = source.toAbsolutePath().normalize();
      Path t = target.toAbsolutePath().normalize();
      Inode i = inode(s);
      real.rename(source, target);
      names.remove(s);
      names.put(t, i);
      dirOps.add(new DirOp(DirKind.RENAME, s, t, i));
    }
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    synchronized (lock) {
      if (dead) {
        return;
      }
      tick();
      Path d = dir.toAbsolutePath().normalize();
      List<DirOp> rest = new ArrayList<>();
      for (DirOp op : dirOps) {
        if (!op.path.getParent().equals(d)) {
          rest.add(op);
          continue;
        }
        switch (op.kind) {
          case CREATE:
            durableNames.put(op.path, op.inode);
            break;
          case DELETE:
            durableNames.remove(op.path);
            break;
          default:
            Inode i = durableNames.remove(op.path);
            durableNames.put(op.target, i != null ? i : op.inode);
        }
      }
      dirOps.clear();
      dirOps.addAll(rest);
    }
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    real.createDirectories(dir); // directories themselves are assumed to survive
  }

  @Override
  public List<Path> list(Path dir, String glob) throws IOException {
    return real.list(dir, glob);
  }

  private enum DirKind {
    CREATE,
    DELETE,
    RENAME
  }

  private record DirOp(DirKind kind, Path path, Path target, Inode inode) {}

  /** One unsynced write (data != null) or truncation. */
  private record Op(long pos, byte[] data, long truncateTo) {}

  /** A file's durable bytes and what was done to it since they were made durable. */
  private final class Inode {
    byte[] durable;
    long durableSize;
    final List<Op> pending = new ArrayList<>();

    void write(long pos, byte[] data, boolean sync) {
      if (sync) {
        applyDurable(new Op(pos, data, -1));
      } else {
        pending.add(new Op(pos, data, -1));
      }
    }

    void force() {
      for (Op op : pending) {
        applyDurable(op);
      }
      pending.clear();
    }

    private void applyDurable(Op op) {
      if (op.data == null) {
        durableSize = op.truncateTo;
        if (durable.length > op.truncateTo) {
          durable = Arrays.copyOf(durable, (int) op.truncateTo);
        }
        return;
      }
      long end = op.pos + op.data.length;
      if (durable.length < end) {
        durable = Arrays.copyOf(durable, (int) end);
      }
      System.arraycopy(op.data, 0, durable, (int) op.pos, op.data.length);
      durableSize = Math.max(durableSize, end);
    }

    /**
     * Page-cache writeback persists each sector as it was at some instant: the durable
     * bytes plus a prefix (possibly empty, possibly all) of the unsynced writes that touch
     * it. Sectors are independent, so a write spanning several can be torn; a later write
     * never survives in a sector without the earlier ones.
     */
    byte[] afterPowerLoss(Random rnd) {
      Map<Long, int[]> cut =
          new java.util.TreeMap<>(); // sector -> {ops touching it, how many persist}
      for (Op op : pending) {
        if (op.data != null) {
          for (long s = sectorOf(op.pos); s < op.pos + op.data.length; s += SECTOR) {
            cut.computeIfAbsent(s, k -> new int[2])[0]++;
          }
        }
      }
      for (int[] c : cut.values()) {
        c[1] = rnd.nextInt(c[0] + 1);
      }
      Map<Long, Integer> seen = new HashMap<>();
      long size = durableSize;
      byte[] img = Arrays.copyOf(durable, (int) Math.max(size, durable.length));
      for (Op op : pending) {
        if (op.data == null) {
          if (rnd.nextBoolean()) {
            size = op.truncateTo;
            if (img.length > size) {
              img = Arrays.copyOf(img, (int) size);
            }
          }
          continue;
        }
        long end = op.pos + op.data.length;
        int applied = 0;
        int sectors = 0;
        for (long s = sectorOf(op.pos); s < end; s += SECTOR) {
          sectors++;
          int n = seen.merge(s, 1, Integer::sum);
          if (n > cut.get(s)[1]) {
            continue;
          }
          applied++;
          long from = Math.max(s, op.pos);
          long to = Math.min(s + SECTOR, end);
          if (img.length < to) {
            img = Arrays.copyOf(img, (int) to);
          }
          System.arraycopy(op.data, (int) (from - op.pos), img, (int) from, (int) (to - from));
          size = Math.max(size, to);
        }
        if (applied == 0) {
          writesDropped++;
        } else if (applied < sectors) {
          writesTorn++;
        } else {
          writesKept++;
        }
      }
      return img.length == size ? img : Arrays.copyOf(img, (int) size);
    }
  }

  private static long sectorOf(long pos) {
    return pos - Math.floorMod(pos, SECTOR);
  }

  private final class Recorded extends ForwardingStorageFile {
    private final Inode inode;
    private final boolean syncWrites;
    private final int gen = generation;

    Recorded(StorageFile f, Inode inode, boolean syncWrites) {
      super(f);
      this.inode = inode;
      this.syncWrites = syncWrites;
    }

    /** @return true if the process that opened this file was killed */
    private boolean killed() {
      return gen != generation;
    }

    @Override
    public void write(ByteBuffer src, long position) throws IOException {
      synchronized (lock) {
        if (killed()) {
          src.position(src.limit());
          return;
        }
        tick();
        byte[] data = new byte[src.remaining()];
        src.duplicate().get(data);
        delegate.write(src, position);
        inode.write(position, data, syncWrites);
      }
    }

    @Override
    public void writeBatch(List<ByteBuffer> buffers, long[] positions) throws IOException {
      for (int i = 0; i < buffers.size(); i++) {
        write(buffers.get(i), positions[i]);
      }
    }

    @Override
    public void force() throws IOException {
      beforeForce.accept(delegate.path());
      synchronized (lock) {
        if (killed()) {
          return;
        }
        tick();
        inode.force(); // simulated: the real file's durability does not matter
      }
    }

    @Override
    public void truncate(long size) throws IOException {
      synchronized (lock) {
        if (killed()) {
          return;
        }
        tick();
        delegate.truncate(size);
        if (syncWrites) {
          inode.applyDurable(new Op(0, null, size));
        } else {
          inode.pending.add(new Op(0, null, size));
        }
      }
    }
  }
}
