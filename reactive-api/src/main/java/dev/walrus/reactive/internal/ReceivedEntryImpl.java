package dev.walrus.reactive.internal;

import dev.walrus.Entry;
import dev.walrus.reactive.ReceivedEntry;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A delivered entry and its progress handle, made by {@link ConsumerGroup#take}. It
 * carries its sequence number in its tail's delivery order. In AUTO mode
 * ({@code group == null}) the handle does nothing, and {@link #delivered()} tells the
 * group the entry reached the subscriber. In MANUAL mode {@link #acknowledge()} updates
 * the tail's {@link AckState} and {@link #checkpoint()} persists the group's checkpointable
 * position on the scheduler.
 *
 * <p>Immutable and thread-safe.
 */
public final class ReceivedEntryImpl implements ReceivedEntry {
  private final Entry entry;
  private final long seq;
  private final AckState acks;
  private final ConsumerGroup group;
  private final Scheduler scheduler;
  private final long skippedBefore;

  /**
   * @param entry the entry
   * @param seq its sequence number in the tail's delivery order
   * @param acks the tail's membership
   * @param group the tail's consumer group in MANUAL mode, null in AUTO mode
   * @param scheduler where checkpoints run
   * @param skippedBefore offsets the consumer skipped right before this entry
   */
  ReceivedEntryImpl(
      Entry entry,
      long seq,
      AckState acks,
      ConsumerGroup group,
      Scheduler scheduler,
      long skippedBefore) {
    this.entry = entry;
    this.skippedBefore = skippedBefore;
    this.seq = seq;
    this.acks = acks;
    this.group = group;
    this.scheduler = scheduler;
  }

  /**
   * Called by the tail just before it emits this entry. AUTO: the entry counts as
   * acknowledged (delivered); MANUAL: nothing. Never blocks.
   */
  public void delivered() {
    if (group == null) {
      acks.delivered(seq);
    }
  }

  @Override
  public Entry entry() {
    return entry;
  }

  @Override
  public long skippedBefore() {
    return skippedBefore;
  }

  @Override
  public void acknowledge() {
    if (group != null) {
      acks.acknowledge(seq);
    }
  }

  @Override
  public Mono<Void> checkpoint() {
    if (group == null) {
      return Mono.empty();
    }
    // An EngineCall, not subscribeOn: cancelling (e.g. a timeout) must never interrupt
    // the checkpoint's metadata-log write. A cancelled checkpoint ran whole or not at all.
    // The body captures the handle's parts, not this: a caller keeping the Mono to
    // checkpoint later (the bus session does) does not keep the entry's payload with it.
    AckState a = acks;
    ConsumerGroup g = group;
    long s = seq;
    return new EngineCall<Void>(
        scheduler,
        d -> {
          a.acknowledge(s);
          g.checkpoint(a);
          return null;
        });
  }

  @Override
  public String toString() {
    return "ReceivedEntry{" + entry + (group == null ? ", AUTO}" : ", MANUAL}");
  }
}
