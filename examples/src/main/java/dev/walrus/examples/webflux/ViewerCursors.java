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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
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
 *   <li>a MANUAL tail under that name that never acknowledges, so only the reactive
 *       API's hidden reader cursor ({@code <name>#tail-reader}, placed with the guard)
 *       moves; when the tail leaves its group it checkpoints its start under the viewer's
 *       name and removes the reader.</li>
 * </ul>
 * However the viewer ends (its tail completes, errors or is cancelled, or its start is
 * cancelled or fails, also while the guard is being placed) it is released once: without
 * a tail its cursors are removed at once; with one, the guard and any cursor the reactive
 * API left under the viewer's name are removed once the tail has left its group, which
 * the reader's removal shows (polled, at most 10 s; a tail cancelled before it joined
 * leaves the reader, so that bound). A start whose cancel races with its value subscribes
 * no tail (the stream completes). Engine calls run via
 * {@link ReactiveWalrus#call}, never interrupted. Names start with {@link #PREFIX}; after a crash,
 * or if the log was unavailable at release, such cursors may be left over (they would
 * hold back reclamation), so {@link #removeLeftovers} runs at startup
 * ({@link #afterPropertiesSet}, before the server serves). Thread-safe.
 */
@Component
public class ViewerCursors implements InitializingBean {
  /** Every viewer's cursor names start with this; consumer names must not. */
  public static final String PREFIX = "~viewer-";

  private static final String RUN = Long.toHexString(ThreadLocalRandom.current().nextLong());
  private static final AtomicLong NEXT = new AtomicLong();
  private static final Duration RELEASE_POLL = Duration.ofMillis(20);
  private static final int RELEASE_POLLS = 500;

  /** How the reactive API names a MANUAL tail's hidden reader (names under 255 bytes). */
  private static final String READER_SUFFIX = "#tail-reader";

  private static final Logger LOG = LoggerFactory.getLogger(ViewerCursors.class);

  private final ReactiveWalrus walrus;
  private final AtomicInteger pending = new AtomicInteger();

  /** @param walrus the log */
  public ViewerCursors(ReactiveWalrus walrus) {
    this.walrus = walrus;
  }

  /**
   * Called by Spring once the bean is created, before the server serves: removes the
   * viewer cursors an unclean stop left over ({@link #removeLeftovers}). Blocking.
   */
  @Override
  public void afterPropertiesSet() {
    int leftovers = removeLeftovers(walrus.engine());
    if (leftovers > 0) {
      LOG.info("removed {} viewer cursor(s) left over from an unclean stop", leftovers);
    }
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
   * scheduler before the first element. Whatever ends the viewer (the tail ends, errors
   * or is cancelled; the returned Mono is cancelled or fails, before or while the guard
   * is placed), its cursors are removed once the reactive API has let go of them: a
   * disconnect at any instant leaves nothing behind while the log is healthy.
   *
   * @param topic the topic
   * @param requested where to start
   * @return completes once the start is checked and the guard placed, with the endless
   *     tail; errors: invalid topic, start outside the retained entries
   */
  public Mono<Flux<ReceivedEntry>> tail(String topic, StreamStart requested) {
    Walrus wal = walrus.engine();
    // Non-blocking (no SecureRandom, as UUID.randomUUID would use): safe on an event loop.
    Viewer viewer = new Viewer(topic, PREFIX + RUN + "-" + NEXT.incrementAndGet());
    Mono<StartPosition> start =
        walrus.call(
            w -> {
              TopicStats stats = wal.stats(topic).orElse(null);
              StartPosition position = requested.check(stats);
              if (stats != null) {
                wal.checkpoint(topic, viewer.name, stats.firstOffset());
                // The tail's hidden reader exists from here until the tail leaves its group (which
                // removes it), so "no reader" tells the release that the tail is done with the
                // viewer's cursors, also if the tail is cancelled while it joins the group. (A
                // topic that does not exist yet gets neither: a tail leaving it cannot checkpoint
                // past its first offset, so it recreates no cursor under the viewer's name.)
                wal.checkpoint(topic, viewer.readerName(), stats.firstOffset());
              }
              if (viewer.isReleased()) {
                // cancelled while the guard was being placed: the release may have run first
                viewer.removeAll(wal);
              }
              return position;
            });
    return start
        .doOnCancel(viewer::release)
        .doOnError(e -> viewer.release())
        .map(
            position ->
                Flux.defer(
                        () ->
                            viewer.claimTail()
                                ? walrus.tail(
                                    topic,
                                    TailOptions.forConsumer(viewer.name)
                                        .checkpointMode(CheckpointMode.MANUAL)
                                        .startAt(position))
                                // released already (the start's cancel raced with its value): no
                                // tail
                                : Flux.<ReceivedEntry>empty())
                    .doFinally(signal -> viewer.release()));
  }

  /** @return how many viewers are open or not yet cleaned up */
  public int pending() {
    return pending.get();
  }

  /** One viewer's names and how far it is (open, tail subscribed, released). */
  private final class Viewer {
    private static final int OPEN = 0;
    private static final int TAILING = 1;
    private static final int RELEASED = 2;
    private static final int RELEASED_TAIL = 3;

    final String topic;
    final String name;
    final AtomicInteger state = new AtomicInteger(OPEN);

    Viewer(String topic, String name) {
      this.topic = topic;
      this.name = name;
      pending.incrementAndGet();
    }

    /** The reactive API's MANUAL reader cursor of this name (see docs/REACTIVE.md). */
    String readerName() {
      return name + READER_SUFFIX;
    }

    boolean isReleased() {
      return state.get() >= RELEASED;
    }

    /** @return true if the tail may be subscribed: the release has not started */
    boolean claimTail() {
      return state.compareAndSet(OPEN, TAILING);
    }

    /**
     * Idempotent. Without a tail, removes the viewer's cursors at once (a guard being
     * placed removes itself, see {@link #tail}). With a tail, first waits (bounded) until
     * the tail has left its group, which it marks by removing the hidden reader cursor:
     * a cancelled tail may still be joining its group, and its leaving checkpoints under the
     * viewer's name, which recreates the guard if it was removed before.
     */
    void release() {
      int s;
      do {
        s = state.get();
        if (s >= RELEASED) {
          return;
        }
      } while (!state.compareAndSet(s, s == TAILING ? RELEASED_TAIL : RELEASED));
      Walrus wal = walrus.engine();
      // the timer ticks on Reactor's parallel scheduler; the engine calls never get
      // interrupted (ReactiveWalrus.call)
      Mono<Void> tailGone =
          s != TAILING
              ? Mono.empty()
              : Flux.interval(Duration.ZERO, RELEASE_POLL)
                  .onBackpressureDrop()
                  .concatMap(i -> walrus.call(w -> readerLeft(wal)), 1)
                  .take(RELEASE_POLLS)
                  .takeUntil(left -> !left)
                  .then();
      tailGone
          .then(
              walrus.call(
                  w -> {
                    removeAll(wal);
                    return null;
                  }))
          .doFinally(sig -> pending.decrementAndGet())
          .subscribe(
              null,
              e ->
                  LOG.warn(
                      "could not remove the cursors of viewer {} of topic"
                          + " '{}' ({}); they are removed at the next start",
                      name,
                      topic,
                      e.toString()));
    }

    private boolean readerLeft(Walrus wal) {
      return wal.stats(topic)
          .map(s -> s.unread().keySet().stream().anyMatch(this::isReader))
          .orElse(false);
    }

    /** The reactive API's cursors of this viewer: its name plus a non-digit suffix. */
    private boolean isReader(String c) {
      return c.length() > name.length()
          && c.startsWith(name)
          && !Character.isDigit(c.charAt(name.length()));
    }

    void removeAll(Walrus wal) {
      wal.removeConsumer(topic, name);
      wal.stats(topic)
          .ifPresent(
              s ->
                  s.unread().keySet().stream()
                      .filter(this::isReader)
                      .forEach(c -> wal.removeConsumer(topic, c)));
    }
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
