package dev.walrus.examples.webflux;

import dev.walrus.reactive.ReactiveWalrus;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Appends over HTTP: {@code POST /topics/{topic}} (one entry, the raw body) and
 * {@code POST /topics/{topic}/batch} (a JSON array or NDJSON, atomically). Both answer
 * once the entries are as durable as the configured fsync schedule promises, with the
 * offsets they got; neither blocks the event loop (the writes run on the
 * {@link ReactiveWalrus} scheduler, coalesced with concurrent appends).
 */
@RestController
public class AppendController {
  private static final Logger LOG = LoggerFactory.getLogger(AppendController.class);
  private final ReactiveWalrus walrus;
  private final BatchBodyParser batches;
  private final int maxBody;

  /**
   * @param walrus the log
   * @param batches parses batch bodies
   * @param maxBody the largest request body accepted ({@code spring.codec.max-in-memory-size},
   *     default 16 MB); a larger one is refused with 413
   */
  public AppendController(
      ReactiveWalrus walrus,
      BatchBodyParser batches,
      @Value("${spring.codec.max-in-memory-size:16MB}") DataSize maxBody) {
    this.walrus = walrus;
    this.batches = batches;
    this.maxBody = (int) Math.min(Integer.MAX_VALUE, maxBody.toBytes());
  }

  /**
   * Appends the request body, whatever its media type (form-encoded too, so that
   * {@code curl -d} works), as one entry; an empty body is an empty entry.
   *
   * @param topic the topic (1–255 UTF-8 bytes, no NUL)
   * @param request the request, whose body is the payload
   * @return {@code 201 Created} with {@link AppendResult} and a {@code Location} of the
   *     topic's stream starting at the new entry; errors (RFC 9457 problem bodies):
   *     400 invalid topic (also percent-encoded bytes that are not UTF-8), 413 entry or
   *     body too large, 503 log closed or poisoned, 507 write rolled back (nothing
   *     written; retry later). If the client disconnects before the
   *     answer, the entry is written or not (it is if the engine call had started) and
   *     nothing else happens: a DEBUG line is logged
   */
  @PostMapping(path = "/topics/{topic}")
  public Mono<ResponseEntity<AppendResult>> append(
      @PathVariable String topic, ServerHttpRequest request) {
    TopicPath.check(topic, request);
    return body(request)
        .flatMap(data -> walrus.append(topic, data))
        .map(
            offset ->
                ResponseEntity.created(streamFrom(topic, offset))
                    .body(new AppendResult(topic, offset)))
        .doOnCancel(
            () ->
                LOG.debug(
                    "append to topic '{}' abandoned: the client closed the"
                        + " connection (the entry is written or not, see docs/WEBFLUX.md)",
                    topic));
  }

  /**
   * Appends a batch atomically: readers and crashes see all of its entries or none.
   * {@code application/json}: a JSON array, one entry per element;
   * {@code application/x-ndjson}: one entry per non-blank line. A JSON string becomes
   * its text (UTF-8), any other JSON value its compact JSON.
   *
   * @param topic the topic
   * @param contentType the body's media type
   * @param request the request, whose body is the batch
   * @return {@code 201 Created} with {@link BatchResult} ({@code 200 OK} with count 0 for
   *     an empty batch, which writes nothing); errors: 400 malformed body or invalid
   *     topic, 413 more than 2,000 entries or an entry too large, 415 other media types
   */
  @PostMapping(
      path = "/topics/{topic}/batch",
      consumes = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_NDJSON_VALUE})
  public Mono<ResponseEntity<BatchResult>> appendBatch(
      @PathVariable String topic,
      @RequestHeader(HttpHeaders.CONTENT_TYPE) MediaType contentType,
      ServerHttpRequest request) {
    TopicPath.check(topic, request);
    return body(request)
        .map(body -> batches.parse(body, contentType))
        .flatMap(entries -> walrus.appendBatch(topic, entries))
        .map(offsets -> batchResponse(topic, offsets))
        .doOnCancel(
            () ->
                LOG.debug(
                    "batch append to topic '{}' abandoned: the client closed"
                        + " the connection (the batch is written whole or not at all)",
                    topic));
  }

  /** The whole body in memory, at most {@link #maxBody} bytes (else BodyTooLargeException). */
  private Mono<byte[]> body(ServerHttpRequest request) {
    return DataBufferUtils.join(request.getBody(), maxBody)
        .onErrorMap(DataBufferLimitException.class, e -> new BodyTooLargeException(maxBody))
        .map(
            buffer -> {
              try {
                byte[] bytes = new byte[buffer.readableByteCount()];
                buffer.read(bytes);
                return bytes;
              } finally {
                DataBufferUtils.release(buffer);
              }
            })
        .defaultIfEmpty(new byte[0]);
  }

  private static ResponseEntity<BatchResult> batchResponse(String topic, List<Long> offsets) {
    if (offsets.isEmpty()) {
      return ResponseEntity.ok(new BatchResult(topic, null, null, 0));
    }
    long first = offsets.get(0);
    return ResponseEntity.status(HttpStatus.CREATED)
        .location(streamFrom(topic, first))
        .body(new BatchResult(topic, first, offsets.get(offsets.size() - 1), offsets.size()));
  }

  private static URI streamFrom(String topic, long offset) {
    return URI.create(TopicPath.streamFrom(topic, offset));
  }
}
