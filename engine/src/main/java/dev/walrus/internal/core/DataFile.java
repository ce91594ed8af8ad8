package dev.walrus.internal.core;

import dev.walrus.internal.storage.StorageFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One data file of a namespace ({@code wal-<sequence>.log}): a sequence number, the open
 * file, the blocks allocated in it, and whether it has unsynced writes.
 */
public final class DataFile {
  /** File name pattern for listings. */
  public static final String GLOB = "wal-*.log";

  private final long sequence;
  private final StorageFile file;
  private final long size;
  private final List<Block> blocks = new ArrayList<>();
  private final AtomicBoolean dirty = new AtomicBoolean();
  private volatile boolean deleted;

  public DataFile(long sequence, StorageFile file, long size) {
    this.sequence = sequence;
    this.file = file;
    this.size = size;
  }

  /** @return the file name for a sequence number */
  public static String fileName(long sequence) {
    return String.format("wal-%020d.log", sequence);
  }

  /** @return the sequence parsed from a file name, or -1 if it is not a data file name */
  public static long parseSequence(Path p) {
    String n = p.getFileName().toString();
    if (!n.startsWith("wal-") || !n.endsWith(".log") || n.length() != 28) {
      return -1;
    }
    try {
      return Long.parseLong(n.substring(4, 24));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public long sequence() {
    return sequence;
  }

  public StorageFile file() {
    return file;
  }

  public long size() {
    return size;
  }

  /** @return a snapshot of the blocks allocated in this file */
  public synchronized List<Block> blocks() {
    return new ArrayList<>(blocks);
  }

  public synchronized void addBlock(Block b) {
    blocks.add(b);
  }

  /** Marks the file as having writes that are not yet forced. */
  public void markDirty() {
    dirty.lazySet(true);
  }

  /** @return true if it was dirty; clears the flag */
  public boolean takeDirty() {
    return dirty.getAndSet(false);
  }

  public boolean isDeleted() {
    return deleted;
  }

  public void markDeleted() {
    deleted = true;
  }
}
