package dev.walrus.examples.vertx;

import dev.walrus.Entry;
import dev.walrus.reactive.StartPosition;
import dev.walrus.vertx.BusTail;
import dev.walrus.vertx.WalrusBusClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * Serves a topic over HTTP, talking to the log only through the event bus (so it can run
 * on any node of a cluster):
 *
 * <ul>
 *   <li>{@code POST /topics/<topic>} appends the request body and answers
 *       {@code {"offset": n}} once the entry is durable;</li>
 *   <li>{@code GET /topics/<topic>/stream?consumer=<name>&start=earliest} streams the topic
 *       as Server-Sent Events, history then live. Flow control runs end to end: credits are
 *       granted to the bus tail only while the HTTP connection's write queue has room, and
 *       each event is acknowledged once written, so a slow HTTP client slows the tail
 *       instead of filling memory, and a reconnect with the same consumer resumes.</li>
 * </ul>
 *
 * <pre>
 * curl -d 'hello' localhost:8080/topics/events
 * curl -N 'localhost:8080/topics/events/stream?consumer=web&amp;start=earliest'
 * </pre>
 *
 * <p>Failures of the bus map to HTTP statuses through their {@code FailureCodes}, which
 * follow HTTP status numbers.
 */
public final class WalrusHttpVerticle extends VerticleBase {
  /** Credits granted to a stream at a time. */
  static final int CREDITS = 64;

  private final int port;
  private WalrusBusClient wal;
  private HttpServer server;

  /** @param port the HTTP port (0 for any free port) */
  public WalrusHttpVerticle(int port) {
    this.port = port;
  }

  /** @return the port the server listens on, once started */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    wal = WalrusBusClient.create(vertx);
    server = vertx.createHttpServer().requestHandler(this::handle);
    return server.listen(port, "127.0.0.1");
  }

  private void handle(HttpServerRequest req) {
    String[] parts = req.path().split("/");
    // "", "topics", <topic>[, "stream"]
    if (parts.length < 3 || !"topics".equals(parts[1])) {
      req.response().setStatusCode(404).end();
    } else if (req.method().name().equals("POST") && parts.length == 3) {
      req.body()
          .compose(body -> wal.append(parts[2], body))
          .onSuccess(
              offset ->
                  req.response()
                      .putHeader("content-type", "application/json")
                      .end(new JsonObject().put("offset", offset).encode()))
          .onFailure(e -> fail(req.response(), e));
    } else if (req.method().name().equals("GET")
        && parts.length == 4
        && "stream".equals(parts[3])) {
      stream(req, parts[2]);
    } else {
      req.response().setStatusCode(405).end();
    }
  }

  private void stream(HttpServerRequest req, String topic) {
    String consumer = req.getParam("consumer", "http");
    StartPosition start =
        "earliest".equals(req.getParam("start"))
            ? StartPosition.earliest()
            : StartPosition.checkpointed();
    HttpServerResponse res =
        req.response().setChunked(true).putHeader("content-type", "text/event-stream");
    BusTail[] holder = new BusTail[1];
    long[] early = {0, -1}; // entries written before the tail handle arrived, last offset
    wal.tail(
            topic,
            consumer,
            start,
            CREDITS,
            (Entry e) -> {
              res.write("id: " + e.offset() + "\ndata: " + e.dataAsString() + "\n\n");
              BusTail t = holder[0];
              if (t == null) {
                early[0]++;
                early[1] = e.offset();
                return;
              }
              t.ack(e.offset());
              if (!res.writeQueueFull()) {
                t.grant(1); // room to write: let one more come
              } else {
                res.drainHandler(v -> t.grant(1)); // resume when the client catches up
              }
            })
        .onSuccess(
            t -> {
              holder[0] = t;
              if (early[0] > 0) {
                t.ack(early[1]).grant(early[0]);
              }
              t.endHandler(
                  reason -> {
                    if (!res.ended()) {
                      res.end();
                    }
                  });
              req.connection().closeHandler(v -> t.close()); // checkpoints what was acknowledged
            })
        .onFailure(e -> fail(res, e));
  }

  private static void fail(HttpServerResponse res, Throwable e) {
    int status =
        e instanceof ReplyException && ((ReplyException) e).failureCode() >= 400
            ? ((ReplyException) e).failureCode()
            : 500;
    if (!res.headWritten()) {
      res.setStatusCode(status).end(String.valueOf(e.getMessage()));
    } else {
      res.end();
    }
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
