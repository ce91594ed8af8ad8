package dev.walrus.examples.webflux;

import dev.walrus.BatchTooLargeException;
import dev.walrus.CorruptEntryException;
import dev.walrus.EntryTooLargeException;
import dev.walrus.InvalidArgumentException;
import dev.walrus.InvalidTopicException;
import dev.walrus.NamespaceLockedException;
import dev.walrus.WalrusClosedException;
import dev.walrus.WalrusException;
import dev.walrus.WalrusIOException;
import dev.walrus.WalrusPoisonedException;
import java.net.URI;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;

/**
 * Maps the log's typed errors to RFC 9457 problem bodies
 * ({@code application/problem+json}). Each problem has a stable {@code type}
 * ({@code tag:walrus.dev,2026:problem/<name>}), the HTTP status, the engine's message as
 * {@code detail}, and names the offending value: {@code topic} for topic errors,
 * {@code parameter}/{@code value} for refused request values. Spring's own errors
 * (unsupported media type, body too large, ...) are problem bodies too
 * ({@code spring.webflux.problemdetails.enabled}).
 *
 * <table>
 *   <caption>status per error</caption>
 *   <tr><td>{@link InvalidTopicException}</td><td>400 invalid-topic</td></tr>
 *   <tr><td>{@link EntryTooLargeException}</td><td>413 entry-too-large</td></tr>
 *   <tr><td>{@link BatchTooLargeException}</td><td>413 batch-too-large</td></tr>
 *   <tr><td>other {@link InvalidArgumentException}s</td><td>400 invalid-argument</td></tr>
 *   <tr><td>{@link InvalidRequestValueException}</td><td>400 invalid-request-value</td></tr>
 *   <tr><td>a body over {@code spring.codec.max-in-memory-size}</td>
 *       <td>413 body-too-large</td></tr>
 *   <tr><td>{@link WalrusClosedException}, {@link WalrusPoisonedException},
 *       {@link NamespaceLockedException}</td><td>503 unavailable</td></tr>
 *   <tr><td>{@link CorruptEntryException}</td><td>500 corrupt-entry</td></tr>
 *   <tr><td>{@link WalrusIOException}, other {@link WalrusException}s</td>
 *       <td>500 storage-error</td></tr>
 * </table>
 */
@RestControllerAdvice
public class ProblemHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);
  private static final String TYPE_PREFIX = "tag:walrus.dev,2026:problem/";

  /**
   * @param e the error
   * @param exchange the request, whose {@code topic} path variable is named
   * @return 400 invalid-topic
   */
  @ExceptionHandler(InvalidTopicException.class)
  public ResponseEntity<ProblemDetail> invalidTopic(InvalidTopicException e,
      ServerWebExchange exchange) {
    return withTopic(problem(HttpStatus.BAD_REQUEST, "invalid-topic", "Invalid topic", e),
        exchange);
  }

  /**
   * @param e the error
   * @param exchange the request
   * @return 413 entry-too-large
   */
  @ExceptionHandler(EntryTooLargeException.class)
  public ResponseEntity<ProblemDetail> entryTooLarge(EntryTooLargeException e,
      ServerWebExchange exchange) {
    return withTopic(problem(HttpStatus.CONTENT_TOO_LARGE, "entry-too-large",
        "Entry too large", e), exchange);
  }

  /**
   * @param e the error
   * @param exchange the request
   * @return 413 batch-too-large
   */
  @ExceptionHandler(BatchTooLargeException.class)
  public ResponseEntity<ProblemDetail> batchTooLarge(BatchTooLargeException e,
      ServerWebExchange exchange) {
    return withTopic(problem(HttpStatus.CONTENT_TOO_LARGE, "batch-too-large",
        "Batch too large", e), exchange);
  }

  /**
   * @param e the error (a bad consumer name, a start offset outside the retained range...)
   * @param exchange the request
   * @return 400 invalid-argument
   */
  @ExceptionHandler(InvalidArgumentException.class)
  public ResponseEntity<ProblemDetail> invalidArgument(InvalidArgumentException e,
      ServerWebExchange exchange) {
    return withTopic(problem(HttpStatus.BAD_REQUEST, "invalid-argument", "Invalid argument",
        e), exchange);
  }

  /**
   * @param e the refused value
   * @return 400 invalid-request-value naming the parameter and its value
   */
  @ExceptionHandler(InvalidRequestValueException.class)
  public ResponseEntity<ProblemDetail> invalidRequestValue(InvalidRequestValueException e) {
    ProblemDetail p = problem(HttpStatus.BAD_REQUEST, "invalid-request-value",
        "Invalid request value", e);
    p.setProperty("parameter", e.name());
    p.setProperty("value", e.value());
    return respond(p);
  }

  /**
   * @param e a request body over {@code spring.codec.max-in-memory-size}
   * @return 413 body-too-large
   */
  @ExceptionHandler(DataBufferLimitException.class)
  public ResponseEntity<ProblemDetail> bodyTooLarge(DataBufferLimitException e) {
    ProblemDetail p = problem(HttpStatus.CONTENT_TOO_LARGE, "body-too-large",
        "Request body too large", e);
    p.setProperty("parameter", "body");
    return respond(p);
  }

  /**
   * @param e the log is closed, poisoned by an I/O failure, or locked
   * @return 503 unavailable
   */
  @ExceptionHandler({WalrusClosedException.class, WalrusPoisonedException.class,
      NamespaceLockedException.class})
  public ResponseEntity<ProblemDetail> unavailable(WalrusException e) {
    LOG.warn("log unavailable: {}", e.toString());
    return respond(problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
        "Log unavailable", e));
  }

  /**
   * @param e a checksum mismatch in the log
   * @return 500 corrupt-entry
   */
  @ExceptionHandler(CorruptEntryException.class)
  public ResponseEntity<ProblemDetail> corrupt(CorruptEntryException e) {
    LOG.error("corrupt entry", e);
    return respond(problem(HttpStatus.INTERNAL_SERVER_ERROR, "corrupt-entry",
        "Corrupt entry", e));
  }

  /**
   * @param e an I/O failure or another engine error
   * @return 500 storage-error
   */
  @ExceptionHandler(WalrusException.class)
  public ResponseEntity<ProblemDetail> storage(WalrusException e) {
    LOG.error("storage error", e);
    return respond(problem(HttpStatus.INTERNAL_SERVER_ERROR, "storage-error",
        "Storage error", e));
  }

  /**
   * Always {@code application/problem+json}, also when the client accepts only
   * {@code text/event-stream} (as an EventSource does).
   */
  private static ResponseEntity<ProblemDetail> respond(ProblemDetail p) {
    return ResponseEntity.status(p.getStatus())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(p);
  }

  private static ProblemDetail problem(HttpStatus status, String type, String title,
      RuntimeException e) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, e.getMessage());
    p.setType(URI.create(TYPE_PREFIX + type));
    p.setTitle(title);
    return p;
  }

  private static ResponseEntity<ProblemDetail> withTopic(ProblemDetail p,
      ServerWebExchange exchange) {
    Map<String, String> vars = exchange.getAttribute(
        HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
    if (vars != null && vars.containsKey("topic")) {
      String topic = vars.get("topic");
      p.setProperty("topic", topic.length() <= 300 ? topic : topic.substring(0, 300) + "…");
    }
    return respond(p);
  }
}
