package dev.walrus.examples.webflux;

import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import dev.walrus.reactive.CheckpointMode;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.reactive.ReceivedEntry;
import dev.walrus.reactive.StartPosition;
import dev.walrus.reactive.TailOptions;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tails for <em>viewers</em>: streams opened without a consumer name, which must change
 * nothing in the log. The engine reads only through cursors, and a cursor that has passed
 * a sealed file lets the reclaimer delete it, so a viewer that was simply the only reader
 * of a topic would delete its history. A viewer therefore gets a fresh name and
 * <ul>
 *   <li>a <em>guard</em> cursor under that name at the topic's first retained offset,
 *       which keeps the topic's files while the viewer reads, and</li>
 *   <li>a MANUAL tail under that name that never commits, so only the reactive API's
 *       hidden reader cursor moves.</li>
 * </ul>
 * When the stream ends, the guard is removed once the reactive API has removed the reader.
 * Names start with {@link #PREFIX}; after a crash such cursors may be left over (they
 * would hold back reclamation), so {@link #removeLeftovers} runs at startup.
 */
@Component
public class ViewerCursors {
  /** Every viewer's cursor names start with this; consumer names must not. */
  public static final String PREFIX = "~viewer-";
  private static final String RUN = Long.toHexString(ThreadLocalRandom.current().nextLong());
  private static final AtomicLong NEXT = new AtomicLong();
  private static final Duration RELEASE_POLL = Duration.ofMillis(20);
  private static final int RELEASE_POLLS = 500;

  private final ReactiveWalrus walrus;

  /** @param walrus the log */
  public ViewerCursors(ReactiveWalrus walrus) {
    this.walrus = walrus;
  }

  /**
   * @param consumer a consumer name as listed in {@link TopicStats#unread()}
   * @return whether it belongs to a viewer (its guard or its hidden reader)
   */
  public static boolean isViewer(String consumer) {
    return consumer.startsWith(PREFIX);
  }

  /**
   * Tails a topic without moving any consumer's cursor and without letting the reading
   * reclaim anything. The start is checked (and the guard placed) on the log's
   * scheduler before the first element.
   *
   * @param topic the topic
   * @param requested where to start
   * @return completes once the start is checked and the guard placed, with the endless
   *     tail; errors: invalid topic, start outside the retained entries
   */
  public Mono<Flux<ReceivedEntry>> tail(String topic, StreamStart requested) {
    Walrus wal = walrus.engine();
    // Non-blocking (no SecureRandom, as UUID.randomUUID would use): safe on an event loop.
    String name = PREFIX + RUN + "-" + NEXT.incrementAndGet();
    Mono<StartPosition> start = Mono.fromCallable(() -> {
      TopicStats stats = wal.stats(topic).orElse(null);
      StartPosition position = requested.check(stats);
      if (stats != null) {
        wal.checkpoint(topic, name, stats.firstOffset());
      }
      return position;
    }).subscribeOn(walrus.scheduler());
    return start.map(position -> walrus.tail(topic, TailOptions.forConsumer(name)
            .checkpointMode(CheckpointMode.MANUAL).startAt(position))
        .doFinally(signal -> release(topic, name)));
  }

  /** Removes the guard once no other cursor of the viewer is left (bounded wait). */
  private void release(String topic, String name) {
    Walrus wal = walrus.engine();
    Flux.interval(Duration.ZERO, RELEASE_POLL, walrus.scheduler())
        .take(RELEASE_POLLS)
        .map(i -> readerLeft(wal, topic, name))
        .takeUntil(left -> !left)
        .then(Mono.fromRunnable(() -> wal.removeConsumer(topic, name)))
        .subscribeOn(walrus.scheduler())
        .onErrorResume(e -> Mono.empty()) // closed log: startup cleanup removes it
        .subscribe();
  }

  private static boolean readerLeft(Walrus wal, String topic, String name) {
    return wal.stats(topic).map(s -> s.unread().keySet().stream()
        .anyMatch(c -> c.startsWith(name) && !c.equals(name))).orElse(false);
  }

  /**
   * Removes every viewer cursor of every topic. Blocking: call it before serving.
   *
   * @param wal the engine
   * @return how many cursors were removed
   */
  public static int removeLeftovers(Walrus wal) {
    int removed = 0;
    for (String topic : wal.topics()) {
      TopicStats s = wal.stats(topic).orElse(null);
      if (s == null) {
        continue;
      }
      for (String consumer : s.unread().keySet()) {
        if (isViewer(consumer) && wal.removeConsumer(topic, consumer)) {
          removed++;
        }
      }
    }
    return removed;
  }
}
