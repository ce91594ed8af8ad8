package dev.walrus.examples.vertx;

import dev.walrus.Entry;
import dev.walrus.reactive.StartPosition;
import dev.walrus.vertx.BusTail;
import dev.walrus.vertx.WalrusBusClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.util.function.Consumer;

/**
 * Consumes a topic over the event bus with a credit-based tail, on the binding's node or
 * on any other node of a clustered event bus: it grants credits in batches, processes
 * each entry, and checkpoints its position every {@code batch} entries, so a restart (or a
 * crash of this node) resumes after the last checkpoint and loses nothing.
 */
public final class BusConsumerVerticle extends VerticleBase {
  private final String topic;
  private final String consumer;
  private final int batch;
  private final Consumer<Entry> sink;
  private BusTail tail;
  private long seen;
  private long boundary = -1; // offset ending a batch, seen before the tail was ready

  /**
   * @param topic the topic to consume
   * @param consumer the consumer name (its checkpointed position is where it resumes)
   * @param batch credits granted, and entries processed between checkpoints
   * @param sink what to do with each entry (runs on this verticle's event loop)
   */
  public BusConsumerVerticle(String topic, String consumer, int batch, Consumer<Entry> sink) {
    this.topic = topic;
    this.consumer = consumer;
    this.batch = batch;
    this.sink = sink;
  }

  @Override
  public Future<?> start() {
    WalrusBusClient wal = WalrusBusClient.create(vertx);
    Promise<BusTail> ready = Promise.promise();
    wal.tail(topic, consumer, StartPosition.checkpointed(), batch, this::onEntry)
        .onSuccess(
            t -> {
              tail = t;
              if (boundary >= 0) {
                endBatch(boundary);
              }
            })
        .onComplete(ready);
    return ready.future();
  }

  private void onEntry(Entry e) {
    sink.accept(e);
    if (++seen % batch == 0) {
      if (tail != null) {
        endBatch(e.offset());
      } else {
        boundary = e.offset();
      }
    }
  }

  private void endBatch(long offset) {
    // Persist progress, then ask for the next batch.
    tail.checkpoint(offset).onSuccess(v -> tail.grant(batch));
  }

  @Override
  public Future<?> stop() {
    return tail == null ? Future.succeededFuture() : tail.close();
  }
}
