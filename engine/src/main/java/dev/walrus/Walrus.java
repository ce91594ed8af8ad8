package dev.walrus;

import dev.walrus.internal.config.BackendChoice;
import dev.walrus.internal.config.ConfigResolver;
import dev.walrus.internal.config.Requested;
import dev.walrus.internal.config.ResolvedConfig;
import dev.walrus.internal.core.EngineConfig;
import dev.walrus.internal.core.Health;
import dev.walrus.internal.core.OffsetLimit;
import dev.walrus.internal.engine.Engine;
import dev.walrus.internal.engine.EngineReads;
import dev.walrus.internal.engine.EngineWrites;
import dev.walrus.internal.format.EntryFormat;
import dev.walrus.internal.format.Names;
import dev.walrus.internal.format.NamespaceKeys;
import dev.walrus.internal.storage.StorageBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * An embedded, durable, topic-organised write-ahead log: the blocking engine API.
 *
 * <pre>{@code
 * try (Walrus wal = Walrus.open()) {                       // ./wal_files, StrictlyAtOnce, 200 ms fsync
 *   long offset = wal.appendForTopic("events", "hello".getBytes(UTF_8));
 *   Optional<Entry> e = wal.readNext("events", true);      // consume
 *   List<Entry> batch = wal.batchReadForTopic("events", 1 << 20, true);
 * }
 * }</pre>
 *
 * <h2>Topics, offsets and cursors</h2>
 * A topic is a name of 1 to 255 UTF-8 bytes without NUL (the rule, also for consumer
 * names, is {@link TopicNames}'s). Each topic numbers its entries
 * 0, 1, 2, ...; offsets never repeat and never go backwards, across restarts too. Every
 * topic has a <em>shared cursor</em> (concurrent readers through it compete for
 * entries), which exists from the topic's first entry, at offset 0, unless the instance
 * is opened with {@link Builder#sharedCursor(boolean) sharedCursor(false)}; and any number
 * of <em>named consumers</em>, each with its own persisted cursor, created by its first
 * consuming read or {@code checkpoint} at the oldest retained entry. A consuming read
 * ({@code checkpoint = true}) moves the cursor and persists it per the
 * {@link ReadConsistency}; a peek ({@code checkpoint = false}) moves nothing and creates
 * no cursor.
 *
 * <h2>Reclamation</h2>
 * A data file is deleted once every cursor of every topic with entries in it has
 * consumed them (as persisted: under {@code AtLeastOnce} up to N entries later), the
 * shared cursor included, or retention or {@link #deleteTopic} dropped them: without
 * retention, a topic nobody has read keeps its files. An application that reads only
 * through named consumers opens with {@code sharedCursor(false)}; otherwise its shared
 * cursors keep every file. Removing a consumer ({@link #removeConsumer}) releases
 * what it held. The file being written is never deleted.
 *
 * <h2>Time, retention and topic lifecycle</h2>
 * Every entry carries its append time ({@link Entry#timestamp()}; non-decreasing within a
 * topic), and {@link #offsetForTime} finds the first entry at or after an instant from
 * per-block metadata. Retention ({@link Builder#retention(Duration)},
 * {@link Builder#retentionBytes(long)} for every topic, {@link #setTopicConfig} for one)
 * deletes whole old blocks even if cursors have not read them; see {@link TopicConfig}
 * for exactly what goes and when. {@link #deleteTopic} removes a topic, its entries and
 * its cursors atomically across a crash.
 *
 * <h2>Durability</h2>
 * What a returned append means is set by the {@link FsyncSchedule}. In every schedule a
 * process crash loses no acknowledged entry; a torn tail is detected by checksum and cut
 * when the namespace is next opened; a corrupt entry is never returned.
 *
 * <h2>Threads</h2>
 * An instance is thread-safe; appends to different topics proceed in parallel. One
 * instance owns a namespace directory at a time (in this process or any other).
 *
 * <h2>Errors</h2>
 * All failures are {@link WalrusException}s, unchecked. The contract is the README's error
 * table (failure class, type thrown, what is on disk, whether the instance stays usable,
 * what to do); in short:
 * <ul>
 *   <li>a refused call ({@link InvalidArgumentException} and its subclasses,
 *       {@link SharedCursorDisabledException}) changes nothing, in memory or on disk;
 *   <li>a failed write of an append or batch (a full disk, say) is rolled back
 *       ({@link WriteRolledBackException}): nothing of it is visible, the instance stays
 *       usable, and the call can be retried once space is freed;
 *   <li>a failed force ({@code fsync}, {@code msync}), a failed rollback, a failed cursor
 *       write, read or reclamation, or lost ownership of the namespace poisons the
 *       instance: that call throws {@link FatalIOException}, every later one
 *       {@link WalrusPoisonedException}, until it is closed and the namespace reopened;
 *   <li>a damaged entry is never returned ({@link CorruptEntryException}); the instance
 *       stays usable;
 *   <li>an interrupt fails nothing (see below); a call after {@link #close()} throws
 *       {@link WalrusClosedException}.
 * </ul>
 *
 * <h2>Files, permissions and links</h2>
 * Every file the engine creates is {@code rw-------} and every directory it creates (the
 * namespace directory, and the data directory and missing parents) {@code rwx------},
 * whatever the umask; existing directories are left as they are. Inside the data
 * directory the engine follows no symbolic link it did not create: the namespace
 * directory must be a directory (not a link) owned by the process's user, and its lock
 * files, metadata log and data files must not be links, or the open fails with
 * {@link UnsafePathException}
 * naming the path. A data-file name taken by a file the engine did not create is skipped.
 * Ownership is an OS lock on two files ({@code LOCK}, {@code OWNER}); see
 * {@link NamespaceLockedException}.
 *
 * <h2>Interrupts</h2>
 * A call whose thread is interrupted ({@link Thread#interrupt()},
 * {@code ExecutorService.shutdownNow()}, {@code Future.cancel(true)}), before or during the
 * call, completes as if it had not been, and returns (or throws what it would have thrown
 * anyway) with the thread's interrupt status still set. An interrupt never poisons the
 * instance, never closes a file for other callers and never loses or corrupts an entry or
 * a cursor. The system property {@code walrus.maxOpenFiles} (default 64) bounds the file
 * descriptors an instance keeps open, however many data files it has.
 *
 * <h2>Environment</h2>
 * {@code WALRUS_DATA_DIR} (default {@code ./wal_files}), {@code WALRUS_INSTANCE_KEY}
 * (namespace for instances opened without a key), {@code WALRUS_QUIET=1} (silence the
 * library's info and debug logging). Explicit builder settings win over system
 * properties, which win over the environment; each setting's property, variable and
 * default are in the "Configuration" table of {@code docs/ARCHITECTURE.md}. Properties and
 * variables are read when an instance opens, and the configuration it resolved is logged
 * at INFO (unless quiet).
 */
public final class Walrus implements AutoCloseable {
  /** Environment variable naming the data directory. */
  public static final String ENV_DATA_DIR = ConfigResolver.ENV_DATA_DIR;

  /** Environment variable naming the default namespace key. */
  public static final String ENV_INSTANCE_KEY = ConfigResolver.ENV_INSTANCE_KEY;

  /** Environment variable that, set to {@code 1}, silences info/debug logging. */
  public static final String ENV_QUIET = ConfigResolver.ENV_QUIET;

  /** Default data directory. */
  public static final String DEFAULT_DATA_DIR = ConfigResolver.DEFAULT_DATA_DIR;

  /** Default block size: 10 MiB. */
  public static final long DEFAULT_BLOCK_SIZE = 10L << 20;

  /** Default number of blocks per file: 100 (1 GiB files with the default block size). */
  public static final int DEFAULT_BLOCKS_PER_FILE = 100;

  /** Largest entry payload: 1 GiB. */
  public static final int MAX_ENTRY_BYTES = EntryFormat.MAX_PAYLOAD;

  /** Most entries in one batch append or batch read. */
  public static final int MAX_BATCH_ENTRIES = Engine.MAX_BATCH_ENTRIES;

  /** Most payload bytes in one batch append: 10 GiB. */
  public static final long MAX_BATCH_BYTES = Engine.MAX_BATCH_BYTES;

  /**
   * The largest next offset a topic can have, 2<sup>62</sup>: offsets never wrap. Recovery
   * reports a recorded offset beyond it, and an append that would pass it is refused, with
   * {@link CorruptNamespaceException} (only a forged or damaged namespace gets there).
   */
  public static final long MAX_OFFSET = OffsetLimit.MAX;

  /** The process-wide backend switch; null until it is used (then the property decides). */
  private static volatile Backend processBackend;

  private final Engine engine;
  private final EngineWrites writes;
  private final EngineReads reads;

  private Walrus(Engine engine) {
    this.engine = engine;
    this.writes = engine.writes();
    this.reads = engine.reads();
  }

  // ------------------------------------------------------------------ factories

  /**
   * Opens the default instance: {@code StrictlyAtOnce}, {@code Milliseconds(200)}, in the
   * data directory (or the {@code WALRUS_INSTANCE_KEY} namespace in it).
   *
   * @return the open instance
   * @throws NamespaceLockedException if another instance owns the namespace
   * @throws WalrusIOException if the directory cannot be created or recovered
   */
  public static Walrus open() {
    return builder().open();
  }

  /**
   * Opens the default namespace with a read consistency model.
   *
   * @param consistency how often cursors are persisted
   * @return the open instance
   */
  public static Walrus withConsistency(ReadConsistency consistency) {
    return builder().consistency(consistency).open();
  }

  /**
   * Opens the default namespace with a consistency model and an fsync schedule.
   *
   * @param consistency how often cursors are persisted
   * @param schedule when writes reach stable storage
   * @return the open instance
   */
  public static Walrus withConsistencyAndSchedule(
      ReadConsistency consistency, FsyncSchedule schedule) {
    return builder().consistency(consistency).fsyncSchedule(schedule).open();
  }

  /**
   * Opens the namespace {@code <data dir>/<sanitised key>/}.
   *
   * @param key the namespace key; see {@link Builder#namespace(String)} for sanitising
   * @return the open instance
   * @throws InvalidNamespaceKeyException if the key is null
   */
  public static Walrus newForKey(String key) {
    return builder().namespace(requireKey(key)).open();
  }

  /**
   * Opens a namespace with a consistency model.
   *
   * @param key the namespace key
   * @param consistency how often cursors are persisted
   * @return the open instance
   */
  public static Walrus withConsistencyForKey(String key, ReadConsistency consistency) {
    return builder().namespace(requireKey(key)).consistency(consistency).open();
  }

  /**
   * Opens a namespace with a consistency model and an fsync schedule.
   *
   * @param key the namespace key
   * @param consistency how often cursors are persisted
   * @param schedule when writes reach stable storage
   * @return the open instance
   */
  public static Walrus withConsistencyAndScheduleForKey(
      String key, ReadConsistency consistency, FsyncSchedule schedule) {
    return builder()
        .namespace(requireKey(key))
        .consistency(consistency)
        .fsyncSchedule(schedule)
        .open();
  }

  private static String requireKey(String key) {
    if (key == null) {
      throw new InvalidNamespaceKeyException("namespace key must not be null");
    }
    return key;
  }

  /**
   * @return a builder with every setting at its default
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Makes the FD backend the default for instances created from now on. This is the initial default unless the system property
   * {@code walrus.backend=mmap} is set. Thread-safe; open instances keep their backend.
   */
  public static void enableFdBackend() {
    processBackend = Backend.FD;
  }

  /**
   * Makes the mmap backend the default for instances created from now on. Thread-safe; open instances keep their backend.
   */
  public static void disableFdBackend() {
    processBackend = Backend.MMAP;
  }

  /**
   * @return the backend instances created now get unless they choose one: the process-wide
   *     switch's, else the system property {@code walrus.backend}'s, else {@code FD}
   */
  public static Backend defaultBackend() {
    return ConfigResolver.system().defaultBackend(processBackend);
  }

  // ------------------------------------------------------------------ writes

  /**
   * Appends one entry to a topic, creating the topic if needed.
   *
   * <p>Returns once the entry is readable and as durable as the {@link FsyncSchedule}
   * promises: on stable storage under {@code SyncEach}, in the page cache otherwise.
   *
   * @param topic the topic
   * @param data the payload, 0 bytes to the maximum entry size (1 GiB by default); not
   *     retained after the call
   * @return the entry's offset
   * @throws InvalidTopicException if the topic name is invalid
   * @throws InvalidArgumentException if {@code data} is null
   * @throws EntryTooLargeException if {@code data} exceeds the maximum entry size
   * @throws WriteRolledBackException if the write fails and is rolled back: nothing of it
   *     becomes visible, no offset is used up, the instance stays usable
   * @throws FatalIOException if the failure was a failed force ({@code msync} under
   *     {@code SyncEach} on mmap), the rollback failed too, or the instance found it no
   *     longer owns its namespace: the instance is poisoned, and the entry is there after
   *     a reopen or not
   * @throws WalrusPoisonedException if an earlier failure poisoned the instance
   * @throws WalrusClosedException if the instance is closed
   */
  public long appendForTopic(String topic, byte[] data) {
    return writes.append(topic, data);
  }

  /**
   * Appends a batch atomically: readers see all of it or none of it, and after a crash
   * at any instant it is wholly present or wholly absent. Limits are checked before
   * anything is written.
   *
   * @param topic the topic
   * @param entries up to 2,000 payloads totalling at most 10 GiB; an empty list writes
   *     nothing
   * @return the offset of the first entry; the batch occupies
   *     {@code [first, first + entries.size())}
   * @throws BatchTooLargeException over 2,000 entries or 10 GiB
   * @throws EntryTooLargeException if one entry exceeds the maximum entry size
   * @throws InvalidArgumentException if the list or an entry is null
   * @throws InvalidTopicException if the topic name is invalid
   * @throws WriteRolledBackException if the write fails and is rolled back: none of the
   *     batch becomes visible, now or after a crash; the instance stays usable
   * @throws FatalIOException if the failure was a failed force, the rollback failed too,
   *     or the instance found it no longer owns its namespace: the instance is poisoned, and
   *     the batch is wholly there after a reopen or wholly absent
   * @throws WalrusPoisonedException if an earlier failure poisoned the instance
   * @throws WalrusClosedException if the instance is closed
   */
  public long batchAppendForTopic(String topic, List<byte[]> entries) {
    return writes.appendBatch(topic, entries);
  }

  // ------------------------------------------------------------------ reads

  /**
   * Reads the next entry at the topic's shared cursor.
   *
   * @param topic the topic
   * @param checkpoint true to consume (move the cursor and persist it per the consistency
   *     model), false to peek
   * @return the entry, or empty if there is nothing to read (or no such topic)
   * @throws CorruptEntryException if the next entry fails its checksum (the cursor stays)
   * @throws SharedCursorDisabledException if the instance was opened with
   *     {@code sharedCursor(false)}
   * @throws FatalIOException if reading the data or writing the cursor fails (the instance
   *     is then poisoned; after a reopen the cursor is at its old or its new position)
   */
  public Optional<Entry> readNext(String topic, boolean checkpoint) {
    return Optional.ofNullable(reads.readNext(topic, Engine.SHARED, checkpoint));
  }

  /**
   * Reads the next entry for a named consumer, whose cursor is independent of the shared
   * one and of other consumers'. A new consumer starts at the oldest retained entry; a
   * consuming read creates it (and from then on it holds back reclamation), a peek does
   * not.
   *
   * @param topic the topic
   * @param consumer the consumer name (same rules as a topic name)
   * @param checkpoint true to consume, false to peek
   * @return the entry, or empty if there is nothing to read
   */
  public Optional<Entry> readNext(String topic, String consumer, boolean checkpoint) {
    return Optional.ofNullable(reads.readNext(topic, named(consumer), checkpoint));
  }

  /**
   * Reads entries at the shared cursor while their payloads fit {@code maxBytes}: at
   * most 2,000, and always at least one if any is there (even if it alone exceeds the
   * budget). A consuming batch read persists its cursor once, at its end.
   *
   * <p>Corruption: entries are verified one by one, in order. If the first entry to read
   * is corrupt, {@link CorruptEntryException} is thrown and the cursor does not move. If a
   * later one is, the valid entries before it are returned (and consumed, when
   * {@code checkpoint}); the next call then starts at the corrupt entry and throws.
   * Offsets a power cut lost are skipped: the entries returned may jump over them.
   *
   * @param topic the topic
   * @param maxBytes the payload budget, 0 or more
   * @param checkpoint true to consume, false to peek
   * @return the entries in offset order, empty if none
   * @throws InvalidArgumentException if {@code maxBytes} is negative
   * @throws CorruptEntryException if the first entry to read fails its checksum (or its
   *     offset, topic or length is wrong); nothing is returned and the cursor stays
   * @throws SharedCursorDisabledException if the instance was opened with
   *     {@code sharedCursor(false)}
   */
  public List<Entry> batchReadForTopic(String topic, long maxBytes, boolean checkpoint) {
    return reads.batchRead(topic, Engine.SHARED, maxBytes, checkpoint);
  }

  /**
   * {@link #batchReadForTopic(String, long, boolean)} for a named consumer, with the same
   * handling of a corrupt entry: the valid prefix is returned, the next call throws.
   *
   * @param topic the topic
   * @param consumer the consumer name
   * @param maxBytes the payload budget, 0 or more
   * @param checkpoint true to consume, false to peek
   * @return the entries in offset order, empty if none
   * @throws CorruptEntryException if the first entry to read is corrupt (the cursor stays)
   */
  public List<Entry> batchReadForTopic(
      String topic, String consumer, long maxBytes, boolean checkpoint) {
    return reads.batchRead(topic, named(consumer), maxBytes, checkpoint);
  }

  /**
   * The allocation-free {@link #readNext(String, String, boolean)}, for hot consumers:
   * reads the consumer's next entry and hands it to {@code handler} as a read-only view of
   * the reader's own buffer, with no {@link Entry}, no payload copy and no
   * {@link Optional}. The view is valid only while the handler runs (see
   * {@link EntryHandler}). A consuming read moves the cursor and persists it per the
   * consistency model before the handler is called, exactly as the copying read does
   * before it returns: under StrictlyAtOnce the cursor record is written before the
   * handler sees the entry. A peek ({@code checkpoint = false}) moves and creates nothing.
   * The handler runs on the calling thread, once, before this method returns.
   *
   * <p>No allocation per call for a consumer that has a cursor and an entry that fits the
   * 64 KiB read-ahead buffer (larger entries are read into an array of their own).
   * Interrupts, corruption and I/O failures behave as for the copying read.
   *
   * @param topic the topic
   * @param consumer the consumer name ({@code ""} is not allowed: it is the shared cursor's)
   * @param checkpoint true to consume, false to peek
   * @param handler receives the entry, if there is one
   * @return true if an entry was handed to the handler, false if there was nothing to read
   * @throws InvalidArgumentException if {@code handler} is null, or the read comes from a
   *     handler reading the same consumer
   * @throws CorruptEntryException if the next entry fails its checksum (the cursor stays,
   *     the handler is not called)
   * @throws FatalIOException if reading the data or writing the cursor fails (the instance
   *     is then poisoned; the handler is not called)
   */
  public boolean readNext(String topic, String consumer, boolean checkpoint, EntryHandler handler) {
    return reads.readNext(topic, named(consumer), checkpoint, handler);
  }

  /**
   * The allocation-free {@link #batchReadForTopic(String, String, long, boolean)}: hands
   * the consumer's next entries, while their payloads fit {@code maxBytes} (at most 2,000,
   * at least one if any is there), to {@code handler}, one call per entry in offset order,
   * each as a read-only view valid only during its call (see {@link EntryHandler}). All
   * entries of the batch are read and verified, and on a consuming read consumed and
   * persisted per the consistency model, before the first is handed out: under
   * StrictlyAtOnce the cursor record covering the whole batch is written before the handler
   * sees its first entry. Corruption is handled as by the copying batch read (a valid
   * prefix is handed out; the next call throws). A batch may be shorter than the budget
   * allows when it would otherwise have to refill a buffer its earlier entries are still
   * in; the next call goes on from there.
   *
   * <p>No allocation per call for a consumer that has a cursor and entries that fit the
   * 64 KiB read-ahead buffer, once the consumer's first batch has sized its buffers.
   *
   * @param topic the topic
   * @param consumer the consumer name
   * @param maxBytes the payload budget, 0 or more
   * @param checkpoint true to consume, false to peek
   * @param handler receives the entries
   * @return the number of entries handed to the handler
   * @throws InvalidArgumentException if {@code maxBytes} is negative or {@code handler}
   *     null, or the read comes from a handler reading the same consumer
   * @throws CorruptEntryException if the first entry to read is corrupt (the cursor stays,
   *     the handler is not called)
   * @throws FatalIOException if reading the data or writing the cursor fails (the instance
   *     is then poisoned; the handler is not called)
   */
  public int batchRead(
      String topic, String consumer, long maxBytes, boolean checkpoint, EntryHandler handler) {
    return reads.batchRead(topic, named(consumer), maxBytes, checkpoint, handler);
  }

  /**
   * Moves a named consumer's cursor so that its next read returns {@code nextOffset},
   * without reading the data in between, and persists the position at once (whatever the
   * consistency model). Moving backwards is allowed within the retained range.
   *
   * <p>On a topic without entries yet, {@code checkpoint(topic, consumer, 0)} registers
   * the consumer: its cursor at 0 holds every entry appended later, like any cursor (the
   * topic is not listed by {@link #topics()} until its first entry). So a consumer
   * registered before its producer starts misses nothing, whoever else reads the topic.
   *
   * @param topic the topic
   * @param consumer the consumer name
   * @param nextOffset the offset to read next, between the topic's first retained offset
   *     and its next offset (inclusive; 0 on a topic without entries)
   * @throws InvalidArgumentException if {@code nextOffset} is out of that range (then no
   *     consumer is created and no cursor moves)
   * @throws FatalIOException if writing the cursor fails (the instance is then poisoned)
   */
  public void checkpoint(String topic, String consumer, long nextOffset) {
    reads.checkpoint(topic, named(consumer), nextOffset);
  }

  /**
   * {@link #checkpoint(String, String, long)} for the shared cursor.
   *
   * @param topic the topic
   * @param nextOffset the offset to read next
   * @throws InvalidArgumentException if {@code nextOffset} is out of the retained range
   * @throws SharedCursorDisabledException if the instance was opened with
   *     {@code sharedCursor(false)}
   */
  public void checkpoint(String topic, long nextOffset) {
    reads.checkpoint(topic, Engine.SHARED, nextOffset);
  }

  /**
   * @param topic the topic
   * @param consumer the consumer name
   * @return the offset the consumer's next consuming read returns (for a consumer that
   *     does not exist yet, where it would start: the oldest retained entry); asking
   *     creates no cursor
   */
  public long position(String topic, String consumer) {
    return reads.position(topic, named(consumer));
  }

  /**
   * The shared cursor's position: its next consuming read returns the first entry at or
   * after it (offsets a power cut lost are skipped). {@link TopicStats#unread()} counts
   * entries, not offsets, so it cannot give the position when such a range lies ahead.
   *
   * @param topic the topic
   * @return where the shared cursor stands (for a topic without one, the oldest retained
   *     offset); asking creates no cursor
   * @throws InvalidTopicException if the topic name is invalid
   * @throws SharedCursorDisabledException if the instance was opened with
   *     {@code sharedCursor(false)}
   */
  public long position(String topic) {
    return reads.position(topic, Engine.SHARED);
  }

  /**
   * Forgets a named consumer; its cursor no longer holds back reclamation.
   *
   * @param topic the topic
   * @param consumer the consumer name
   * @return true if it existed
   */
  public boolean removeConsumer(String topic, String consumer) {
    return reads.removeConsumer(topic, named(consumer));
  }

  private static String named(String consumer) {
    if (consumer == null || consumer.isEmpty()) {
      Names.consumer(consumer); // throws; other names are validated when first seen
    }
    return consumer;
  }

  // ------------------------------------------------------------------ other

  /**
   * Registers a listener told (on the appending thread) whenever entries become readable
   * in {@code topic}.
   *
   * @param topic the topic (need not exist yet)
   * @param listener quick, non-blocking callback
   * @return a handle whose {@code close()} removes the listener
   * @throws WalrusClosedException if this instance is closed (it would never be told)
   */
  public AutoCloseable addAppendListener(String topic, AppendListener listener) {
    return writes.addListener(topic, listener);
  }

  /**
   * Attaches a metrics listener, told of every append, batch append, read, force pass,
   * data file created or reclaimed and of the instance being poisoned, on the thread that
   * did the work (see {@link WalrusMetricsListener} for the threading contract). Several
   * may be attached; with none attached the engine measures nothing. Works on a closed
   * or poisoned instance too (nothing more will be reported then).
   *
   * @param listener thread-safe, quick, non-blocking callbacks; what it throws is logged
   *     and ignored
   * @return a handle whose {@code close()} detaches the listener (idempotent); calls in
   *     progress on other threads may still reach it once
   * @throws InvalidArgumentException if {@code listener} is null
   */
  public AutoCloseable addMetricsListener(WalrusMetricsListener listener) {
    return engine.addMetricsListener(listener);
  }

  /** @return the names of all topics, sorted */
  public Set<String> topics() {
    return engine.topics();
  }

  /**
   * @param topic the topic
   * @return its statistics, or empty if no such topic
   */
  public Optional<TopicStats> stats(String topic) {
    return Optional.ofNullable(engine.stats(topic));
  }

  // ------------------------------------------------------------------ time and lifecycle

  /**
   * Finds the first entry appended at or after an instant, like Kafka's
   * {@code offsetsForTimes}: the smallest retained offset whose timestamp is
   * {@code >= time}. Timestamps are non-decreasing within a topic, so every later entry
   * is at or after {@code time} too. Found from per-block metadata (each block's first and
   * last timestamp) and one scan of the block that holds the answer, not a scan of the
   * topic. Entries of format version 1 have timestamp 0 ({@link Instant#EPOCH}), so they
   * are found only for {@code time <= EPOCH}. Moves no cursor, creates nothing.
   * Thread-safe; it may read one block from disk.
   *
   * @param topic the topic
   * @param time the instant (microsecond precision: nanoseconds below are rounded up, so
   *     an entry is never reported before {@code time})
   * @return the offset, or empty if no retained entry is at or after {@code time} (it is
   *     past the topic's last entry, or the topic does not exist or holds nothing); a tail
   *     from "that time" then starts at {@link TopicStats#nextOffset()}
   * @throws InvalidTopicException if the topic name is invalid
   * @throws InvalidArgumentException if {@code time} is null
   * @throws CorruptEntryException if the block holding the answer has a damaged entry
   *     before it
   * @throws WalrusPoisonedException if an earlier failure poisoned the instance
   * @throws WalrusClosedException if the instance is closed
   */
  public OptionalLong offsetForTime(String topic, Instant time) {
    if (time == null) {
      throw new InvalidArgumentException("time must not be null");
    }
    long o = engine.offsetForTime(topic, time);
    return o < 0 ? OptionalLong.empty() : OptionalLong.of(o);
  }

  /**
   * Deletes a topic: its entries, its cursors (shared and named) and its own
   * configuration. Atomic across a crash: one metadata-log record, forced before this
   * returns (whatever the fsync schedule), is the commit point; after a crash at any
   * instant the topic is either wholly present (entries, cursors, configuration) or
   * wholly gone. Once it returns the topic is not in {@link #topics()}, reads find
   * nothing, and its data files are deleted as their other topics allow (reclamation).
   *
   * <p>A topic re-created afterwards (by an append) <em>continues</em> its offsets: its
   * first entry gets the offset the deleted topic would have given next, so a consumer
   * that remembers offsets never confuses old and new entries. Appends to the topic that
   * run concurrently with the delete either complete before it (and are deleted) or
   * after it (and re-create the topic). Readers of the topic in progress finish on what
   * they had; later reads see the new topic. Listeners stay registered.
   *
   * @param topic the topic
   * @return true if the topic existed
   * @throws InvalidTopicException if the topic name is invalid
   * @throws FatalIOException if the record cannot be written or forced: the instance is
   *     poisoned, and the topic is present or gone after a reopen
   * @throws WalrusPoisonedException if an earlier failure poisoned the instance
   * @throws WalrusClosedException if the instance is closed
   */
  public boolean deleteTopic(String topic) {
    return engine.deleteTopic(topic);
  }

  /**
   * The retention that applies to a topic: its own configuration if one was set with
   * {@link #setTopicConfig}, else the instance default ({@link Builder#retention(Duration)},
   * {@link Builder#retentionBytes(long)}; unlimited unless set). The topic need not exist.
   * Thread-safe; no I/O.
   *
   * @param topic the topic
   * @return its effective configuration
   * @throws InvalidTopicException if the topic name is invalid
   * @throws WalrusPoisonedException if an earlier failure poisoned the instance
   * @throws WalrusClosedException if the instance is closed
   */
  public TopicConfig topicConfig(String topic) {
    return engine.topicConfig(topic);
  }

  /**
   * Sets a topic's own retention, replacing the instance default for it (use
   * {@link TopicConfig#unlimited()} to exempt a topic from a default). Persisted: a
   * {@code TOPIC_CONFIG} record in the metadata log, forced before this returns, so it
   * survives restarts; it applies to the topic's existing blocks from the next reclaimer
   * pass, which this call schedules. The topic need not exist yet; deleting the topic
   * forgets it.
   *
   * @param topic the topic
   * @param config its retention
   * @throws InvalidTopicException if the topic name is invalid
   * @throws InvalidArgumentException if {@code config} is null
   * @throws FatalIOException if the record cannot be written or forced (poisoned)
   * @throws WalrusPoisonedException if an earlier failure poisoned the instance
   * @throws WalrusClosedException if the instance is closed
   */
  public void setTopicConfig(String topic, TopicConfig config) {
    if (config == null) {
      throw new InvalidArgumentException("topic config must not be null");
    }
    engine.setTopicConfig(topic, config);
  }

  /**
   * Forgets a topic's own retention: the instance default applies to it again (from the
   * next open too). Persisted and forced like {@link #setTopicConfig}.
   *
   * @param topic the topic
   * @return true if the topic had its own configuration
   * @throws InvalidTopicException if the topic name is invalid
   * @throws FatalIOException if the record cannot be written or forced (poisoned)
   * @throws WalrusPoisonedException if an earlier failure poisoned the instance
   * @throws WalrusClosedException if the instance is closed
   */
  public boolean clearTopicConfig(String topic) {
    return engine.clearTopicConfig(topic);
  }

  /**
   * Forces everything written so far to stable storage, whatever the schedule.
   *
   * @throws FatalIOException if the fsync fails: the instance is then poisoned (no fsync is
   *     retried: the kernel may have dropped the pages it could not write)
   */
  public void sync() {
    engine.sync();
  }

  /**
   * Runs a reclamation pass now, on the calling thread: first applies every topic's
   * retention (see {@link TopicConfig}), then deletes every data file whose blocks all
   * cursors have consumed or retention or {@link #deleteTopic} dropped (the shared cursor
   * counts, unless it is turned off; see the class documentation). Reclamation also runs
   * by itself as cursors move, and about once a second while a retention limit is set.
   */
  public void reclaim() {
    engine.reclaimNow();
  }

  /** @return the namespace directory this instance owns */
  public Path directory() {
    return engine.config().directory();
  }

  /**
   * @return the I/O this instance uses: its {@link Backend} and whether io_uring is in use
   *     ({@link BackendInfo#toString()} gives the short form, e.g. {@code "fd+io_uring"})
   */
  public BackendInfo backendInfo() {
    return engine.config().backend().info();
  }

  /**
   * Whether this instance can still do work, for health checks: {@code OPEN},
   * {@code CLOSED} (after {@link #close()}), or {@code POISONED} with the I/O failure that
   * poisoned it (see "Errors" above). Thread-safe, cheap (reads two fields, no I/O, no
   * lock) and never throws, also on a closed or poisoned instance.
   *
   * @return a snapshot of the instance's state
   */
  public WalrusHealth health() {
    Health h = engine.health();
    Throwable cause = h.poisonCause();
    if (h.isClosed()) {
      return new WalrusHealth(WalrusHealth.State.CLOSED, cause);
    }
    return cause != null
        ? new WalrusHealth(WalrusHealth.State.POISONED, cause)
        : new WalrusHealth(WalrusHealth.State.OPEN, null);
  }

  /** @return the read consistency model */
  public ReadConsistency consistency() {
    return engine.config().consistency();
  }

  /** @return the fsync schedule */
  public FsyncSchedule fsyncSchedule() {
    return engine.config().schedule();
  }

  /**
   * Persists every cursor, forces all data (in every schedule), releases the namespace.
   * Idempotent. Operations after close throw {@link WalrusClosedException}.
   *
   * <p>Calls running on other threads when close starts are not cut off: close first
   * refuses new calls, then waits for the appends, batches, consuming reads and
   * checkpoints under way to finish, and only then persists, forces and closes the files.
   * So a call racing close either completes (its entry acknowledged and covered by the
   * final force) or throws {@link WalrusClosedException} having changed nothing; it is
   * never failed by the close ({@link FatalIOException}) and never poisons the instance.
   *
   * @throws FatalIOException if the final fsync fails (the instance is closed all the same;
   *     reopening recovers from what is on disk)
   */
  @Override
  public void close() {
    engine.close();
  }

  // ------------------------------------------------------------------ builder

  /**
   * Configures and opens an instance. Not thread-safe; each {@link #open()} uses the
   * settings as they are at that moment.
   */
  public static final class Builder {
    private Path dataDir;
    private String namespace;
    private boolean namespaceSet;
    private ReadConsistency consistency = ReadConsistency.strictlyAtOnce();
    private FsyncSchedule schedule = FsyncSchedule.defaultSchedule();
    private long blockSize = DEFAULT_BLOCK_SIZE;
    private long firstBlockSize = EngineConfig.DEFAULT_FIRST_BLOCK;
    private int blocksPerFile = DEFAULT_BLOCKS_PER_FILE;
    private int maxEntryBytes = MAX_ENTRY_BYTES;
    private Boolean quiet;
    private boolean sharedCursor = true;
    private Backend backend;
    private Boolean ioUring;
    private StorageBackend storageOverride;
    private Duration retention;
    private long retentionBytes;
    private LongSupplier clock = EngineConfig.SYSTEM_CLOCK;

    private Builder() {}

    /**
     * The age limit of every topic without its own configuration (default: none). Not
     * persisted: it is this instance's setting, while {@link Walrus#setTopicConfig}
     * overrides are. See {@link TopicConfig} for exactly what retention deletes and when.
     *
     * @param age the longest an entry is kept, at block granularity; positive
     * @return this
     * @throws InvalidArgumentException if {@code age} is null, zero or negative
     */
    public Builder retention(Duration age) {
      this.retention = TopicConfig.checkAge(age);
      return this;
    }

    /**
     * The size limit of every topic without its own configuration (default: none); after a
     * retention pass a topic keeps at most this many bytes (its newest block is always kept,
     * even if larger). Not persisted, like
     * {@link #retention(Duration)}.
     *
     * @param bytes the most bytes a topic keeps; positive
     * @return this
     * @throws InvalidArgumentException if {@code bytes} is zero or negative
     */
    public Builder retentionBytes(long bytes) {
      this.retentionBytes = TopicConfig.checkBytes(bytes);
      return this;
    }

    /** Test seam: the append clock, in microseconds since the epoch. */
    Builder clock(LongSupplier micros) {
      this.clock = Objects.requireNonNull(micros, "clock");
      return this;
    }

    private TopicConfig retentionDefault() {
      TopicConfig d = TopicConfig.unlimited();
      if (retention != null) {
        d = d.withRetention(retention);
      }
      return retentionBytes > 0 ? d.withRetentionBytes(retentionBytes) : d;
    }

    /**
     * @param b the storage backend (default: the process-wide default, see
     *     {@link Walrus#defaultBackend()})
     * @return this
     */
    public Builder backend(Backend b) {
      if (b == null) {
        throw new InvalidArgumentException("backend must not be null");
      }
      this.backend = b;
      return this;
    }

    /**
     * @param dir the data directory (default: {@code WALRUS_DATA_DIR} or {@code ./wal_files})
     * @return this
     */
    public Builder dataDir(Path dir) {
      this.dataDir = Objects.requireNonNull(dir, "dataDir");
      return this;
    }

    /**
     * Opens the namespace {@code <data dir>/<sanitised key>/}. Sanitising keeps
     * {@code [A-Za-z0-9._-]} and replaces every other character (Unicode code point: an
     * emoji gives one {@code _}) with {@code _}; a result that is
     * empty, all {@code _}, {@code .} or {@code ..} becomes {@code ns_<checksum>} (the
     * FNV-1a 64 hash of the key's UTF-8 bytes in lower-case hex without leading zeros); a
     * result over 200 characters keeps 200 and gains
     * {@code _<checksum>}. The directory never lies outside the data directory.
     *
     * @param key the namespace key; null means the data directory itself
     * @return this
     */
    public Builder namespace(String key) {
      this.namespace = key;
      this.namespaceSet = true;
      return this;
    }

    /**
     * @param c the read consistency model (default {@code StrictlyAtOnce})
     * @return this
     */
    public Builder consistency(ReadConsistency c) {
      if (c == null) {
        throw new InvalidArgumentException("consistency must not be null");
      }
      this.consistency = c;
      return this;
    }

    /**
     * @param s the fsync schedule (default {@code Milliseconds(200)})
     * @return this
     */
    public Builder fsyncSchedule(FsyncSchedule s) {
      if (s == null) {
        throw new InvalidArgumentException("fsync schedule must not be null");
      }
      this.schedule = s;
      return this;
    }

    /**
     * @param bytes block size, a multiple of 4096 from 4 KiB to 1 GiB (default 10 MiB)
     * @return this
     */
    public Builder blockSize(long bytes) {
      if (bytes < 4096 || bytes % 4096 != 0 || bytes > (1L << 30)) {
        throw new InvalidArgumentException(
            "block size must be a multiple of 4096 between 4096 and 1 GiB, got " + bytes);
      }
      this.blockSize = bytes;
      return this;
    }

    /**
     * The length of each topic's first block. A topic's blocks grow with its use: the
     * first has this length, each next one twice the previous, up to the block size (an
     * entry too large for the next one gets a block that fits it). Blocks of all topics
     * are laid end to end in the data files, so a small topic costs about its bytes of
     * disk. A length of at least the block size gives every block the block size.
     *
     * @param bytes a multiple of 512 from 512 to 1 GiB (default 512: a topic's header and
     *     three 100-byte entries)
     * @return this
     */
    public Builder firstBlockSize(long bytes) {
      if (bytes < 512 || bytes % 512 != 0 || bytes > (1L << 30)) {
        throw new InvalidArgumentException(
            "first block size must be a multiple of 512 between 512 and 1 GiB, got " + bytes);
      }
      this.firstBlockSize = bytes;
      return this;
    }

    /**
     * Whether the FD backend submits batch appends, batch reads and the periodic fsync
     * through io_uring (Linux). Default: yes when available, unless
     * {@code WALRUS_DISABLE_IO_URING=1} or the system property {@code walrus.io_uring=false};
     * {@code walrus.io_uring=required} makes opening fail instead of falling back. When
     * io_uring cannot be used the instance falls back to positional I/O and logs one line
     * saying why. {@code ioUring(false)} wins over the property and the environment;
     * {@code ioUring(true)} is the default (use io_uring when available), which they can
     * still change.
     *
     * @param enabled false to never use io_uring
     * @return this
     */
    public Builder ioUring(boolean enabled) {
      this.ioUring = enabled;
      return this;
    }

    /**
     * @param n blocks per data file, at least 1 (default 100)
     * @return this
     */
    public Builder blocksPerFile(int n) {
      if (n < 1) {
        throw new InvalidArgumentException("blocks per file must be at least 1, got " + n);
      }
      this.blocksPerFile = n;
      return this;
    }

    /**
     * @param bytes the largest payload accepted, 0 to 1 GiB (default 1 GiB)
     * @return this
     */
    public Builder maxEntryBytes(int bytes) {
      if (bytes < 0 || bytes > MAX_ENTRY_BYTES) {
        throw new InvalidArgumentException(
            "max entry size must be between 0 and " + MAX_ENTRY_BYTES + ", got " + bytes);
      }
      this.maxEntryBytes = bytes;
      return this;
    }

    /**
     * @param q true to silence the library's info/debug logging (default:
     *     {@code WALRUS_QUIET=1})
     * @return this
     */
    public Builder quiet(boolean q) {
      this.quiet = q;
      return this;
    }

    /**
     * Whether every topic has a shared cursor (default {@code true}).
     *
     * <p>On: a topic's shared cursor exists from its first entry, at offset 0, and, like
     * every cursor, keeps every data file holding entries it has not consumed: an
     * application that reads only through named consumers and leaves the shared cursor
     * on keeps every file forever. At open, a topic that has entries but no recorded
     * shared cursor gets one at its first retained offset.
     *
     * <p>Off ({@code sharedCursor(false)}), for applications that read only through named
     * consumers: no topic has a shared cursor, files are reclaimed once every named
     * consumer has consumed them, and every shared-cursor call
     * ({@link Walrus#readNext(String, boolean)},
     * {@link Walrus#batchReadForTopic(String, long, boolean)},
     * {@link Walrus#checkpoint(String, long)}, {@link Walrus#position(String)}) throws
     * {@link SharedCursorDisabledException}
     * and changes nothing. A shared-cursor position recorded by an earlier open is kept on
     * disk but ignored; opened with the shared cursor on again, it resumes from there, or
     * from the first retained offset if what it had not read was reclaimed meanwhile.
     *
     * @param enabled false to open without shared cursors
     * @return this
     */
    public Builder sharedCursor(boolean enabled) {
      this.sharedCursor = enabled;
      return this;
    }

    /**
     * Opens (creating if needed) and recovers the namespace. Directories it creates are
     * owner-only ({@code rwx------}) whatever the umask. A data directory that is itself a
     * symbolic link is followed when it is the namespace (no key): that link is the
     * user's choice; links inside the data directory are refused.
     *
     * @return the open instance
     * @throws NamespaceLockedException if another instance owns the namespace
     * @throws UnsafePathException if the namespace directory is a link or not owned by the
     *     process's user, or a lock file, the metadata log or a data file in it is a link
     *     (or not a regular file)
     * @throws InvalidNamespaceKeyException if the key would leave the data directory
     * @throws WalrusIOException if the directory cannot be created (for instance, a regular
     *     file is at its path) or recovered
     */
    public Walrus open() {
      ResolvedConfig c =
          ConfigResolver.system()
              .resolve(
                  new Requested(
                      dataDir,
                      namespaceSet,
                      namespace,
                      backend,
                      processBackend,
                      Boolean.FALSE.equals(ioUring),
                      quiet,
                      consistency,
                      schedule,
                      blockSize,
                      blocksPerFile,
                      maxEntryBytes,
                      sharedCursor));
      String key = c.namespaceKey();
      Path dir = key == null ? userDirectory(c.dataDir()) : NamespaceKeys.resolve(c.dataDir(), key);
      c.logAtOpen();
      StorageBackend storage = storageOverride != null ? storageOverride : BackendChoice.open(c);
      return new Walrus(
          Engine.open(
              c.engineConfig(dir, storage)
                  .withRetention(retentionDefault(), clock)
                  .withFirstBlockSize(firstBlockSize)));
    }

    /** Test seam: every file operation goes through {@code s} (fault injection). */
    Builder storageBackend(StorageBackend s) {
      this.storageOverride = s;
      return this;
    }

    /**
     * The data directory as the namespace itself: a link there is the user's own choice
     * (the engine refuses links only inside the data directory), so it is resolved here.
     */
    private static Path userDirectory(Path base) {
      Path dir = base.toAbsolutePath().normalize();
      if (java.nio.file.Files.isSymbolicLink(dir)) {
        try {
          return dir.toRealPath();
        } catch (java.io.IOException e) {
          throw new WalrusIOException("cannot resolve the data directory " + dir + ": " + e, e);
        }
      }
      return dir;
    }
  }
}
