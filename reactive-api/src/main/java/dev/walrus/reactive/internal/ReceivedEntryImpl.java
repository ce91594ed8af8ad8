package dev.walrus.reactive.internal;

import dev.walrus.Entry;
import dev.walrus.reactive.ReceivedEntry;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * A delivered entry and its progress handle. In AUTO mode ({@code acks == null}) the
 * handle does nothing. In MANUAL mode {@link #acknowledge()} updates the tail's
 * {@link AckState} and {@link #commit()} persists the group's committed position on the
 * scheduler.
 *
 * <p>Immutable and thread-safe.
 */
public final class ReceivedEntryImpl implements ReceivedEntry {
  private final Entry entry;
  private final AckState acks;
  private final ConsumerGroup group;
  private final Scheduler scheduler;

  /**
   * @param entry the entry
   * @param acks the tail's acknowledgments, or null in AUTO mode
   * @param group the tail's consumer group (MANUAL mode)
   * @param scheduler where commits run
   */
  public ReceivedEntryImpl(Entry entry, AckState acks, ConsumerGroup group,
      Scheduler scheduler) {
    this.entry = entry;
    this.acks = acks;
    this.group = group;
    this.scheduler = scheduler;
  }

  @Override
  public Entry entry() {
    return entry;
  }

  @Override
  public void acknowledge() {
    if (acks != null) {
      acks.acknowledge(entry.offset());
    }
  }

  @Override
  public Mono<Void> commit() {
    if (acks == null) {
      return Mono.empty();
    }
    // An EngineCall, not subscribeOn: cancelling (e.g. a timeout) must never interrupt
    // the checkpoint's journal write. A cancelled commit ran whole or not at all.
    return new EngineCall<Void>(scheduler, d -> {
      acks.acknowledge(entry.offset());
      group.commit(acks.committable());
      return null;
    });
  }

  @Override
  public String toString() {
    return "ReceivedEntry{" + entry + (acks == null ? ", AUTO}" : ", MANUAL}");
  }
}
