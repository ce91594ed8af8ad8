package dev.walrus.internal.meta;

import dev.walrus.TopicConfig;
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
 * The namespace's metadata log {@code cursors.log} (its format is in
 * {@code docs/FORMAT.md}): an append-only file of small
 * records that say where each consumer's cursor is ({@code CURSOR}, {@code DROP}, written
 * by the cursors), below which offset a topic was reclaimed (its floor, {@code FLOOR},
 * written by reclamation), and where a topic restarted after data was lost
 * ({@code RESTART}, written by recovery).
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
 * <p>Opening happens in two steps. {@link #replay} reads the journal as found, streaming
 * it through a fixed buffer ({@link MetadataLogReplay}): records up to the first torn one
 * (zero length, running past the end, failing its checksum) are applied; a record that
 * passes its checksum but cannot be right, or an unknown non-zero header, throws
 * {@code CorruptNamespaceException}. An absent journal, one shorter than its header
 * (a creation cut short) or one whose header is all zero (never written, or its sector
 * lost) is accepted. Nothing is written by this step. {@link #makeDurable} then makes
 * what replay read durable before anything is appended after it: the bytes may have been
 * left in the page cache by a process that never forced them, and appending after them
 * would let a power cut lose them while later, acknowledged records survive past the
 * gap; replay would then stop at the gap and discard those. A journal with a valid
 * header is cut after its last valid record and forced; any other is written fresh from
 * the replayed state (temporary file, forced, renamed, directory forced: creation is
 * atomic). From then on every byte of the journal before the write position is durable
 * or covered by the next force, so a torn region can only ever be the unforced tail:
 * no record after it was acknowledged as durable.
 *
 * <p>When the journal outgrows its limit it is compacted the same way, so a crash leaves
 * either the old or the new journal.
 *
 * <p>Thread-safe: appends are serialised by the instance's monitor.
 */
public final class MetadataLog implements AutoCloseable {
  static final String FILE = "cursors.log";
  static final String TMP = "cursors.tmp";
  private static final int MAGIC = 0x434C4157;

  /** The version written; version 1 (no TOPIC_CONFIG or DELETE records) is still read. */
  static final int VERSION = 2;

  private static final int HEADER = 8;
  private static final byte CURSOR = MetadataLogReplay.CURSOR;
  private static final byte FLOOR = MetadataLogReplay.FLOOR;
  private static final byte RESTART = MetadataLogReplay.RESTART;
  private static final byte DROP = MetadataLogReplay.DROP;
  private static final byte TOPIC_CONFIG = MetadataLogReplay.TOPIC_CONFIG;
  private static final byte DELETE = MetadataLogReplay.DELETE;

  private final StorageBackend backend;
  private final Path dir;
  private final boolean syncWrites;
  private final long compactAt;
  private final CRC32C crc = new CRC32C();
  private final ByteBuffer buf = ByteBuffer.allocateDirect(1024).order(ByteOrder.LITTLE_ENDIAN);
  private final Map<String, TopicState> state = new HashMap<>();

  /** Restarts recovery recorded before {@link #makeDurable}. */
  private final Map<String, TreeSet<Long>> pendingRestarts = new HashMap<>();

  private StorageFile file;
  private long writePos;

  /** Set by replay when the journal found has a valid header: where its valid records end. */
  private boolean validHeader;

  private long replayedEnd;
  private long replayedSize;
  private volatile boolean dirty;

  /** What the journal knows about one topic. */
  public static final class TopicState {
    /** Consumer ("" = shared) to next offset. */
    public final Map<String, Long> cursors = new HashMap<>();

    /** Offsets below were reclaimed. */
    public long floor;

    /** Offsets at which the topic restarted after lost data. */
    public final TreeSet<Long> restarts = new TreeSet<>();

    /** The topic's own retention, or null: the instance default applies. */
    public TopicConfig config;

    /** The offset at which the topic was last deleted, or -1 if it never was. */
    public long deletedAt = -1;

    /** @return true if nothing but a configuration is known (the topic has no entries yet) */
    public boolean onlyConfig() {
      return cursors.isEmpty() && floor == 0 && restarts.isEmpty() && deletedAt < 0;
    }

    void copyFrom(TopicState v) {
      cursors.putAll(v.cursors);
      floor = v.floor;
      restarts.addAll(v.restarts);
      config = v.config;
      deletedAt = v.deletedAt;
    }

    /** Applies a deletion at {@code end}: entries below it, cursors and config are gone. */
    void delete(long end) {
      cursors.clear();
      config = null;
      floor = Math.max(floor, end);
      deletedAt = Math.max(deletedAt, end);
    }
  }

  private MetadataLog(StorageBackend backend, Path dir, boolean syncWrites, long compactAt) {
    this.backend = backend;
    this.dir = dir;
    this.syncWrites = syncWrites;
    this.compactAt = compactAt;
  }

  /**
   * Opens (creating if needed) and replays the journal in {@code dir}, then makes it
   * durable ({@link #makeDurable}): ready for appends.
   *
   * @param syncWrites open with DSYNC (the SyncEach schedule)
   * @param compactAt compact when the file grows past this many bytes
   * @throws dev.walrus.CorruptNamespaceException if the journal holds an impossible record
   */
  public static MetadataLog open(
      StorageBackend backend, Path dir, boolean syncWrites, long compactAt) throws IOException {
    MetadataLog j = replay(backend, dir, syncWrites, compactAt);
    j.makeDurable();
    return j;
  }

  /**
   * Replays the journal in {@code dir} without writing anything. Until {@link #makeDurable}
   * the journal takes only {@link #recordRestart} (kept in memory, written by it).
   *
   * @throws dev.walrus.CorruptNamespaceException if the journal holds an impossible record
   *     or an unknown non-zero header
   */
  public static MetadataLog replay(
      StorageBackend backend, Path dir, boolean syncWrites, long compactAt) throws IOException {
    MetadataLog j = new MetadataLog(backend, dir, syncWrites, compactAt);
    backend.delete(dir.resolve(TMP)); // a compaction that crashed before its rename
    j.load();
    return j;
  }

  private void load() throws IOException {
    Path p = dir.resolve(FILE);
    if (!Files.exists(p)) {
      return; // a new namespace: makeDurable creates the journal
    }
    try (StorageFile f = backend.open(p, false, false)) {
      ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
      while (h.hasRemaining() && f.read(h, h.position()) > 0) {
        // read the header, however short the file is
      }
      h.flip();
      checkHeader(p, h);
      if (h.limit() == HEADER) {
        replayedEnd = new MetadataLogReplay(f, p, state).replay(HEADER);
        replayedSize = f.size();
        // Version 1 is read, then rewritten as version 2 (makeDurable compacts): an older
        // engine then refuses the namespace instead of misreading its newer records.
        validHeader = h.getInt(0) == MAGIC && h.getInt(4) == VERSION;
      }
    }
  }

  /**
   * Accepts the journal's header: the valid one of version 2 or 1; all zero (never
   * written, or its sector lost: the records after it still carry their checksums); or,
   * in a file shorter than a header, a prefix of a valid one (a creation cut short).
   * Anything else is not a journal this engine wrote.
   */
  private static void checkHeader(Path p, ByteBuffer h) {
    boolean zero = true;
    boolean prefix2 = true;
    boolean prefix1 = true;
    ByteBuffer v2 = header(VERSION);
    ByteBuffer v1 = header(1);
    for (int i = 0; i < h.limit(); i++) {
      zero &= h.get(i) == 0;
      prefix2 &= h.get(i) == v2.get(i);
      prefix1 &= h.get(i) == v1.get(i);
    }
    if (zero || prefix2 || prefix1) {
      return;
    }
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < h.limit(); i++) {
      hex.append(String.format("%02x", h.get(i) & 0xFF));
    }
    String why =
        h.limit() == HEADER && h.getInt(0) == MAGIC
            ? "version "
                + Integer.toUnsignedString(h.getInt(4))
                + " (this engine reads versions 1 and "
                + VERSION
                + ")"
            : "an unknown header " + hex + " (expected 57414c4302000000)";
    throw new dev.walrus.CorruptNamespaceException("metadata log " + p + " has " + why);
  }

  private static ByteBuffer header(int version) {
    return ByteBuffer.allocate(HEADER)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(MAGIC)
        .putInt(version)
        .flip();
  }

  /**
   * Makes everything replay read durable and opens the journal for appends. Called once at
   * open, after recovery has forced the data files: cursors never become durable ahead of
   * the data they point into. A journal found with a valid header is cut after its last
   * valid record and forced: every byte left is then durable, and appends follow only
   * durable bytes (its name was made durable when it was created or compacted). A new
   * journal, or one whose header was short or zero, is written fresh from the replayed
   * state ({@link #compact}: temporary file, forced, renamed, directory forced), so
   * creation is atomic. Restarts recorded during recovery are then appended.
   */
  public synchronized void makeDurable() throws IOException {
    if (!validHeader) {
      compact();
      return;
    }
    StorageFile f = backend.open(dir.resolve(FILE), false, syncWrites);
    try {
      if (replayedEnd < replayedSize) {
        f.truncate(replayedEnd); // the torn tail (never acknowledged as durable)
      }
      f.force();
    } catch (IOException e) {
      f.close();
      throw e;
    }
    file = f;
    writePos = replayedEnd;
    for (Map.Entry<String, TreeSet<Long>> e : pendingRestarts.entrySet()) {
      byte[] t = e.getKey().getBytes(StandardCharsets.UTF_8);
      for (long r : e.getValue()) {
        recordRestart(t, e.getKey(), r);
      }
    }
    pendingRestarts.clear();
    force();
  }

  private static void writeHeader(StorageFile f) throws IOException {
    ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(MAGIC).putInt(VERSION).flip();
    f.write(h, 0);
  }

  /** @return a copy of the state replayed at open and updated since */
  public synchronized Map<String, TopicState> snapshot() {
    Map<String, TopicState> copy = new HashMap<>();
    state.forEach(
        (k, v) -> {
          TopicState t = new TopicState();
          t.copyFrom(v);
          copy.put(k, t);
        });
    return copy;
  }

  /** Records a consumer's next offset. */
  public synchronized void recordCursor(
      byte[] topic, String topicName, byte[] consumer, String consumerName, long next)
      throws IOException {
    buf.clear();
    begin(CURSOR, topic);
    buf.put((byte) consumer.length).put(consumer).putLong(next);
    finishAndWrite();
    state.computeIfAbsent(topicName, k -> new TopicState()).cursors.put(consumerName, next);
    appended();
  }

  /** Forgets a consumer. */
  public synchronized void dropCursor(
      byte[] topic, String topicName, byte[] consumer, String consumerName) throws IOException {
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
  public synchronized void recordFloor(byte[] topic, String topicName, long floor)
      throws IOException {
    buf.clear();
    begin(FLOOR, topic);
    buf.putLong(floor);
    finishAndWrite();
    TopicState ts = state.computeIfAbsent(topicName, k -> new TopicState());
    ts.floor = Math.max(ts.floor, floor);
    appended();
  }

  /**
   * Records a topic's own retention ({@code null}: forget it, the instance default applies)
   * and forces the journal.
   */
  public synchronized void recordTopicConfig(byte[] topic, String topicName, TopicConfig c)
      throws IOException {
    buf.clear();
    begin(TOPIC_CONFIG, topic);
    putConfig(c);
    finishAndWrite();
    TopicState ts = state.computeIfAbsent(topicName, k -> new TopicState());
    ts.config = c;
    if (c == null && ts.onlyConfig()) {
      state.remove(topicName);
    }
    appended();
    force();
  }

  private void putConfig(TopicConfig c) {
    long micros = 0;
    long bytes = 0;
    if (c != null && c.retention().isPresent()) {
      java.time.Duration d = c.retention().get();
      micros = Math.max(1, d.getSeconds() * 1_000_000L + d.getNano() / 1_000);
    }
    if (c != null && c.retentionBytes().isPresent()) {
      bytes = c.retentionBytes().getAsLong();
    }
    buf.put((byte) (c == null ? 0 : 1)).putLong(micros).putLong(bytes);
  }

  /**
   * Records that a topic was deleted at {@code end} (its entries below, its cursors and its
   * configuration are gone) and forces the journal: this record is the deletion's commit
   * point.
   */
  public synchronized void recordDelete(byte[] topic, String topicName, long end)
      throws IOException {
    buf.clear();
    begin(DELETE, topic);
    buf.putLong(end);
    finishAndWrite();
    state.computeIfAbsent(topicName, k -> new TopicState()).delete(end);
    appended();
    force();
  }

  /** Records that a topic restarts at {@code offset} after lost data. */
  public synchronized void recordRestart(byte[] topic, String topicName, long offset)
      throws IOException {
    if (file == null) { // recovery, before makeDurable: it writes them
      state.computeIfAbsent(topicName, k -> new TopicState()).restarts.add(offset);
      pendingRestarts.computeIfAbsent(topicName, k -> new TreeSet<>()).add(offset);
      return;
    }
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

  /**
   * Forces the journal if it has unforced records.
   *
   * @return true if it had some and forced them, false if there was nothing to force
   */
  public boolean forceIfDirty() throws IOException {
    StorageFile f;
    synchronized (this) {
      if (!dirty) {
        return false;
      }
      dirty = false;
      f = file;
    }
    f.force();
    return true;
  }

  /** Forces the journal now. */
  public synchronized void force() throws IOException {
    dirty = false;
    file.force();
  }

  /**
   * Rewrites the journal as a snapshot of the current state. Crash safety, step by step:
   * until the rename the old journal is untouched (a crash leaves it, and a partial
   * {@code cursors.tmp} that the next open deletes); the new file is forced before it is
   * renamed, so the name never points at bytes that are not on disk; after the rename
   * the directory is forced, and only then is anything appended to the new file.
   */
  public synchronized void compact() throws IOException {
    Path tmp = dir.resolve(TMP);
    backend.delete(tmp);
    Map<String, TopicState> snap = snapshot();
    StorageFile old = file;
    long oldPos = writePos;
    StorageFile out = backend.open(tmp, true, false);
    try {
      writeHeader(out);
      file = out;
      writePos = HEADER;
      for (Map.Entry<String, TopicState> e : snap.entrySet()) {
        byte[] t = e.getKey().getBytes(StandardCharsets.UTF_8);
        TopicState ts = e.getValue();
        if (ts.deletedAt >= 0) {
          writeRaw(DELETE, t, null, ts.deletedAt); // first: it clears what precedes it
        }
        if (ts.config != null) {
          buf.clear();
          begin(TOPIC_CONFIG, t);
          putConfig(ts.config);
          finishAndWrite();
        }
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
    } catch (IOException e) {
      file = old;
      writePos = oldPos;
      out.close();
      throw e;
    }
    long newPos = writePos;
    out.close();
    file = old;
    writePos = oldPos;
    backend.rename(tmp, dir.resolve(FILE));
    backend.syncDirectory(dir);
    if (old != null) {
      old.close();
    }
    file = backend.open(dir.resolve(FILE), false, syncWrites);
    writePos = newPos;
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

  @Override
  public synchronized void close() throws IOException {
    if (file != null) {
      file.close();
    }
  }
}
