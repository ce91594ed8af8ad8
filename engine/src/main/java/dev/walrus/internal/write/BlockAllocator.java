package dev.walrus.internal.write;

import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.DataFile;
import dev.walrus.internal.core.DataFiles;
import dev.walrus.internal.core.EngineConfig;
import dev.walrus.internal.core.Metrics;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.format.BlockHeader;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands out blocks: cuts the current data file into blocks in allocation order and
 * creates the next file when it is full. Every block gets a namespace-wide sequence
 * number, so sorting a topic's blocks by sequence gives its offset order.
 *
 * <p>A topic's blocks grow with its use ({@link #blockLength}): its first is
 * {@link EngineConfig#firstBlockSize()} bytes (512 by
 * default: room for its header and three entries of 100 bytes), each next one {@link #GROWTH} times the previous, up to
 * the configured block size; a first entry too large for that gets a block that fits it
 * (past the block size, as many block sizes as it needs, and a file of its own size if no
 * file is large enough). Blocks of all topics are laid end to end, so small blocks share
 * file-system pages (data files are sparse) and a small topic costs about its bytes of disk. A data-file name that is already taken by something the engine did not
 * create (a planted file or link) is left alone and the next sequence number is used, so a
 * topic never wedges on it. Before each new file the caller's check runs (the namespace
 * lock's ownership check). Thread-safe: allocation is short and serialised.
 */
public final class BlockAllocator implements DataFiles {
  private static final Logger LOG = LoggerFactory.getLogger(BlockAllocator.class);

  /** Each block of a topic is this many times its previous one, up to the block size. */
  public static final int GROWTH = 2;

  /** Block lengths below the block size are multiples of this (a sector). */
  public static final long GRAIN = 512;

  /** How many taken names in a row the allocator skips before giving up. */
  static final int MAX_TAKEN_NAMES = 1000;

  private final EngineConfig config;
  private final ConcurrentSkipListMap<Long, DataFile> files;
  private long nextFileSequence;
  private long nextBlockSequence;
  private DataFile current;
  private long nextPos;
  private boolean directoryDirty;
  private final NewFileCheck beforeNewFile;
  private final Metrics metrics;

  /** Runs before each data file is created (the namespace lock's ownership check). */
  @FunctionalInterface
  public interface NewFileCheck {
    /** @throws IOException to refuse creating the file (the write fails) */
    void check() throws IOException;
  }

  /**
   * @param files the namespace's open data files (recovered ones included); new files are
   *     added to it
   * @param nextFileSequence sequence for the next file created
   * @param nextBlockSequence sequence for the next block
   */
  public BlockAllocator(
      EngineConfig config,
      ConcurrentSkipListMap<Long, DataFile> files,
      long nextFileSequence,
      long nextBlockSequence) {
    this(config, files, nextFileSequence, nextBlockSequence, () -> {}, new Metrics());
  }

  /**
   * @param beforeNewFile runs before each data file is created; its failure fails the write
   * @param metrics told of every data file created
   */
  public BlockAllocator(
      EngineConfig config,
      ConcurrentSkipListMap<Long, DataFile> files,
      long nextFileSequence,
      long nextBlockSequence,
      NewFileCheck beforeNewFile,
      Metrics metrics) {
    this.beforeNewFile = beforeNewFile;
    this.metrics = metrics;
    this.config = config;
    this.files = files;
    this.nextFileSequence = nextFileSequence;
    this.nextBlockSequence = nextBlockSequence;
  }

  /**
   * Allocates a block for {@code topic} whose first entry has {@code firstOffset} and
   * occupies {@code firstFrame} bytes, and writes its header.
   */
  public synchronized Block allocate(Topic topic, long firstOffset, long firstFrame)
      throws IOException {
    int sealPos = BlockHeader.sealPosition(topic.utf8().length);
    long need = sealPos + BlockHeader.SEAL_SIZE + firstFrame;
    long length = blockLength(topic.tail(), need, config.firstBlockSize(), config.blockSize());
    if (current == null || current.size() - nextPos < length) {
      newFile(Math.max(config.fileSize(), length));
    }
    long base = nextPos;
    // Space first (the mmap backend writes zeros through the descriptor): a full disk
    // fails here, before the block exists, and never inside a mapping.
    current.file().allocate(base, length);
    ByteBuffer h =
        BlockHeader.encode(nextBlockSequence, length, firstOffset, topic.id(), topic.utf8());
    // The header is written before any entry of the block; recovery finds blocks by
    // walking headers from the start of the file, so a block without a valid header
    // ends the walk, and with it everything allocated after it in this file.
    current.file().write(h, base);
    current.markDirty();
    BlockHeader header =
        BlockHeader.decode(h.duplicate().clear().order(java.nio.ByteOrder.LITTLE_ENDIAN));
    Block b = new Block(current, base, header);
    current.addBlock(b);
    nextBlockSequence++;
    nextPos += length;
    return b;
  }

  /**
   * The length of a topic's next block: {@code first} for its first, then
   * {@link #GROWTH} times its newest block's, up to {@code blockSize}; at least what its
   * first frame needs (rounded up to {@link #GRAIN}, or to a multiple of {@code blockSize}
   * past it). So a small topic takes little disk, a busy one soon gets full blocks, and a
   * topic's blocks never add up to more than about twice its bytes beyond the first.
   *
   * @param last the topic's newest block (its chain's tail), or null for its first
   * @param need bytes the block must hold: header, seal and the first frame
   * @param first the first block's length ({@link EngineConfig#firstBlockSize()})
   */
  static long blockLength(Block last, long need, long first, long blockSize) {
    long target = last == null ? first : Math.min(blockSize, last.length() * GROWTH);
    target = Math.max(target, first);
    if (need <= target) {
      return target;
    }
    if (need <= blockSize) {
      return Math.min(blockSize, (need + GRAIN - 1) / GRAIN * GRAIN);
    }
    return (need + blockSize - 1) / blockSize * blockSize;
  }

  private void newFile(long size) throws IOException {
    beforeNewFile.check();
    long seq;
    StorageFile f;
    for (int taken = 0; ; taken++) {
      seq = nextFileSequence++;
      Path path = config.directory().resolve(DataFile.fileName(seq));
      try {
        // Never DSYNC: under SyncEach the writer forces what it wrote, sharing the force
        // with concurrent writers (GroupForce), so one fdatasync covers many appends.
        f = config.backend().create(path, size, false);
        break;
      } catch (FileAlreadyExistsException e) {
        // Something the engine did not make (a file, a link) has this name: leave it alone
        // and take the next one (sequences need not be contiguous), so the topic goes on.
        if (taken >= MAX_TAKEN_NAMES) {
          throw new IOException(
              "the next "
                  + MAX_TAKEN_NAMES
                  + " data-file names in "
                  + config.directory()
                  + " are all taken by files the engine did not create",
              e);
        }
        LOG.warn("{} exists but was not created by this instance; skipping that name", path);
      }
    }
    if (config.syncEach()) {
      // The new name must survive a crash before anything acknowledged lives in it: under
      // SyncEach an append is acknowledged once forced, so the name is made durable now.
      config.backend().syncDirectory(config.directory());
    } else {
      // Milliseconds: nothing written is durable before the next periodic force, and that
      // force syncs the directory after the data files and before the metadata log and any
      // seal (Durability.sync), so the name is durable exactly when the first bytes in it
      // are promised to be. NoFsync: by the next sync() or close. Either way a new topic
      // does not wait for a directory fsync every time it starts a data file.
      directoryDirty = true;
    }
    current = new DataFile(seq, f, size);
    files.put(seq, current);
    nextPos = 0;
    metrics.fileCreated();
  }

  /** Syncs the directory if a file was created without syncing it (NoFsync). */
  public void syncDirectoryIfNeeded() throws IOException {
    synchronized (this) {
      if (!directoryDirty) {
        return;
      }
      directoryDirty = false;
    }
    config.backend().syncDirectory(config.directory());
  }

  /** @return the file new blocks are cut from, or null before the first allocation */
  public synchronized DataFile currentFile() {
    return current;
  }

  /**
   * @return the open data files no block will be allocated from any more, oldest first: all
   *     but the current one. Taken under the allocation lock, so a file created by a
   *     concurrent allocation (which has no block yet until that allocation returns) is
   *     never among them.
   */
  @Override
  public synchronized List<DataFile> completedFiles() {
    List<DataFile> out = new ArrayList<>(files.values());
    out.remove(current);
    return out;
  }

  /** @return all open data files, oldest first */
  public List<DataFile> files() {
    return new ArrayList<>(files.values());
  }

  /** Forgets a file that the reclaimer deleted. */
  @Override
  public void remove(DataFile f) {
    files.remove(f.sequence());
  }
}
