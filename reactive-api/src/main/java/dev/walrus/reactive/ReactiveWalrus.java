package dev.walrus.reactive;

import dev.walrus.Entry;
import dev.walrus.FsyncSchedule;
import dev.walrus.InvalidArgumentException;
import dev.walrus.TopicConfig;
import dev.walrus.Walrus;
import dev.walrus.WalrusException;
import dev.walrus.reactive.internal.AppendAllFlux;
import dev.walrus.reactive.internal.AppendMono;
import dev.walrus.reactive.internal.ConsumerGroups;
import dev.walrus.reactive.internal.CursorLocks;
import dev.walrus.reactive.internal.EngineCall;
import dev.walrus.reactive.internal.Lifecycle;
import dev.walrus.reactive.internal.Reads;
import dev.walrus.reactive.internal.TailFlux;
import dev.walrus.reactive.internal.TopicAppender;
import dev.walrus.reactive.internal.Validation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The non-blocking face of a {@link Walrus} engine: {@code Mono}/{@code Flux} appends
 * with group commit, reads, and tailing consumers.
 *
 * <pre>{@code
 * try (Walrus wal = Walrus.open();
 *      ReactiveWalrus rw = ReactiveWalrus.create(wal)) {
 *   Mono<Long> offset = rw.append("events", bytes);             // durable per the schedule
 *   Flux<Entry> all = rw.tail("events");                        // history, then live
 *   Flux<ReceivedEntry> manual = rw.tail("events",
 *       TailOptions.forConsumer("billing").checkpointMode(CheckpointMode.MANUAL));
 * }
 * }</pre>
 *
 * <h2>Reactor manners</h2>
 * Every returned publisher is cold and lazy: nothing is read, written or registered
 * until it is subscribed, and each subscription does the work anew. Subscribing and
 * requesting never block the calling thread, so they are safe on event loops and
 * {@code Schedulers.parallel()}: every blocking engine call runs on this instance's
 * scheduler (default {@link Schedulers#boundedElastic()}), which is also where results
 * are emitted. The one exception is {@code block()} on the Mono of {@link #append} or
 * {@link #appendBatch}: the caller blocks anyway, so it writes on its own thread when the
 * topic's writer is idle (see {@link #append}). Failures arrive as {@code onError} with the engine's typed
 * {@link WalrusException}s (for example {@link dev.walrus.InvalidTopicException},
 * {@link dev.walrus.EntryTooLargeException}, {@link dev.walrus.WalrusClosedException}).
 * The subscriber's {@code Context} flows upstream through {@link #appendAll}.
 *
 * <h2>Cancellation and interrupts</h2>
 * Cancelling any publisher of this class at any instant ({@code timeout}, {@code dispose},
 * {@code take}, a client that disconnects) leaves the instance healthy: engine calls run
 * as tasks given to the scheduler with {@link Scheduler#schedule(Runnable)} whose
 * {@code Disposable} is never disposed (or, for an append's {@code block()}, on the
 * blocking caller itself), so no cancellation ever interrupts a thread inside an engine
 * call; engine calls run with the thread's interrupt status cleared (and
 * restored after), so a stale interrupt left on a scheduler thread does not reach the
 * engine either. What a cancelled call did is stated per method: in short, an append
 * cancelled once its write was taken is written (never twice), a consuming read cancelled
 * while it ran puts its entries back, a cancelled checkpoint is persisted whole or not at all.
 *
 * <h2>What completing an append means</h2>
 * An append's offset is emitted once the entry is readable and as durable as the
 * engine's {@link FsyncSchedule} promises: on stable storage under {@code SyncEach}; in
 * the operating system's page cache under {@code Milliseconds(n)} (on disk within about
 * n ms) and {@code NoFsync}. In every schedule a process crash loses no acknowledged
 * entry.
 *
 * <h2>Group commit</h2>
 * Appends to a topic go into one queue, drained by one task at a time on the scheduler;
 * it writes everything queued (up to 2,000 entries and 4 MiB by default) with one engine
 * batch append, that is one positional write and, under {@code SyncEach}, one
 * synchronous write for all of them. Thousands of appends in flight therefore need no
 * more threads than there are topics being written, and the more producers wait, the
 * more each write carries. Coalescing never mixes failures: an entry that fails on its
 * own (an oversized payload) fails alone.
 *
 * <p>Results are emitted on the scheduler thread that did the work; the append of a
 * topic is completed on that topic's writer task (which, for a moment, may be a thread
 * blocked in an append's {@code block()} that wrote the group), so code running in a completion callback
 * must not block waiting for another append of the same topic (compose with
 * {@code flatMap}/{@code concatMap} instead of calling {@code block()}).
 *
 * <p>Thread-safe. The instance does not own the engine: close this first, then the
 * engine.
 */
public final class ReactiveWalrus implements AutoCloseable {
  private final Walrus wal;
  private final Scheduler scheduler;
  private final int maxCoalescedEntries;
  private final long maxCoalescedBytes;
  private final int appendAllWindow;
  private final Lifecycle life = new Lifecycle();
  private final ConsumerGroups groups;
  private final CursorLocks locks = new CursorLocks();
  private final Reads reads;
  private final ConcurrentHashMap<String, TopicAppender> appenders = new ConcurrentHashMap<>();

  private ReactiveWalrus(Builder b) {
    this.wal = b.wal;
    this.scheduler = b.scheduler;
    this.maxCoalescedEntries = b.maxCoalescedEntries;
    this.maxCoalescedBytes = b.maxCoalescedBytes;
    this.appendAllWindow = b.appendAllWindow;
    this.groups = new ConsumerGroups(wal);
    this.reads = new Reads(wal, scheduler, life, locks);
  }

  /**
   * Wraps an open engine with the default settings (scheduler
   * {@link Schedulers#boundedElastic()}).
   *
   * @param wal the engine; stays owned by the caller
   * @return the reactive view
   * @throws InvalidArgumentException if {@code wal} is null
   */
  public static ReactiveWalrus create(Walrus wal) {
    return builder(wal).build();
  }

  /**
   * @param wal the engine; stays owned by the caller
   * @return a builder with every setting at its default
   * @throws InvalidArgumentException if {@code wal} is null
   */
  public static Builder builder(Walrus wal) {
    if (wal == null) {
      throw new InvalidArgumentException("engine must not be null");
    }
    return new Builder(wal);
  }

  // ------------------------------------------------------------------ appends

  /**
   * Appends one entry.
   *
   * <pre>
   * append:  --subscribe--[queued; written with others on the scheduler]--offset|
   * </pre>
   * Completes with the entry's offset once it is durable per the fsync schedule (see the
   * class documentation). Cancelling before the topic's writer task has taken the entry
   * into a write skips it; once taken it is written (exactly once) but its offset is not
   * emitted, unless that write is retried unit by unit because another unit was refused
   * (then the cancelled entry is skipped). The array must not be modified until the Mono terminates.
   *
   * <p>{@code block()} and {@code block(Duration)} on this Mono, on a thread where Reactor
   * allows blocking ({@link Schedulers#isInNonBlockingThread()} false; elsewhere they throw
   * {@code IllegalStateException} as every Reactor {@code block} does), append without a
   * hand-off: if the topic's writer is idle, the calling thread writes the entry itself
   * (under {@code SyncEach} including the synchronous write) and returns its offset; if the
   * writer is busy on another thread, the entry joins its next group and the caller waits.
   * Errors are thrown as Reactor's {@code block} throws them. A timeout or an interrupt while
   * waiting cancels the append as above (skipped unless its write was taken); the interrupt
   * status is kept. Only {@code block} on the Mono itself does this: {@code subscribe} and
   * any operator chain ({@code append(..).map(..).block()}) take the queued path.
   *
   * @param topic the topic
   * @param data the payload
   * @return a Mono of the entry's offset; errors: {@link dev.walrus.InvalidTopicException},
   *     {@link InvalidArgumentException} (null payload),
   *     {@link dev.walrus.EntryTooLargeException}, {@link dev.walrus.WalrusIOException},
   *     {@link dev.walrus.WalrusPoisonedException},
   *     {@link dev.walrus.WalrusClosedException}
   */
  public Mono<Long> append(String topic, byte[] data) {
    return AppendMono.single(this::appender, topic, data);
  }

  /**
   * Appends a batch atomically: readers see all of it or none, and after a crash it is
   * wholly present or wholly absent. It may share its write with neighbouring appends
   * (which keeps it atomic) but is never split.
   *
   * <pre>
   * appendBatch:  --subscribe--[queued; written whole]--[o, o+1, ..., o+n-1]|
   * </pre>
   * The list is copied at subscription; the arrays must not be modified until the Mono
   * terminates. Cancellation as for {@link #append}: the batch is written whole or not at
   * all. {@code block()} as for {@link #append}: on a thread that may block, it writes the
   * batch on that thread when the topic's writer is idle.
   *
   * @param topic the topic
   * @param entries up to {@link Walrus#MAX_BATCH_ENTRIES} payloads; empty writes nothing
   * @return a Mono of the entries' offsets, consecutive, in order; errors as
   *     {@link #append}, plus {@link dev.walrus.BatchTooLargeException}
   */
  public Mono<List<Long>> appendBatch(String topic, List<byte[]> entries) {
    return AppendMono.batch(this::appender, topic, entries);
  }

  /**
   * Appends every payload of {@code entries}, in order, and emits their offsets in the
   * same order, each once the entry is durable per the fsync schedule.
   *
   * <pre>
   * entries:    --a----b--c--d-------|
   * appendAll:  ------oa-----ob-oc-od|      (offsets ascending, order kept)
   * </pre>
   * Backpressure: the source is asked for no more payloads than offsets were requested,
   * and never more than a window (4,096 by default) ahead of what was emitted. Payloads
   * in flight are coalesced into large writes (group commit).
   *
   * <p>Errors: the offset of every entry written is emitted before the error signal, in
   * order (the error waits for the demand those offsets need). A source error, or a null
   * payload ({@link InvalidArgumentException}, the source is then cancelled): every
   * payload received before it is written, then the Flux fails with it. A failed write
   * (e.g. {@link dev.walrus.EntryTooLargeException}): the source is cancelled, payloads
   * after the failed one are skipped (not written), then the Flux fails with the
   * engine's exception. What was written is always a prefix of the source.
   *
   * <p>Cancelling skips payloads whose write has not started; those in the write under
   * way are written, and their offsets are not emitted.
   *
   * <p>Closing this instance ({@link #close(Duration)}) ends the Flux as a source error
   * would, with {@link dev.walrus.WalrusClosedException}: the source is cancelled, what it
   * sent before is written (and {@code close} waits for that), nothing it sends after is.
   *
   * @param topic the topic
   * @param entries the payloads
   * @return a Flux of offsets, one per payload
   */
  public Flux<Long> appendAll(String topic, Publisher<byte[]> entries) {
    return new AppendAllFlux(entries, () -> appender(topic), life, appendAllWindow);
  }

  private TopicAppender appender(String topic) {
    TopicAppender a = topic == null ? null : appenders.get(topic);
    if (a == null) {
      Validation.topic(topic); // a known topic's name was checked when its appender was made
    }
    life.checkOpen();
    return a != null
        ? a
        : appenders.computeIfAbsent(
            topic,
            t ->
                new TopicAppender(t, wal, scheduler, life, maxCoalescedEntries, maxCoalescedBytes));
  }

  // ------------------------------------------------------------------ reads

  /**
   * Reads the next entry at the topic's shared cursor, with the engine's semantics
   * ({@link Walrus#readNext(String, boolean)}), on the scheduler.
   *
   * <p>Cancellation: before the engine call starts, nothing is read. A consuming read
   * ({@code checkpoint = true}) cancelled while it runs completes and then puts the entry
   * back, so the cursor moves only if the entry is delivered. Exact against every other
   * read of the cursor through this instance (they are serialised per cursor); a reader of
   * the same cursor through the blocking {@link Walrus} API at that very moment may make
   * the put-back impossible, and the entry is then lost to the canceller. A cancel racing
   * with the emission may still see the entry emitted (it counts as delivered).
   *
   * @param topic the topic
   * @param checkpoint true to consume, false to peek
   * @return a Mono of the entry, empty if there is none; errors: the engine's
   */
  public Mono<Entry> readNext(String topic, boolean checkpoint) {
    return reads.readNext(topic, null, checkpoint);
  }

  /**
   * Reads the next entry of a named consumer
   * ({@link Walrus#readNext(String, String, boolean)}), on the scheduler. Cancellation as
   * for {@link #readNext(String, boolean)}.
   *
   * @param topic the topic
   * @param consumer the consumer name
   * @param checkpoint true to consume, false to peek
   * @return a Mono of the entry, empty if there is none; errors: the engine's
   */
  public Mono<Entry> readNext(String topic, String consumer, boolean checkpoint) {
    if (consumer == null || consumer.isEmpty()) {
      return Mono.error(() -> invalidConsumer(consumer));
    }
    return reads.readNext(topic, consumer, checkpoint);
  }

  /**
   * Reads entries at the shared cursor within a payload budget
   * ({@link Walrus#batchReadForTopic(String, long, boolean)}), on the scheduler.
   * Cancellation as for {@link #readNext(String, boolean)}: a consuming batch cancelled
   * while it runs is put back whole.
   *
   * @param topic the topic
   * @param maxBytes the payload budget (at least one entry is returned if any exists)
   * @param checkpoint true to consume, false to peek
   * @return a Mono of the entries in offset order (an empty list if none); errors: the
   *     engine's
   */
  public Mono<List<Entry>> batchRead(String topic, long maxBytes, boolean checkpoint) {
    return reads.batchRead(topic, null, maxBytes, checkpoint);
  }

  /**
   * {@link #batchRead(String, long, boolean)} for a named consumer.
   *
   * @param topic the topic
   * @param consumer the consumer name
   * @param maxBytes the payload budget
   * @param checkpoint true to consume, false to peek
   * @return a Mono of the entries in offset order (an empty list if none)
   */
  public Mono<List<Entry>> batchRead(
      String topic, String consumer, long maxBytes, boolean checkpoint) {
    if (consumer == null || consumer.isEmpty()) {
      return Mono.error(() -> invalidConsumer(consumer));
    }
    return reads.batchRead(topic, consumer, maxBytes, checkpoint);
  }

  private static RuntimeException invalidConsumer(String consumer) {
    try {
      Validation.consumer(consumer);
    } catch (RuntimeException e) {
      return e;
    }
    return new InvalidArgumentException("invalid consumer name");
  }

  // ------------------------------------------------------------------ tails

  /**
   * Tails a topic through its shared cursor in AUTO mode: equivalent to
   * {@code tail(topic, TailOptions.defaults()).map(ReceivedEntry::entry)}.
   *
   * @param topic the topic
   * @return an endless Flux of entries
   * @see #tail(String, TailOptions)
   */
  public Flux<Entry> tail(String topic) {
    return tail(topic, TailOptions.defaults()).map(ReceivedEntry::entry);
  }

  /**
   * Tails a topic: an endless Flux of its entries in offset order, history first (from
   * the {@link StartPosition}), then new entries as they are appended.
   *
   * <pre>
   * appends:  e0 e1 e2 |subscribe|  e3 ........ e4 ....
   * tail:                --e0-e1-e2--e3--------e4---- ... (never completes by itself)
   * </pre>
   * <ul>
   *   <li>Waking: the tail waits for the engine's append notification; there is no
   *       polling loop. {@link TailOptions#waitStrategy(WaitStrategy)} with
   *       {@link WaitStrategy#spinThenPark} makes it busy-spin a scheduler thread for a
   *       while first, for lower latency at the cost of a core.</li>
   *   <li>Backpressure: exactly {@code request(n)}; entries are read from the log only
   *       against outstanding demand, so a slow subscriber never makes anything buffer.
   *       An AUTO tail consumes one entry per delivery whatever the demand (unbounded
   *       too): the consumer's cursor never runs ahead of what the subscriber received
   *       (see {@link CheckpointMode#AUTO} for the resume rule after a crash).</li>
   *   <li>Consumers: tails of different consumer names each see every entry; tails of
   *       the same name on this instance compete (each entry goes to one of them), and
   *       what a cancelled or failed one had not acknowledged goes to the others.
   *       </li>
   *   <li>Checkpointing: see {@link CheckpointMode}. In MANUAL mode acknowledged
   *       progress is checkpointed when the tail is cancelled, completes or fails.</li>
   *   <li>Termination: cancelling releases the engine listener and cursors; an entry
   *       read but not delivered because of the cancel is put back. Closing this
   *       instance completes every tail. Errors (e.g. an out-of-range start offset,
   *       {@link dev.walrus.CorruptEntryException}) arrive as {@code onError}.</li>
   *   <li>Threads: entries are emitted on the scheduler. A waiting tail holds no thread and
   *       no buffer, about 1 KiB of heap, and no entry it is done with, so thousands of
   *       tails share the scheduler's threads; only the tails of a topic appended to (and
   *       with demand) are scheduled.</li>
   * </ul>
   *
   * @param topic the topic (need not exist yet)
   * @param options consumer name, start position, checkpoint mode and wait strategy
   * @return an endless Flux of received entries
   */
  public Flux<ReceivedEntry> tail(String topic, TailOptions options) {
    return new TailFlux(wal, scheduler, life, groups, locks, topic, options);
  }

  // ------------------------------------------------------------------ time and lifecycle

  /**
   * Finds the first entry appended at or after an instant
   * ({@link Walrus#offsetForTime(String, Instant)}: block metadata, no scan of the topic),
   * on the scheduler.
   *
   * @param topic the topic
   * @param time the instant
   * @return a Mono of the offset, empty if no retained entry is at or after {@code time};
   *     errors: the engine's ({@link InvalidArgumentException} for a null time)
   */
  public Mono<Long> offsetForTime(String topic, Instant time) {
    return call(
        w -> {
          OptionalLong o = w.offsetForTime(topic, time);
          return o.isPresent() ? o.getAsLong() : null;
        });
  }

  /**
   * Deletes a topic, its entries and its cursors, atomically across a crash
   * ({@link Walrus#deleteTopic(String)}), on the scheduler. Live tails of the topic stay
   * subscribed and deliver what is appended after the delete (a re-created topic continues
   * its offsets). Like every call of this class, a cancellation while the delete runs lets
   * it finish.
   *
   * @param topic the topic
   * @return a Mono of true if the topic existed, false if not; errors: the engine's
   */
  public Mono<Boolean> deleteTopic(String topic) {
    return call(w -> w.deleteTopic(topic));
  }

  /**
   * The retention that applies to a topic ({@link Walrus#topicConfig(String)}).
   *
   * @param topic the topic (need not exist)
   * @return a Mono of its effective configuration; errors: the engine's
   */
  public Mono<TopicConfig> topicConfig(String topic) {
    return call(w -> w.topicConfig(topic));
  }

  /**
   * Sets a topic's own retention, persisted ({@link Walrus#setTopicConfig}), on the
   * scheduler.
   *
   * @param topic the topic (need not exist)
   * @param config its retention
   * @return a Mono that completes once the configuration is durable; errors: the engine's
   */
  public Mono<Void> setTopicConfig(String topic, TopicConfig config) {
    return call(
        w -> {
          w.setTopicConfig(topic, config);
          return null;
        });
  }

  /**
   * Forgets a topic's own retention ({@link Walrus#clearTopicConfig(String)}).
   *
   * @param topic the topic
   * @return a Mono of true if the topic had its own configuration; errors: the engine's
   */
  public Mono<Boolean> clearTopicConfig(String topic) {
    return call(w -> w.clearTopicConfig(topic));
  }

  // ------------------------------------------------------------------ other

  /**
   * Runs any other blocking engine call ({@code stats}, {@code topics}, {@code checkpoint},
   * {@code removeConsumer}, ...) the way this class runs its own: lazily, once per
   * subscription, on the scheduler, never on the subscribing thread, and never interrupted
   * by a cancellation — cancelling before the call starts skips it; cancelling while it
   * runs lets it finish and drops its result. Prefer it to
   * {@code Mono.fromCallable(..).subscribeOn(..)}, whose cancellation interrupts the thread
   * inside the call.
   *
   * <pre>{@code rw.call(w -> w.stats("events")).flatMap(Mono::justOrEmpty)}</pre>
   *
   * @param call the blocking call on the engine
   * @param <T> its result type
   * @return a Mono of the call's result, empty if it returns null; errors: what it throws,
   *     {@link dev.walrus.WalrusClosedException} once this instance is closed
   */
  public <T> Mono<T> call(Function<? super Walrus, ? extends T> call) {
    Objects.requireNonNull(call, "call");
    return new EngineCall<T>(
        scheduler,
        life,
        d -> {
          life.checkOpen();
          return call.apply(wal);
        });
  }

  /** @return the engine this instance wraps */
  public Walrus engine() {
    return wal;
  }

  /** @return the scheduler that runs every blocking engine call */
  public Scheduler scheduler() {
    return scheduler;
  }

  /**
   * Closes with a 30-second limit; see {@link #close(Duration)}.
   */
  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  /**
   * Stops accepting work (new subscriptions fail with
   * {@link dev.walrus.WalrusClosedException}; an {@link #appendAll} in flight ends with
   * it, after writing what its source had sent), completes every live tail after
   * checkpointing MANUAL tails' acknowledged progress (also what tails that had already
   * ended acknowledged after they ended), and waits until queued appends are
   * written and reads in flight (also those of cancelled Monos, which finish or put their
   * entries back) are over. Blocks the calling thread (do not call it on a non-blocking thread). Does
   * not close the engine. Idempotent.
   *
   * @param timeout how long to wait at most
   * @return true if all work finished within the timeout
   */
  public boolean close(Duration timeout) {
    boolean done = life.close(timeout);
    groups.checkpointDeparted(); // late acknowledgments of MANUAL tails that had ended
    return done;
  }

  // ------------------------------------------------------------------ builder

  /**
   * Configures a {@link ReactiveWalrus}. Not thread-safe; {@link #build()} copies the
   * settings, so the built instance is unaffected by later changes.
   */
  public static final class Builder {
    private final Walrus wal;
    private Scheduler scheduler = Schedulers.boundedElastic();
    private int maxCoalescedEntries = Walrus.MAX_BATCH_ENTRIES;
    private long maxCoalescedBytes = 4L << 20;
    private int appendAllWindow = 4096;

    private Builder(Walrus wal) {
      this.wal = wal;
    }

    /**
     * @param s where blocking engine calls run and results are emitted; it must allow
     *     blocking (default {@link Schedulers#boundedElastic()}). Do not dispose it while
     *     the instance is in use: disposing a scheduler interrupts its running tasks.
     * @return this
     */
    public Builder scheduler(Scheduler s) {
      if (s == null) {
        throw new InvalidArgumentException("scheduler must not be null");
      }
      this.scheduler = s;
      return this;
    }

    /**
     * @param n most entries one coalesced write carries, 1 to
     *     {@link Walrus#MAX_BATCH_ENTRIES} (default 2,000); 1 disables group commit
     * @return this
     */
    public Builder maxCoalescedEntries(int n) {
      if (n < 1 || n > Walrus.MAX_BATCH_ENTRIES) {
        throw new InvalidArgumentException(
            "maxCoalescedEntries must be between 1 and " + Walrus.MAX_BATCH_ENTRIES + ", got " + n);
      }
      this.maxCoalescedEntries = n;
      return this;
    }

    /**
     * @param bytes most payload bytes one coalesced write carries, at least 1 (default
     *     4 MiB); a larger single append or batch is written alone
     * @return this
     */
    public Builder maxCoalescedBytes(long bytes) {
      if (bytes < 1) {
        throw new InvalidArgumentException("maxCoalescedBytes must be at least 1, got " + bytes);
      }
      this.maxCoalescedBytes = bytes;
      return this;
    }

    /**
     * @param n most payloads {@link ReactiveWalrus#appendAll} requests ahead of the
     *     offsets it has emitted, at least 1 (default 4,096)
     * @return this
     */
    public Builder appendAllWindow(int n) {
      if (n < 1) {
        throw new InvalidArgumentException("appendAllWindow must be at least 1, got " + n);
      }
      this.appendAllWindow = n;
      return this;
    }

    /** @return the reactive view */
    public ReactiveWalrus build() {
      return new ReactiveWalrus(this);
    }
  }
}
