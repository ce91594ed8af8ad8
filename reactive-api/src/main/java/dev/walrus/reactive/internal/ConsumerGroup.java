package dev.walrus.reactive.internal;

import dev.walrus.Entry;
import dev.walrus.InvalidArgumentException;
import dev.walrus.Walrus;
import dev.walrus.reactive.CheckpointMode;
import dev.walrus.reactive.StartPosition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import reactor.core.scheduler.Scheduler;

/**
 * The live tails of one consumer name on one topic, within one {@code ReactiveWalrus}:
 * they compete for entries, and the group makes sure that none is lost when one of them
 * goes away.
 *
 * <p>The group hands entries out ({@link #take}): first entries that a departed tail had
 * not finished (the <em>redelivery queue</em>, lowest offset first), then new entries read
 * with consuming reads from the group's read cursor:
 * <ul>
 *   <li>AUTO: the consumer's own cursor;</li>
 *   <li>MANUAL: a hidden <em>reader</em> cursor ({@code <name>#tail-reader}) that marks
 *       how far the log has been read, while the consumer's own cursor holds the checkpointed
 *       position. The reader cursor is removed when the last tail of the group stops (so
 *       it never holds back reclamation for long).</li>
 * </ul>
 * Each tail's membership ({@link AckState}) remembers the entries handed to it until it
 * acknowledges them (AUTO: delivers them); in MANUAL mode the group also counts, per
 * offset, how many tails hold it. The <em>checkpointable</em> position (MANUAL) is the
 * lowest offset handed out and not acknowledged, or queued for redelivery, or else the
 * next offset to read: a checkpoint never passes an entry some tail was given and has not
 * acknowledged. When a tail leaves ({@link #leave}: cancelled, failed, completed, or
 * expired over the bus) the entries it holds go to the redelivery queue and the other
 * tails are woken to take them; if it was the last tail, the consumer's cursor is left at
 * or before the first of them, so the next tail from {@code checkpointed()} reads them again.
 * A departed MANUAL tail may still acknowledge and checkpoint (late checkpoints, e.g. after
 * {@code take(n)}); what it acknowledges then is taken off the redelivery queue.
 *
 * <p>Start positions: the first tail of an idle group positions the read cursor
 * ({@code checkpointed()} moves the MANUAL reader to the checkpointed cursor). A tail joining a
 * live group at {@code checkpointed()} simply competes; one with an explicit start
 * ({@code earliest()}, {@code latest()}, {@code offset(n)}) moves the group's read cursor
 * there (a rebalance; entries held or queued are still delivered). All tails of a group
 * use the same checkpoint mode.
 *
 * <p>Thread-safe: every method is synchronized, and every method but
 * {@link AckState#acknowledge} (lock-free) calls the engine, so they must run on the
 * scheduler.
 */
public final class ConsumerGroup {
  /** What every reader cursor's name contains; no user consumer name may. */
  static final String READER_MARK = "#tail-reader";

  private static final String READER_SUFFIX = READER_MARK;

  private final Walrus wal;
  private final String topic;
  private final String consumer;
  private final CursorRef checkpointed;
  private final CursorRef reader;
  private final List<AckState> members = new ArrayList<>(1); // mostly one tail: small

  /** MANUAL: tails that left with entries queued for redelivery; they may still checkpoint. */
  private final List<AckState> departed = new ArrayList<>();

  /** Offsets handed out and not acknowledged, with how many tails hold each. */
  private final TreeMap<Long, Integer> held = new TreeMap<>();

  /** Entries of departed tails, to be handed out again before new reads. */
  private final TreeMap<Long, Entry> redeliver = new TreeMap<>();

  private CheckpointMode mode;

  /** MANUAL: the offset the reader cursor reads next. */
  private long frontier;

  /**
   * The offset the group's read cursor should read next, to count offsets it skips (see
   * {@code ReceivedEntry.skippedBefore()}); -1 while unknown.
   */
  private long expectedNext = -1;

  ConsumerGroup(Walrus wal, String topic, String consumer) {
    this.wal = wal;
    this.topic = topic;
    this.consumer = consumer;
    this.checkpointed = new CursorRef(wal, topic, consumer);
    this.reader = consumer == null ? null : new CursorRef(wal, topic, readerName(consumer));
  }

  static String readerName(String consumer) {
    String name = consumer + READER_SUFFIX;
    if (name.getBytes(StandardCharsets.UTF_8).length <= dev.walrus.TopicNames.MAX_BYTES) {
      return name;
    }
    return "~"
        + Integer.toHexString(consumer.hashCode())
        + READER_SUFFIX
        + "-"
        + Integer.toHexString(consumer.length());
  }

  /**
   * Adds a tail to the group and applies its start position. Blocking.
   *
   * @param m the tail's checkpoint mode
   * @param start the tail's start position
   * @param wake called, never blocking, when entries are queued for redelivery
   * @return the tail's membership, for {@link #take} and {@link #leave}
   * @throws InvalidArgumentException if the group's live tails use another mode, a MANUAL
   *     tail has no consumer name, or an explicit start offset is outside the retained
   *     range; the group is then unchanged
   */
  public synchronized AckState join(CheckpointMode m, StartPosition start, Runnable wake) {
    if (m == CheckpointMode.MANUAL && consumer == null) {
      throw new InvalidArgumentException(
          "a MANUAL tail needs a consumer name (TailOptions.consumer(..))");
    }
    boolean idle = members.isEmpty();
    if (!idle && mode != m) {
      throw new InvalidArgumentException(
          "consumer "
              + describe()
              + " of topic '"
              + topic
              + "' is already tailed in "
              + mode
              + " mode; cannot add a "
              + m
              + " tail");
    }
    if (idle) {
      // Tails that left may have acknowledged late (after take(n) ended them): what they
      // acknowledged is not delivered again, so it is checkpointed before the new tail
      // starts from the checkpointed position.
      checkpointDeparted();
    }
    CursorRef read = m == CheckpointMode.MANUAL ? reader : checkpointed;
    switch (start.kind()) {
      case EARLIEST:
        seekRead(read, read.earliest());
        break;
      case LATEST:
        seekRead(read, read.latest());
        break;
      case OFFSET:
        seekRead(read, start.offsetValue());
        break;
      case TIME:
        seekRead(read, read.atTime(start.timeValue()));
        break;
      default: // CHECKPOINTED: a live group is joined as it is
        if (idle && m == CheckpointMode.MANUAL) {
          seekRead(read, checkpointed.position());
        } else if (idle) {
          expectedNext = read.position();
        }
        break;
    }
    if (idle) {
      mode = m;
      held.clear();
      redeliver.clear();
      departed.clear();
    }
    AckState a = new AckState(wake);
    members.add(a);
    return a;
  }

  /**
   * @param m the checkpoint mode of a tail about to join
   * @return the name of the engine cursor the group's tails of that mode read (the
   *     MANUAL reader cursor, else the consumer's own; null for the shared cursor)
   */
  public String readCursorName(CheckpointMode m) {
    return m == CheckpointMode.MANUAL && reader != null ? reader.consumer() : consumer;
  }

  private void seekRead(CursorRef read, long next) {
    read.seek(next);
    expectedNext = next;
    if (read == reader) {
      frontier = next;
    }
  }

  /**
   * Hands entries to a tail: queued redeliveries first (lowest offset first), else new
   * entries read, consumed, from the group's read cursor. Blocking.
   *
   * @param a the tail's membership
   * @param max at most this many (1 reads one entry, more reads a batch)
   * @param maxBytes payload budget of a batch (at least one entry is returned if any)
   * @param scheduler where the entries' checkpoints run
   * @return the entries, in the order the tail must deliver them; empty if none
   */
  public synchronized List<ReceivedEntryImpl> take(
      AckState a, int max, long maxBytes, Scheduler scheduler) {
    // A cancelled tail leaves later, from its own drain on the scheduler. Until then it
    // would keep what it holds: a tail that took its place (a bus subscriber that vanished
    // and came back) would read newer entries first and get the held ones after them. So
    // cancelled members leave here, before anything is handed out, their entries queued
    // for redelivery ahead of new ones.
    for (int i = members.size() - 1; i >= 0; i--) {
      AckState m = members.get(i);
      if (m.leaving()) {
        leave(m);
      }
    }
    if (!members.contains(a)) {
      return new ArrayList<>(0); // it left (cancelled): nothing more for it
    }
    prune(a);
    List<ReceivedEntryImpl> out = new ArrayList<>();
    long bytes = 0;
    while (!redeliver.isEmpty() && out.size() < max && (out.isEmpty() || bytes < maxBytes)) {
      Entry q = redeliver.pollFirstEntry().getValue();
      // the departed subscriber had the array: the next one gets its own copy
      Entry e = new Entry(q.topic(), q.offset(), q.timestampMicros(), q.data().clone());
      bytes += e.data().length;
      out.add(give(a, e, scheduler, 0));
    }
    if (!out.isEmpty()) {
      return out;
    }
    CursorRef read = mode == CheckpointMode.MANUAL ? reader : checkpointed;
    List<Entry> got;
    if (max == 1) {
      Entry e = read.readNext();
      got = e == null ? List.of() : List.of(e);
    } else {
      got = read.batchRead(maxBytes);
    }
    for (Entry e : got) {
      long skipped = expectedNext >= 0 && e.offset() > expectedNext ? e.offset() - expectedNext : 0;
      expectedNext = e.offset() + 1;
      out.add(give(a, e, scheduler, skipped));
    }
    if (!got.isEmpty() && read == reader) {
      frontier = got.get(got.size() - 1).offset() + 1;
    }
    return out;
  }

  private ReceivedEntryImpl give(AckState a, Entry e, Scheduler scheduler, long skipped) {
    long seq = a.hold(e);
    if (mode == CheckpointMode.MANUAL) { // AUTO checkpoints nothing: only the tail's list counts
      held.merge(e.offset(), 1, Integer::sum);
    }
    return new ReceivedEntryImpl(
        e, seq, a, mode == CheckpointMode.MANUAL ? this : null, scheduler, skipped);
  }

  /**
   * Gives back the entry a tail just took and will not deliver because it is stopping
   * (AUTO; a MANUAL tail's undelivered entries go back when it leaves). If the consumer's
   * cursor is still right after it (nothing read since, which is certain when the caller
   * holds the cursor's monitor from the read to here) the cursor moves back to it;
   * otherwise (it came from the redelivery queue) it goes back on the queue and the other
   * tails are woken. Blocking.
   *
   * @param a the tail's membership
   * @param r the entry, the last one {@link #take} gave the tail
   */
  public synchronized void putBack(AckState a, ReceivedEntryImpl r) {
    if (mode != CheckpointMode.AUTO
        || a.held().isEmpty()
        || a.held().peekLast().entry() != r.entry()) {
      return;
    }
    Entry e = a.held().pollLast().entry();
    if (checkpointed.position() == e.offset() + 1) {
      checkpointed.seek(e.offset());
      expectedNext = e.offset();
      return;
    }
    redeliver.put(e.offset(), e);
    for (AckState m : members) {
      if (m != a) {
        m.wake();
      }
    }
  }

  /**
   * Forgets the entries a live tail has acknowledged (AUTO: delivered), so that a tail about
   * to wait holds none of them. Takes the group's monitor (held across engine calls), so it
   * runs on the scheduler.
   *
   * @param a the tail's membership (ignored if it left)
   */
  public synchronized void forgetAcknowledged(AckState a) {
    if (members.contains(a)) {
      prune(a);
    }
  }

  /** Forgets the entries {@code a} has acknowledged. */
  private void prune(AckState a) {
    long acked = a.acknowledgedSeq();
    while (!a.held().isEmpty() && a.held().peek().seq() <= acked) {
      release(a.held().poll().entry().offset());
    }
  }

  private void release(long offset) {
    if (mode != CheckpointMode.MANUAL) {
      return;
    }
    held.computeIfPresent(offset, (k, n) -> n == 1 ? null : n - 1);
  }

  /**
   * A departed tail's late acknowledgments: entries it acknowledged after leaving need
   * not come again, unless another tail has taken them already (then that tail's
   * acknowledgment counts).
   *
   * @return true if nothing of the departed tail is queued any more
   */
  private boolean pruneDeparted(AckState d) {
    long acked = d.acknowledgedSeq();
    while (!d.held().isEmpty()) {
      AckState.Held h = d.held().peek();
      Entry queued = redeliver.get(h.entry().offset());
      if (h.seq() <= acked) {
        if (queued == h.entry()) {
          redeliver.remove(h.entry().offset());
        }
      } else if (queued == h.entry()) {
        break; // still waiting to be delivered again
      }
      d.held().poll();
    }
    return d.held().isEmpty();
  }

  /**
   * @return the position a checkpoint may persist (MANUAL): the lowest offset handed out and
   *     not acknowledged or queued for redelivery, else the next offset to read
   */
  synchronized long checkpointable() {
    for (AckState a : members) {
      prune(a);
    }
    departed.removeIf(this::pruneDeparted);
    long c = frontier;
    if (!held.isEmpty()) {
      c = Math.min(c, held.firstKey());
    }
    if (!redeliver.isEmpty()) {
      c = Math.min(c, redeliver.firstKey());
    }
    return c;
  }

  /**
   * Persists the checkpointable position on the consumer's cursor, if it is ahead of it
   * (never backwards), for a tail of the group, live or departed: a tail that already
   * left may still acknowledge and checkpoint what it delivered (e.g. after {@code take(n)}
   * cancelled it), which spares those entries a redelivery if no other tail has taken
   * them yet. Does nothing in AUTO mode, or once a new tail has restarted an idle group
   * (it reads again from the checkpointed position). Blocking; persisted at once.
   *
   * @param a the checkpointing tail's membership
   */
  public synchronized void checkpoint(AckState a) {
    if (members.contains(a) || departed.contains(a)) {
      checkpoint();
    }
  }

  /**
   * Persists what departed MANUAL tails acknowledged after they left, if the group is idle
   * (a live group's tails checkpoint it themselves): called when a tail joins an idle
   * group, and when the {@code ReactiveWalrus} closes. Blocking.
   */
  public synchronized void checkpointDeparted() {
    if (members.isEmpty() && !departed.isEmpty()) {
      checkpoint();
    }
  }

  private void checkpoint() {
    if (mode != CheckpointMode.MANUAL) {
      return;
    }
    long c = checkpointable();
    if (c > checkpointed.position()) {
      checkpointed.seek(c);
    }
  }

  /**
   * Removes a tail: what it holds unacknowledged (AUTO: undelivered) goes to the
   * redelivery queue and the other tails are woken; a MANUAL group then checkpoints. The last
   * tail out leaves the consumer's cursor at or before the first queued entry and removes
   * the MANUAL reader cursor. Blocking.
   *
   * @param a the tail's membership (ignored if it already left)
   */
  public synchronized void leave(AckState a) {
    if (!members.remove(a)) {
      return;
    }
    prune(a);
    for (AckState.Held h : a.held()) {
      release(h.entry().offset());
      redeliver.put(h.entry().offset(), h.entry());
    }
    if (mode == CheckpointMode.MANUAL && !a.held().isEmpty()) {
      departed.add(a);
    } else {
      a.held().clear();
    }
    try {
      if (mode == CheckpointMode.MANUAL) {
        checkpoint();
      }
      if (members.isEmpty()) {
        if (mode == CheckpointMode.AUTO
            && !redeliver.isEmpty()
            && checkpointed.position() > redeliver.firstKey()) {
          checkpointed.seek(redeliver.firstKey());
        }
        if (mode == CheckpointMode.MANUAL) {
          wal.removeConsumer(topic, reader.consumer());
        }
      }
    } finally {
      if (members.isEmpty()) {
        held.clear();
        if (mode == CheckpointMode.AUTO) {
          redeliver.clear();
        } // MANUAL keeps the queue for departed tails' late checkpoints until a tail joins
      } else if (!redeliver.isEmpty()) {
        for (AckState m : members) {
          m.wake();
        }
      }
    }
  }

  private String describe() {
    return consumer == null ? "<shared cursor>" : "'" + consumer + "'";
  }
}
