package dev.walrus.reactive.internal;

import dev.walrus.Walrus;
import dev.walrus.reactive.ReceivedEntry;
import dev.walrus.reactive.TailOptions;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;

/**
 * The cold, endless Flux behind {@code tail}: each subscription is an independent
 * {@link TailSubscription}. Nothing happens before subscription; subscribing never
 * blocks (all engine work starts on the scheduler). {@link Scannable}: a source, it has no
 * parent and runs asynchronously.
 *
 * <p>Not public API: {@code ReactiveWalrus.tail} returns it as a plain {@code Flux}; this
 * package is not exported by the module.
 */
public final class TailFlux extends Flux<ReceivedEntry> implements Scannable {
  private final Walrus wal;
  private final Scheduler scheduler;
  private final Lifecycle life;
  private final ConsumerGroups groups;
  private final CursorLocks locks;
  private final String topic;
  private final TailOptions options;

  /**
   * @param wal the engine
   * @param scheduler where engine calls run
   * @param life the owner's lifecycle
   * @param groups the owner's consumer groups
   * @param locks the owner's cursor monitors
   * @param topic the topic (checked at subscription)
   * @param options the options (checked at subscription)
   */
  public TailFlux(
      Walrus wal,
      Scheduler scheduler,
      Lifecycle life,
      ConsumerGroups groups,
      CursorLocks locks,
      String topic,
      TailOptions options) {
    this.wal = wal;
    this.scheduler = scheduler;
    this.life = life;
    this.groups = groups;
    this.locks = locks;
    this.topic = topic;
    this.options = options;
  }

  @Override
  @SuppressWarnings("rawtypes") // Scannable declares the raw Attr
  public Object scanUnsafe(Attr key) {
    if (key == Attr.RUN_STYLE) {
      return Attr.RunStyle.ASYNC;
    }
    return null;
  }

  @Override
  public void subscribe(CoreSubscriber<? super ReceivedEntry> actual) {
    ConsumerGroup group;
    try {
      Validation.topic(topic);
      if (options == null) {
        throw new dev.walrus.InvalidArgumentException("tail options must not be null");
      }
      group = groups.get(topic, options.consumerName().orElse(null));
    } catch (RuntimeException e) {
      Operators.error(actual, e);
      return;
    }
    new TailSubscription(actual, wal, scheduler, life, topic, options, group, locks).start();
  }
}
