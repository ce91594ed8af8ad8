package dev.walrus.internal.cursor;

import dev.walrus.internal.storage.StorageBackend;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * The cursor journal {@code cursors.log}: an append-only file of small records that say
 * where each consumer's cursor is, below which offset a topic was reclaimed (its floor),
 * and where a topic restarted after data was lost. See {@code docs/FORMAT.md}.
 *
 * <pre>
 * file header:  u32 magic 0x434C4157 ("WALC")  u32 version (1)
 * record:       u32 CRC32C over [4, 8 + n)  u16 body length n  u8 type  u8 reserved  body
 *   CURSOR  (1): u8 topic length, topic, u8 consumer length (0 = shared cursor), consumer, u64 next offset
 *   FLOOR   (2): u8 topic length, topic, u64 floor
 *   RESTART (3): u8 topic length, topic, u64 offset
 *   DROP    (4): u8 topic length, topic, u8 consumer length, consumer
 * </pre>
 *
 * <p>Loading replays records until the first one that is torn or fails its checksum,
 * then truncates the file there, so that records appended later can never be followed
 * by stale ones. When the journal outgrows its limit it is compacted: the current state
 * is written to {@code cursors.tmp}, forced, and atomically renamed over the journal
 * (then the directory is forced), so a crash leaves either the old or the new journal.
 *
 * <p>Thread-safe: appends are serialised by the instance's monitor.
 */
public final class CursorJournal implements AutoCloseable {
  static final String FILE = "cursors.log";
  static final String TMP = "cursors.tmp";
  private static final int MAGIC = 0x434C4157;
  private static final int VERSION = 1;
  private static final int HEADER = 8;
  private static final byte CURSOR = 1;
  private static final byte FLOOR = 2;
  private static final byte RESTART = 3;
  private static final byte DROP = 4;

  private final StorageBackend backend;
  private final Path dir;
  private final boolean syncWrites;
  private final long compactAt;
  private final CRC32C crc = new CRC32C();
  private final ByteBuffer buf = ByteBuffer.allocateDirect(1024).order(ByteOrder.LITTLE_ENDIAN);
  private final Map<String, TopicState> state = new HashMap<>();
  private StorageFile file;
  private long writePos;
  private volatile boolean dirty;

  /** What the journal knows about one topic. */
  public static final class TopicState {
    /** Consumer ("" = shared) to next offset. */
    public final Map<String, Long> cursors = new HashMap<>();
    /** Offsets below were reclaimed. */
    public long floor;
    /** Offsets at which the topic restarted after lost data. */
    public final TreeSet<Long> restarts = new TreeSet<>();
  }

  private CursorJournal(StorageBackend backend, Path dir, boolean syncWrites, long compactAt) {
    this.backend = backend;
    this.dir = dir;
    this.syncWrites = syncWrites;
    this.compactAt = compactAt;
  }

  /**
   * Opens (creating if needed) and replays the journal in {@code dir}.
   *
   * @param syncWrites open with DSYNC (the SyncEach schedule)
   * @param compactAt compact when the file grows past this many bytes
   */
  public static CursorJournal open(StorageBackend backend, Path dir, boolean syncWrites, long compactAt)
      throws IOException {
    CursorJournal j = new CursorJournal(backend, dir, syncWrites, compactAt);
    backend.delete(dir.resolve(TMP)); // a compaction that crashed before its rename
    j.load();
    return j;
  }

  private void load() throws IOException {
    Path p = dir.resolve(FILE);
    boolean fresh = !Files.exists(p);
    file = backend.open(p, true, syncWrites);
    long size = file.size();
    if (fresh || size < HEADER) {
      writeHeader(file);
      writePos = HEADER;
      // The header must be durable before any record: a journal whose header sector was
      // lost could not be opened at all.
      file.force();
      backend.syncDirectory(dir);
      return;
    }
    ByteBuffer all = ByteBuffer.allocate((int) Math.min(size, Integer.MAX_VALUE - 8))
        .order(ByteOrder.LITTLE_ENDIAN);
    file.read(all, 0);
    all.flip();
    if (all.getInt(0) != MAGIC || all.getInt(4) != VERSION) {
      throw new IOException("cursor journal " + p + " has an unknown header");
    }
    int pos = HEADER;
    while (pos + 8 <= all.limit()) {
      int n = all.getShort(pos + 4) & 0xFFFF;
      if (n == 0 || pos + 8 + n > all.limit()) {
        break;
      }
      crc.reset();
      ByteBuffer v = all.duplicate();
      v.position(pos + 4).limit(pos + 8 + n);
      crc.update(v);
      if ((int) crc.getValue() != all.getInt(pos)) {
        break;
      }
      if (!apply(all, all.get(pos + 6), pos + 8, n)) {
        break;
      }
      pos += 8 + n;
    }
    writePos = pos;
    if (pos < size) {
      file.truncate(pos); // cut a torn tail so later appends are never followed by stale records
      file.force();
    }
  }

  private boolean apply(ByteBuffer b, byte type, int start, int n) {
    int p = start;
    int end = start + n;
    int tl = b.get(p++) & 0xFF;
    if (tl == 0 || p + tl > end) {
      return false;
    }
    String topic = str(b, p, tl);
    p += tl;
    TopicState ts = state.computeIfAbsent(topic, k -> new TopicState());
    switch (type) {
      case CURSOR: {
        int cl = b.get(p++) & 0xFF;
        if (p + cl + 8 != end) {
          return false;
        }
        ts.cursors.put(str(b, p, cl), b.getLong(p + cl));
        return true;
      }
      case DROP: {
        int cl = b.get(p++) & 0xFF;
        if (p + cl != end) {
          return false;
        }
        ts.cursors.remove(str(b, p, cl));
        return true;
      }
      case FLOOR:
        if (p + 8 != end) {
          return false;
        }
        ts.floor = Math.max(ts.floor, b.getLong(p));
        return true;
      case RESTART:
        if (p + 8 != end) {
          return false;
        }
        ts.restarts.add(b.getLong(p));
        return true;
      default:
        return false;
    }
  }

  private static String str(ByteBuffer b, int p, int len) {
    byte[] a = new byte[len];
    b.get(p, a);
    return new String(a, StandardCharsets.UTF_8);
  }

  private static void writeHeader(StorageFile f) throws IOException {
    ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(MAGIC).putInt(VERSION).flip();
    f.write(h, 0);
  }

  /** @return a copy of the state replayed at open and updated since */
  public synchronized Map<String, TopicState> snapshot() {
    Map<String, TopicState> copy = new HashMap<>();
    state.forEach((k, v) -> {
      TopicState t = new TopicState();
      t.cursors.putAll(v.cursors);
      t.floor = v.floor;
      t.restarts.addAll(v.restarts);
      copy.put(k, t);
    });
    return copy;
  }

  /** Records a consumer's next offset. */
  public synchronized void recordCursor(byte[] topic, String topicName, byte[] consumer,
      String consumerName, long next) throws IOException {
    buf.clear();
    begin(CURSOR, topic);
    buf.put((byte) consumer.length).put(consumer).putLong(next);
    finishAndWrite();
    state.computeIfAbsent(topicName, k -> new TopicState()).cursors.put(consumerName, next);
    appended();
  }

  /** Forgets a consumer. */
  public synchronized void dropCursor(byte[] topic, String topicName, byte[] consumer,
      String consumerName) throws IOException {
    buf.clear();
    begin(DROP, topic);
    buf.put((byte) consumer.length).put(consumer);
    finishAndWrite();
    TopicState ts = state.get(topicName);
    if (ts != null) {
      ts.cursors.remove(consumerName);
    }
    appended();
  }

  /** Records a topic's floor and forces the journal (a file deletion depends on it). */
  public synchronized void recordFloor(byte[] topic, String topicName, long floor) throws IOException {
    buf.clear();
    begin(FLOOR, topic);
    buf.putLong(floor);
    finishAndWrite();
    TopicState ts = state.computeIfAbsent(topicName, k -> new TopicState());
    ts.floor = Math.max(ts.floor, floor);
    appended();
  }

  /** Records that a topic restarts at {@code offset} after lost data. */
  public synchronized void recordRestart(byte[] topic, String topicName, long offset)
      throws IOException {
    buf.clear();
    begin(RESTART, topic);
    buf.putLong(offset);
    finishAndWrite();
    state.computeIfAbsent(topicName, k -> new TopicState()).restarts.add(offset);
    appended();
  }

  private void begin(byte type, byte[] topic) {
    buf.putInt(0).putShort((short) 0).put(type).put((byte) 0);
    buf.put((byte) topic.length).put(topic);
  }

  /**
   * Called after a record was written and applied to {@link #state}: compaction writes the
   * state as it is then, so the record that pushed the journal over its limit must already
   * be in it (applying it after compacting would drop it from the compacted journal).
   */
  private void appended() throws IOException {
    dirty = true;
    if (writePos > compactAt) {
      compact();
    }
  }

  private void finishAndWrite() throws IOException {
    int n = buf.position() - 8;
    buf.putShort(4, (short) n);
    crc.reset();
    ByteBuffer v = buf.duplicate();
    v.position(4).limit(8 + n);
    crc.update(v);
    buf.putInt(0, (int) crc.getValue());
    buf.flip();
    file.write(buf, writePos);
    writePos += 8 + n;
  }

  /** Forces the journal if it has unforced records. */
  public void forceIfDirty() throws IOException {
    StorageFile f;
    synchronized (this) {
      if (!dirty) {
        return;
      }
      dirty = false;
      f = file;
    }
    f.force();
  }

  /** Forces the journal now. */
  public synchronized void force() throws IOException {
    dirty = false;
    file.force();
  }

  /** Rewrites the journal as a snapshot of the current state. */
  public synchronized void compact() throws IOException {
    Path tmp = dir.resolve(TMP);
    backend.delete(tmp);
    StorageFile out = backend.open(tmp, true, false);
    Map<String, TopicState> snap = snapshot();
    StorageFile old = file;
    long oldPos = writePos;
    try {
      writeHeader(out);
      file = out;
      writePos = HEADER;
      for (Map.Entry<String, TopicState> e : snap.entrySet()) {
        byte[] t = e.getKey().getBytes(StandardCharsets.UTF_8);
        TopicState ts = e.getValue();
        if (ts.floor > 0) {
          writeRaw(FLOOR, t, null, ts.floor);
        }
        for (long r : ts.restarts) {
          writeRaw(RESTART, t, null, r);
        }
        for (Map.Entry<String, Long> c : ts.cursors.entrySet()) {
          writeRaw(CURSOR, t, c.getKey().getBytes(StandardCharsets.UTF_8), c.getValue());
        }
      }
      out.force();
      out.close();
    } catch (IOException e) {
      file = old;
      writePos = oldPos;
      out.close();
      throw e;
    }
    backend.rename(tmp, dir.resolve(FILE));
    backend.syncDirectory(dir);
    old.close();
    file = backend.open(dir.resolve(FILE), false, syncWrites);
    dirty = false;
  }

  private void writeRaw(byte type, byte[] topic, byte[] consumer, long value) throws IOException {
    buf.clear();
    begin(type, topic);
    if (consumer != null) {
      buf.put((byte) consumer.length).put(consumer);
    }
    buf.putLong(value);
    finishAndWrite();
  }

  /** @return the journal's current size in bytes */
  public synchronized long size() {
    return writePos;
  }

  @Override
  public synchronized void close() throws IOException {
    file.close();
  }
}
