package dev.walrus.internal.write;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit of single appends to one topic (leader/follower), used under SyncEach where
 * each write waits for stable storage: concurrent callers queue their entries; whoever
 * holds the topic's write lock (the leader) takes every queued entry (up to
 * {@value #MAX_ENTRIES} entries or {@value #MAX_BYTES} bytes), writes them with one
 * {@link TopicWriter#appendEach} (one write and one force for all of them), hands each
 * caller its offset or the group's error, and wakes them. The others (followers) park
 * until their entry is done, or until the lock is free and their entry still queued (then
 * they lead). With one caller this is one append, as before.
 *
 * <p>Under SyncEach a leader pipelines: a group that fits the current block is written
 * ({@link TopicWriter#writeEach}), its force requested, and while that force runs the next
 * group is written and its force requested; only then does the leader wait for the first
 * force, publish that group and complete its callers. A leader goes on for up to
 * {@value #MAX_ROUNDS} groups after its own entry is done while entries keep coming (each
 * change of leader would leave the disk idle for one force), and finishes every group
 * before it releases the lock: no other holder of the lock ever sees an unpublished group.
 *
 * <p>What completion means is unchanged: a caller returns only when its entry is on
 * stable storage. The entries of a group are independent entries (no batch flag), written
 * and acknowledged together: if the write fails and is rolled back, every caller of the
 * group gets the same {@link dev.walrus.WriteRolledBackException} (none of them was
 * acknowledged); if the instance is poisoned, every caller gets the typed error. Waiting
 * is not interruptible: an interrupt is kept for the caller (its status set on return),
 * never loses or fails the append. Thread-safe.
 */
public final class AppendGroup {
  /** Most entries in one group write. */
  static final int MAX_ENTRIES = 2000;

  /** Most payload bytes in one group write (a larger entry goes alone). */
  static final long MAX_BYTES = 4L << 20;

  /** Longest a parked caller waits before it looks at the lock again. */
  private static final long SAFETY_NANOS = 1_000_000;

  private final TopicWriter writer;
  private final ReentrantLock lock;
  private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();

  /** Entries in the last group (read and written under the lock). */
  private int previousGroup;

  /** Most groups a leader writes after its own entry is done. */
  private static final int MAX_ROUNDS = 8;

  /** A pipelined group: written, its force requested by the leader, not yet published. */
  private record Inflight(
      List<Request> group, TopicWriter.Written written, GroupForce.Request force) {}

  /** The pipelined group of the leader holding the lock, or null (under the lock). */
  private Inflight inflight;

  /** What the leader runs under the lock before writing a group of {@code n} entries. */
  @FunctionalInterface
  public interface Check {
    /**
     * @param n entries about to be written
     * @throws RuntimeException to fail the whole group, nothing written
     */
    void check(int n);
  }

  private static final class Request {
    final byte[] payload;
    final Thread waiter = Thread.currentThread();
    long offset;
    RuntimeException error;

    /** The group that completed this request, and its place in it (for the wake-ups). */
    Request[] group;

    int index;

    /** The caller woke its share already (a leader completing its own group). */
    boolean woke;

    volatile boolean done;

    Request(byte[] payload) {
      this.payload = payload;
    }
  }

  /**
   * @param writer the topic's writer (called only with the topic's write lock held)
   */
  public AppendGroup(TopicWriter writer) {
    this.writer = writer;
    this.lock = writer.topic().writeLock();
  }

  /**
   * Appends one entry, possibly in a group with concurrent callers' entries.
   *
   * @param payload the entry
   * @param check run under the lock before each group is written
   * @return its offset, once it is written (and, under SyncEach, on stable storage)
   * @throws RuntimeException the group's error: nothing of the group was acknowledged
   */
  public long append(byte[] payload, Check check) {
    Request r = new Request(payload);
    queue.add(r);
    queued.incrementAndGet();
    boolean interrupted = false;
    try {
      while (!r.done) {
        if (lock.tryLock()) {
          try {
            int rounds = 0;
            // Once our entry is done, lead on while entries keep coming (a few groups more):
            // each handover to a new leader would leave the disk idle for one force.
            while (!r.done || (inflight != null && !queue.isEmpty() && rounds++ < MAX_ROUNDS)) {
              lead(check);
            }
          } finally {
            try {
              finishInflight(); // nothing unpublished outlives a leader's hold of the lock
            } finally {
              lock.unlock();
              unlocked();
            }
          }
        } else {
          // Woken when our entry is done, or (by whoever unlocks, see unlocked()) to lead.
          // The timeout is a safety net for a holder of the lock that does not know this
          // queue: the entry is never left without a leader for long.
          LockSupport.parkNanos(this, SAFETY_NANOS);
          if (Thread.interrupted()) {
            interrupted = true; // kept for the caller; park would not wait with it set
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    if (!r.woke) {
      wake(r.group, 2 * r.index + 2); // this caller's share of its group's wake-ups
    }
    if (r.error != null) {
      throw r.error;
    }
    return r.offset;
  }

  /**
   * Must follow every release of the topic's write lock by a holder other than this
   * group's leaders (a batch append): wakes the caller of the first queued entry to lead.
   */
  public void unlocked() {
    Request next = queue.peek();
    if (next != null) {
      LockSupport.unpark(next.waiter); // the next leader: its entry is still queued
    }
  }

  /**
   * Writes one group of queued entries (the lock is held). Under SyncEach, when the group
   * fits the current block, it is pipelined: written, its force requested, and then the
   * previous group (whose force ran meanwhile) is finished; otherwise it is written, forced
   * and published at once. Wakes the callers of every group it finishes.
   */
  private void lead(Check check) {
    if (inflight == null) {
      GroupFill.await(queued::get, previousGroup); // pipelined, the running force is the wait
    }
    List<Request> group = new ArrayList<>();
    List<byte[]> payloads = new ArrayList<>();
    long bytes = 0;
    Request q;
    while (group.size() < MAX_ENTRIES
        && (q = queue.peek()) != null
        && (group.isEmpty() || bytes + q.payload.length <= MAX_BYTES)) {
      queue.poll();
      queued.decrementAndGet();
      group.add(q);
      payloads.add(q.payload);
      bytes += q.payload.length;
    }
    if (group.isEmpty()) {
      finishInflight();
      return;
    }
    previousGroup = group.size();
    RuntimeException error = null;
    long first = 0;
    try {
      check.check(group.size());
      Durability durability = writer.durability();
      if (durability.syncEach() && writer.fitsWhole(payloads)) {
        TopicWriter.Written w = writer.writeEach(payloads);
        GroupForce.Request force;
        try {
          force = durability.submitForce(w.files());
        } catch (IOException e) {
          throw writer.forceFailed(w, e);
        }
        finishInflight();
        inflight = new Inflight(group, w, force);
        return;
      }
      finishInflight(); // a write that is forced and published at once comes after it
      first = writer.appendEach(payloads);
    } catch (RuntimeException e) {
      error = e;
    } catch (Error e) {
      error = new IllegalStateException("append failed: " + e, e);
      complete(group, first, error);
      throw e;
    }
    complete(group, first, error);
  }

  /**
   * Finishes the pipelined group, if any: waits for its force (requested after its write),
   * publishes it, and completes its callers; a failed force poisons and fails them.
   * Crash safety: a caller is told its offset only here, after a force that started after
   * its entry was written returned successfully, and readers see the entry only then.
   */
  private void finishInflight() {
    Inflight in = inflight;
    if (in == null) {
      return;
    }
    inflight = null;
    RuntimeException error = null;
    try {
      writer.durability().awaitForce(in.force);
      writer.publish(in.written);
    } catch (IOException e) {
      error = writer.forceFailed(in.written, e);
    }
    complete(in.group, in.written.first(), error);
  }

  /**
   * Completes a group and starts its wake-ups, which its callers share (a binary tree: the
   * leader wakes the first two, the caller at index {@code i} wakes those at {@code 2i + 2}
   * and {@code 2i + 3} once it sees its entry done), so the leader pays two unparks, not
   * one per caller, before it lets go of the lock.
   */
  private static void complete(List<Request> group, long first, RuntimeException error) {
    Request[] all = group.toArray(new Request[0]);
    for (int i = 0; i < all.length; i++) {
      Request q = all[i];
      q.offset = first + i;
      q.error = error;
      q.group = all;
      q.index = i;
      q.done = true; // publishes the fields above
    }
    wake(all, 0);
    Thread self = Thread.currentThread();
    for (int i = 0; i < all.length; i++) {
      if (all[i].waiter == self) {
        // The leader's own entry: it wakes its share now, not when it returns (it may lead
        // several more groups first).
        all[i].woke = true;
        wake(all, 2 * i + 2);
      }
    }
  }

  /** Unparks the callers at {@code from} and {@code from + 1} of a group (not this thread). */
  private static void wake(Request[] group, int from) {
    Thread self = Thread.currentThread();
    for (int i = from; i < from + 2 && i < group.length; i++) {
      if (group[i].waiter != self) {
        LockSupport.unpark(group[i].waiter);
      }
    }
  }
}
