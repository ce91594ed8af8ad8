package dev.walrus.reactive.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;

/**
 * The {@code Mono} of one {@code append} or {@code appendBatch}. Cold: every subscription
 * (and every {@code block}) checks the arguments, resolves the topic's {@link
 * TopicAppender} and appends anew.
 *
 * <ul>
 *   <li>{@link #subscribe(CoreSubscriber)} never blocks: it queues the unit with the
 *       topic's appender, whose drain task (on the scheduler) writes it, coalesced with
 *       whatever else is queued, and completes the subscriber directly.</li>
 *   <li>{@link #block()} and {@link #block(Duration)}, where Reactor allows blocking (not on
 *       a {@link Schedulers#isInNonBlockingThread() non-blocking thread}, where they throw
 *       {@code IllegalStateException} as every Reactor {@code block} does), write on the
 *       calling thread when the topic's writer is idle: no hand-off to the scheduler and
 *       back, so one append at a time costs about what the engine call costs. When the
 *       writer is busy on another thread, the unit joins its next group and the caller
 *       waits, as {@code Mono.block()} would.</li>
 * </ul>
 *
 * <p>Thread-safe and immutable.
 *
 * @param <T> {@code Long} for a single append, {@code List<Long>} for a batch
 */
public final class AppendMono<T> extends Mono<T> {
  private final Function<String, TopicAppender> appenders;
  private final String topic;
  private final byte[] single;
  private final List<byte[]> batch;

  private AppendMono(
      Function<String, TopicAppender> appenders, String topic, byte[] single, List<byte[]> batch) {
    this.appenders = appenders;
    this.topic = topic;
    this.single = single;
    this.batch = batch;
  }

  /**
   * @param appenders resolves a topic's appender; throws if the topic is invalid or the
   *     owner closed
   * @param topic the topic
   * @param data the payload (checked at subscription)
   * @return the Mono of the entry's offset
   */
  public static AppendMono<Long> single(
      Function<String, TopicAppender> appenders, String topic, byte[] data) {
    return new AppendMono<>(appenders, topic, data, null);
  }

  /**
   * @param appenders resolves a topic's appender
   * @param topic the topic
   * @param entries the payloads of an atomic batch (copied and checked at subscription)
   * @return the Mono of the batch's offsets
   */
  public static AppendMono<List<Long>> batch(
      Function<String, TopicAppender> appenders, String topic, List<byte[]> entries) {
    return new AppendMono<>(appenders, topic, null, entries);
  }

  private boolean isBatch() {
    return single == null;
  }

  /** Checks the arguments and resolves the appender; throws the engine's exceptions. */
  private TopicAppender resolve() {
    if (!isBatch()) {
      Validation.payload(single, "payload");
    }
    return appenders.apply(topic);
  }

  private PendingAppend unit(PendingAppend.Completion completion) {
    if (isBatch()) {
      long bytes = Validation.batch(batch);
      return PendingAppend.batch(new ArrayList<>(batch), bytes, completion);
    }
    return PendingAppend.single(single, completion);
  }

  @Override
  public void subscribe(CoreSubscriber<? super T> actual) {
    TopicAppender a;
    MonoCompletion<T> completion = new MonoCompletion<>(actual, isBatch());
    PendingAppend unit;
    try {
      a = resolve();
      unit = unit(completion);
    } catch (RuntimeException e) {
      Operators.error(actual, e);
      return;
    }
    actual.onSubscribe(completion);
    a.enqueue(unit);
  }

  @Override
  public T block() {
    return blockFor(-1);
  }

  @Override
  public T block(Duration timeout) {
    return blockFor(timeout.toNanos());
  }

  @SuppressWarnings("unchecked")
  private T blockFor(long timeoutNanos) {
    if (Schedulers.isInNonBlockingThread()) {
      throw new IllegalStateException(
          "block()/blockFirst()/blockLast() are blocking, which is not supported in thread "
              + Thread.currentThread().getName());
    }
    BlockingAppend completion = new BlockingAppend(isBatch());
    TopicAppender a;
    PendingAppend unit;
    try {
      a = resolve();
      unit = unit(completion);
    } catch (RuntimeException e) {
      e.addSuppressed(new Exception("#block terminated with an error"));
      throw e;
    }
    a.appendOnCaller(unit);
    return (T) completion.await(timeoutNanos);
  }
}
