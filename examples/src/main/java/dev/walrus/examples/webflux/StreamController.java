package dev.walrus.examples.webflux;

import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.reactive.ReceivedEntry;
import dev.walrus.reactive.StartPosition;
import dev.walrus.reactive.TailOptions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET /topics/{topic}/stream}: a topic as Server-Sent Events, history first, then
 * entries as they are appended, for as long as the client stays connected. Each event is
 * named {@code entry}, has the offset as its {@code id} and an {@link EntryEvent} as its
 * JSON data. The response starts with a comment, so that headers reach the client at once
 * even if no entry is there yet, and a comment is sent every 15 seconds to keep idle
 * connections open.
 *
 * <p>With {@code consumer=<name>} the stream reads as that named consumer: its cursor
 * moves as events are sent and is persisted per the configured consistency, and streams
 * of one name compete for entries. Without it the stream is a <em>viewer</em> that moves
 * no cursor (see {@link ViewerCursors}). Where it starts: {@link StreamStart}. The
 * entries are read against the connection's demand, so a slow client slows the reads
 * rather than filling memory.
 */
@RestController
public class StreamController {
  static final Duration HEARTBEAT = Duration.ofSeconds(15);
  private static final Logger LOG = LoggerFactory.getLogger(StreamController.class);

  private final ReactiveWalrus walrus;
  private final StreamShutdown shutdown;
  private final ViewerCursors viewers;

  /**
   * @param walrus the log
   * @param shutdown ends the streams on shutdown
   * @param viewers tails for streams without a consumer name
   */
  public StreamController(ReactiveWalrus walrus, StreamShutdown shutdown, ViewerCursors viewers) {
    this.walrus = walrus;
    this.shutdown = shutdown;
    this.viewers = viewers;
  }

  /**
   * @param topic the topic (need not exist yet)
   * @param consumer a consumer name, or absent for a viewer
   * @param from {@code earliest}, {@code latest}, {@code checkpointed}, an offset, or
   *     {@code time:<ISO-8601 instant>} (the first entry appended at or after it)
   * @param lastEventId sent by a reconnecting {@code EventSource}: resume after it
   * @param lastEventIdParam the same as a query parameter, for a new {@code EventSource}
   *     (which cannot set the header); the header wins
   * @param request the request (its raw path is checked for UTF-8)
   * @return the endless event stream; the topic, consumer and start are checked before
   *     the response starts, so these are problem bodies: 400 for an invalid topic,
   *     an invalid or reserved consumer name ({@link ConsumerNames}), a malformed
   *     {@code from} or {@code Last-Event-ID}, or a {@code from} offset outside the
   *     retained entries. When the client disconnects the stream is cancelled: a viewer's
   *     cursors are removed, a named consumer keeps the position of what was sent, and a
   *     DEBUG line is logged
   */
  @GetMapping(path = "/topics/{topic}/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public Flux<ServerSentEvent<EntryEvent>> stream(
      @PathVariable String topic,
      @RequestParam(required = false) String consumer,
      @RequestParam(required = false) String from,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      @RequestParam(name = "lastEventId", required = false) String lastEventIdParam,
      ServerHttpRequest request) {
    TopicPath.check(topic, request);
    if (consumer != null) {
      ConsumerNames.check(consumer);
    }
    // the header (an EventSource reconnecting by itself) wins over the parameter (a page
    // that opened a new EventSource after its previous one gave up)
    boolean header = lastEventId != null && !lastEventId.isBlank();
    StreamStart requested =
        StreamStart.parse(
            from,
            header ? "Last-Event-ID" : "lastEventId",
            header ? lastEventId : lastEventIdParam,
            consumer);
    Mono<Flux<ReceivedEntry>> tail =
        consumer == null
            ? viewers.tail(topic, requested)
            : consumerTail(topic, consumer, requested);
    Flux<ServerSentEvent<EntryEvent>> heartbeats =
        Flux.interval(HEARTBEAT, HEARTBEAT).map(i -> comment("keep-alive"));
    AtomicLong sent = new AtomicLong();
    String who = consumer == null ? "a viewer" : "consumer '" + consumer + "'";
    // The opening comment goes out only once the start was checked, so a refused start
    // is still a problem response rather than a broken stream.
    return tail.flatMapMany(
            entries ->
                entries
                    .map(StreamController::event)
                    .doOnNext(e -> sent.incrementAndGet())
                    .mergeWith(heartbeats)
                    .startWith(comment("stream of " + topic)))
        .takeUntilOther(
            Mono.firstWithSignal(
                shutdown.signal(),
                ConnectionClosed.of(request)
                    .doOnSuccess(
                        v ->
                            LOG.debug(
                                "stream of topic '{}' for"
                                    + " {} closed by the client after {} event(s)",
                                topic,
                                who,
                                sent.get()))))
        .doOnCancel(
            () ->
                LOG.debug(
                    "stream of topic '{}' for {} closed by the client after {}"
                        + " event(s) (cancelled)",
                    topic,
                    who,
                    sent.get()));
  }

  private Mono<Flux<ReceivedEntry>> consumerTail(
      String topic, String consumer, StreamStart requested) {
    Walrus wal = walrus.engine();
    // Blocking engine checks, on the log's scheduler and never interrupted: stats()
    // validates the topic name, position() the consumer name (creating nothing).
    Mono<StartPosition> start =
        walrus.call(
            w -> {
              wal.position(topic, consumer);
              return requested.check(wal.stats(topic).orElse(null));
            });
    return start.map(
        position -> walrus.tail(topic, TailOptions.forConsumer(consumer).startAt(position)));
  }

  private static ServerSentEvent<EntryEvent> comment(String text) {
    return ServerSentEvent.<EntryEvent>builder().comment(text).build();
  }

  private static ServerSentEvent<EntryEvent> event(ReceivedEntry r) {
    return ServerSentEvent.builder(EntryEvent.of(r.entry(), r.skippedBefore()))
        .id(Long.toString(r.offset()))
        .event("entry")
        .build();
  }
}
