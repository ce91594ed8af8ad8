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
import dev.walrus.WriteRolledBackException;
import java.net.URI;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import reactor.core.publisher.Mono;

/**
 * Maps the log's typed errors to RFC 9457 problem bodies
 * ({@code application/problem+json}). Each problem has a stable {@code type}
 * ({@code tag:walrus.dev,2026:problem/<name>}), the HTTP status, the engine's message as
 * {@code detail}, and names the offending value: {@code topic} for topic errors,
 * {@code parameter}/{@code value} for refused request values. Spring's own refusals
 * (404, 405, 406, 415, ...) get a {@code type} too. No detail names a library class: the
 * engine's messages that could (I/O failures, poisoning) are replaced by a sentence and
 * go to the server log. A client that closed its connection mid-request is logged at
 * DEBUG only.
 *
 * <table>
 *   <caption>status per error</caption>
 *   <tr><td>{@link InvalidTopicException}</td><td>400 invalid-topic</td></tr>
 *   <tr><td>{@link EntryTooLargeException}</td><td>413 entry-too-large</td></tr>
 *   <tr><td>{@link BatchTooLargeException}</td><td>413 batch-too-large</td></tr>
 *   <tr><td>other {@link InvalidArgumentException}s</td><td>400 invalid-argument</td></tr>
 *   <tr><td>{@link InvalidRequestValueException}</td><td>400 invalid-request-value</td></tr>
 *   <tr><td>{@link UnknownTopicException} ({@code DELETE} of a topic that does not
 *       exist)</td><td>404 topic-not-found (with {@code topic})</td></tr>
 *   <tr><td>a body over {@code spring.codec.max-in-memory-size}</td>
 *       <td>413 body-too-large (with {@code limit})</td></tr>
 *   <tr><td>no such resource, method not allowed, not acceptable, unsupported media
 *       type</td><td>404 not-found, 405 method-not-allowed, 406 not-acceptable,
 *       415 unsupported-media-type</td></tr>
 *   <tr><td>anything else</td><td>500 internal-error</td></tr>
 *   <tr><td>{@link WalrusClosedException}, {@link WalrusPoisonedException},
 *       {@link NamespaceLockedException}</td><td>503 unavailable</td></tr>
 *   <tr><td>{@link WriteRolledBackException}</td><td>507 write-rolled-back</td></tr>
 *   <tr><td>{@link CorruptEntryException}</td><td>500 corrupt-entry</td></tr>
 *   <tr><td>{@link WalrusIOException}, other {@link WalrusException}s</td>
 *       <td>500 storage-error</td></tr>
 * </table>
 *
 * <p>What each engine failure leaves on disk, and whether the log stays usable, is the
 * README's error table.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE) // before Spring Boot's problem-details advice
public class ProblemHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);
  private static final String TYPE_PREFIX = "tag:walrus.dev,2026:problem/";

  /** A fully qualified Java class name, which no problem detail should show. */
  private static final Pattern CLASS_NAME =
      Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*");

  private final long maxBody;

  /**
   * @param maxBody the largest request body ({@code spring.codec.max-in-memory-size}),
   *     named in 413 body-too-large problems
   */
  public ProblemHandler(@Value("${spring.codec.max-in-memory-size:16MB}") DataSize maxBody) {
    this.maxBody = maxBody.toBytes();
  }

  /**
   * @param e the error
   * @param exchange the request, whose {@code topic} path variable is named
   * @return 400 invalid-topic
   */
  @ExceptionHandler(InvalidTopicException.class)
  public ResponseEntity<ProblemDetail> invalidTopic(
      InvalidTopicException e, ServerWebExchange exchange) {
    return withTopic(
        problem(HttpStatus.BAD_REQUEST, "invalid-topic", "Invalid topic", e), exchange);
  }

  /**
   * @param e the error
   * @param exchange the request
   * @return 413 entry-too-large
   */
  @ExceptionHandler(EntryTooLargeException.class)
  public ResponseEntity<ProblemDetail> entryTooLarge(
      EntryTooLargeException e, ServerWebExchange exchange) {
    return withTopic(
        problem(HttpStatus.CONTENT_TOO_LARGE, "entry-too-large", "Entry too large", e), exchange);
  }

  /**
   * @param e the error
   * @param exchange the request
   * @return 413 batch-too-large
   */
  @ExceptionHandler(BatchTooLargeException.class)
  public ResponseEntity<ProblemDetail> batchTooLarge(
      BatchTooLargeException e, ServerWebExchange exchange) {
    return withTopic(
        problem(HttpStatus.CONTENT_TOO_LARGE, "batch-too-large", "Batch too large", e), exchange);
  }

  /**
   * @param e the error (a bad consumer name, a start offset outside the retained range...)
   * @param exchange the request
   * @return 400 invalid-argument
   */
  @ExceptionHandler(InvalidArgumentException.class)
  public ResponseEntity<ProblemDetail> invalidArgument(
      InvalidArgumentException e, ServerWebExchange exchange) {
    return withTopic(
        problem(HttpStatus.BAD_REQUEST, "invalid-argument", "Invalid argument", e), exchange);
  }

  /**
   * @param e the refused value
   * @return 400 invalid-request-value naming the parameter and its value
   */
  @ExceptionHandler(InvalidRequestValueException.class)
  public ResponseEntity<ProblemDetail> invalidRequestValue(InvalidRequestValueException e) {
    ProblemDetail p =
        problem(HttpStatus.BAD_REQUEST, "invalid-request-value", "Invalid request value", e);
    p.setProperty("parameter", e.name());
    p.setProperty("value", e.value());
    return respond(p);
  }

  /**
   * @param e a request about a topic that does not exist
   * @return 404 topic-not-found naming the topic
   */
  @ExceptionHandler(UnknownTopicException.class)
  public ResponseEntity<ProblemDetail> unknownTopic(UnknownTopicException e) {
    ProblemDetail p = problem(HttpStatus.NOT_FOUND, "topic-not-found", "No such topic", e);
    p.setProperty("topic", e.topic());
    return respond(p);
  }

  /**
   * @param e a request body over {@code spring.codec.max-in-memory-size}
   * @return 413 body-too-large naming the limit ({@code limit}, in bytes)
   */
  @ExceptionHandler(BodyTooLargeException.class)
  public ResponseEntity<ProblemDetail> bodyTooLarge(BodyTooLargeException e) {
    return bodyTooLarge(e.limit());
  }

  /**
   * @param e a body over the limit, found by one of Spring's codecs
   * @return 413 body-too-large naming the limit
   */
  @ExceptionHandler(DataBufferLimitException.class)
  public ResponseEntity<ProblemDetail> bodyTooLarge(DataBufferLimitException e) {
    return bodyTooLarge(maxBody);
  }

  private static ResponseEntity<ProblemDetail> bodyTooLarge(long limit) {
    ProblemDetail p =
        problem(
            HttpStatus.CONTENT_TOO_LARGE,
            "body-too-large",
            "Request body too large",
            new BodyTooLargeException(limit).getMessage());
    p.setProperty("parameter", "body");
    p.setProperty("limit", limit);
    return respond(p);
  }

  /**
   * @param e the log is closed, poisoned by an I/O failure, or locked
   * @return 503 unavailable, saying which (the engine's message, which may name library
   *     classes, goes to the server log only)
   */
  @ExceptionHandler({
    WalrusClosedException.class,
    WalrusPoisonedException.class,
    NamespaceLockedException.class
  })
  public ResponseEntity<ProblemDetail> unavailable(WalrusException e) {
    LOG.warn("log unavailable: {}", e.toString());
    String detail =
        e instanceof WalrusPoisonedException
            ? "the log refuses work after an I/O failure; restart the application to recover"
                + " (the server log has the cause)"
            : e instanceof WalrusClosedException
                ? "the log is closed: the application is" + " shutting down"
                : "the log's data directory is locked by another process";
    return respond(
        problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Log unavailable", detail));
  }

  /**
   * A write that failed and was rolled back (a full disk, say): nothing of the request was
   * written and the log stays usable, so the client may retry it later without creating a
   * duplicate. 507 (Insufficient Storage: the server could not store what the request
   * needed; a temporary condition), not 500, so that a client can tell it from a failure
   * whose outcome is unknown.
   *
   * @param e the rolled-back write
   * @return 507 write-rolled-back (the cause goes to the server log)
   */
  @ExceptionHandler(WriteRolledBackException.class)
  public ResponseEntity<ProblemDetail> rolledBack(WriteRolledBackException e) {
    LOG.warn("write rolled back: {}", e.toString());
    return respond(
        problem(
            HttpStatus.INSUFFICIENT_STORAGE,
            "write-rolled-back",
            "Write rolled back",
            "the log could not write the entries (the server log has the"
                + " cause, e.g. a full disk); nothing of this request was written: retry later"));
  }

  /**
   * @param e a checksum mismatch in the log
   * @return 500 corrupt-entry
   */
  @ExceptionHandler(CorruptEntryException.class)
  public ResponseEntity<ProblemDetail> corrupt(CorruptEntryException e) {
    LOG.error("corrupt entry", e);
    return respond(problem(HttpStatus.INTERNAL_SERVER_ERROR, "corrupt-entry", "Corrupt entry", e));
  }

  /**
   * @param e an I/O failure or another engine error
   * @return 500 storage-error (details in the server log)
   */
  @ExceptionHandler(WalrusException.class)
  public ResponseEntity<ProblemDetail> storage(WalrusException e) {
    LOG.error("storage error", e);
    return respond(
        problem(
            HttpStatus.INTERNAL_SERVER_ERROR,
            "storage-error",
            "Storage error",
            "the log failed to read or write its files; the server log has" + " the cause"));
  }

  /**
   * Spring's own refusals (no such resource 404, method not allowed 405, not acceptable
   * 406, unsupported media type 415, malformed request 400, ...), each with a
   * {@code type} of its own and a detail naming the value, without library class names.
   *
   * @param e the refusal
   * @param exchange the request
   * @return the problem, with Spring's status and headers (e.g. {@code Allow})
   */
  @ExceptionHandler(ResponseStatusException.class)
  public ResponseEntity<ProblemDetail> http(ResponseStatusException e, ServerWebExchange exchange) {
    HttpStatusCode status = e.getStatusCode();
    String path = exchange.getRequest().getPath().value();
    String type;
    String title;
    String detail;
    if (e instanceof UnsupportedMediaTypeStatusException u) {
      type = "unsupported-media-type";
      title = "Unsupported media type";
      detail =
          "content type '"
              + (u.getContentType() == null ? "(none)" : u.getContentType())
              + "' is not accepted by "
              + exchange.getRequest().getMethod()
              + " "
              + path
              + "; use one of "
              + u.getSupportedMediaTypes();
    } else if (e instanceof MethodNotAllowedException m) {
      type = "method-not-allowed";
      title = "Method not allowed";
      detail =
          m.getHttpMethod()
              + " is not allowed on "
              + path
              + "; allowed: "
              + m.getSupportedMethods();
    } else if (e instanceof NotAcceptableStatusException n) {
      type = "not-acceptable";
      title = "Not acceptable";
      detail =
          "none of the accepted media types "
              + exchange.getRequest().getHeaders().getAccept()
              + " can be produced by "
              + path
              + "; it produces "
              + n.getSupportedMediaTypes();
    } else if (status.value() == 404) {
      type = "not-found";
      title = "Not found";
      detail =
          "nothing at "
              + exchange.getRequest().getMethod()
              + " "
              + path
              + " (see docs/WEBFLUX.md for the endpoints)";
    } else {
      type = status.is4xxClientError() ? "bad-request" : "http-" + status.value();
      HttpStatus known = HttpStatus.resolve(status.value());
      title = known == null ? "HTTP " + status.value() : known.getReasonPhrase();
      String reason = e.getReason();
      detail =
          reason == null || CLASS_NAME.matcher(reason).find()
              ? title + ": " + exchange.getRequest().getMethod() + " " + path
              : reason;
    }
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(URI.create(TYPE_PREFIX + type));
    p.setTitle(title);
    return ResponseEntity.status(status)
        .headers(e.getHeaders())
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(p);
  }

  /**
   * Anything else. A client that went away mid-request (its connection closed while its
   * body was read or its answer computed) is logged at DEBUG, without a stack trace:
   * nobody is left to answer. Any other error is logged at ERROR and answered 500
   * internal-error, without library class names.
   *
   * @param e the error
   * @param exchange the request
   * @return the problem (not delivered to a client that went away)
   */
  @ExceptionHandler(Exception.class)
  public Mono<ResponseEntity<ProblemDetail>> unexpected(Exception e, ServerWebExchange exchange) {
    String what = exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath();
    if (ClientAbort.is(e) || ConnectionClosed.isClosed(exchange.getRequest())) {
      LOG.debug("{} abandoned: the client closed the connection ({})", what, e.toString());
      return Mono.empty(); // nobody to answer
    }
    LOG.error("unexpected error in {}", what, e);
    if (exchange.getResponse().isCommitted()) {
      return Mono.empty(); // a stream already under way: it just ends
    }
    return Mono.just(
        respond(
            problem(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "internal-error",
                "Internal error",
                "an unexpected error occurred; the server log has the cause")));
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

  private static ProblemDetail problem(
      HttpStatus status, String type, String title, RuntimeException e) {
    return problem(status, type, title, e.getMessage());
  }

  private static ProblemDetail problem(
      HttpStatus status, String type, String title, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(URI.create(TYPE_PREFIX + type));
    p.setTitle(title);
    return p;
  }

  private static ResponseEntity<ProblemDetail> withTopic(
      ProblemDetail p, ServerWebExchange exchange) {
    Map<String, String> vars =
        exchange.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
    if (vars != null && vars.containsKey("topic")) {
      String topic = vars.get("topic");
      if (topic.indexOf('\uFFFD') >= 0 && TopicPath.raw(exchange.getRequest()) != null) {
        topic = TopicPath.raw(exchange.getRequest()); // as sent: its bytes are not UTF-8
      }
      p.setProperty("topic", topic.length() <= 300 ? topic : topic.substring(0, 300) + "…");
    }
    return respond(p);
  }
}
