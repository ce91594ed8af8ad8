package dev.walrus.reactive.internal;

import dev.walrus.Entry;
import dev.walrus.Walrus;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The {@code readNext}/{@code batchRead} Monos of one {@code ReactiveWalrus}, as
 * {@link EngineCall}s: never interrupted, and a consuming read moves the cursor only if
 * what it read is delivered.
 *
 * <p>A consuming read holds the cursor's {@link CursorLocks monitor} from the engine call
 * until it has claimed the delivery; if the Mono was cancelled while the read ran, it puts
 * the entries back (moves the cursor back to the first of them) before releasing the
 * monitor. Other reads through this instance therefore never see a put-back cursor
 * half-way; a reader of the same cursor through the blocking engine API at the same
 * moment is not covered (then, if the cursor has moved on, nothing is put back).
 *
 * <p>Thread-safe; every method returns a cold Mono and never blocks.
 */
public final class Reads {
  private final Walrus wal;
  private final Scheduler scheduler;
  private final Lifecycle life;
  private final CursorLocks locks;

  /**
   * @param wal the engine
   * @param scheduler where the reads run
   * @param life the owner's lifecycle
   * @param locks the owner's cursor monitors
   */
  public Reads(Walrus wal, Scheduler scheduler, Lifecycle life, CursorLocks locks) {
    this.wal = wal;
    this.scheduler = scheduler;
    this.life = life;
    this.locks = locks;
  }

  /**
   * @param topic the topic
   * @param consumer a consumer name, or null for the shared cursor
   * @param checkpoint true to consume
   * @return a Mono of the next entry, empty if none
   */
  public Mono<Entry> readNext(String topic, String consumer, boolean checkpoint) {
    Supplier<Entry> read =
        () ->
            (consumer == null
                    ? wal.readNext(topic, checkpoint)
                    : wal.readNext(topic, consumer, checkpoint))
                .orElse(null);
    if (!checkpoint) {
      return call(d -> read.get());
    }
    return call(
        d -> {
          Validation.topic(topic);
          if (consumer != null) {
            Validation.consumer(consumer);
          }
          synchronized (locks.of(topic, consumer)) {
            Entry e = read.get();
            if (e != null && !d.getAsBoolean()) {
              putBack(topic, consumer, e.offset(), e.offset());
            }
            return e;
          }
        });
  }

  /**
   * @param topic the topic
   * @param consumer a consumer name, or null for the shared cursor
   * @param maxBytes the payload budget
   * @param checkpoint true to consume
   * @return a Mono of the entries read (an empty list if none)
   */
  public Mono<List<Entry>> batchRead(
      String topic, String consumer, long maxBytes, boolean checkpoint) {
    Supplier<List<Entry>> read =
        () ->
            consumer == null
                ? wal.batchReadForTopic(topic, maxBytes, checkpoint)
                : wal.batchReadForTopic(topic, consumer, maxBytes, checkpoint);
    if (!checkpoint) {
      return call(d -> read.get());
    }
    return call(
        d -> {
          Validation.topic(topic);
          if (consumer != null) {
            Validation.consumer(consumer);
          }
          synchronized (locks.of(topic, consumer)) {
            List<Entry> es = read.get();
            if (!es.isEmpty() && !d.getAsBoolean()) {
              putBack(topic, consumer, es.get(0).offset(), es.get(es.size() - 1).offset());
            }
            return es;
          }
        });
  }

  private <T> Mono<T> call(EngineCall.Body<T> body) {
    return new EngineCall<>(
        scheduler,
        life,
        (BooleanSupplier d) -> {
          life.checkOpen();
          return body.run(d);
        });
  }

  /** Moves the cursor back to {@code first} if it is still right after {@code last}. */
  private void putBack(String topic, String consumer, long first, long last) {
    CursorRef c = new CursorRef(wal, topic, consumer);
    if (c.position() == last + 1) {
      c.seek(first);
    }
  }
}
