package dev.walrus.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.reactive.StartPosition;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.WriteStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A bus tail piped into a chunked HTTP response, end to end on a local server and client:
 * bytes in order, and closing the connection mid-stream ends the session with the cursor
 * right after the last entry written to the response (nothing skipped for the next tail).
 */
class BusTailStreamHttpTest extends BusFixture {
  private static final int N = 1500;
  private static final String PAD = "x".repeat(1000);

  private static String line(long i) {
    return "line-" + i + "-" + PAD;
  }

  @Test
  void aTailPipedToAnHttpResponseStopsCleanlyWhenTheClientCloses(Vertx vertx) throws Exception {
    bind(vertx, BindOptions.defaults());
    for (int from = 0; from < N; from += 500) {
      List<byte[]> batch = new ArrayList<>();
      for (int i = from; i < from + 500; i++) {
        batch.add(line(i).getBytes(StandardCharsets.UTF_8));
      }
      wal.batchAppendForTopic("t", batch);
    }
    WalrusBusClient bus = WalrusBusClient.create(vertx);
    AtomicReference<BusTailStream> stream = new AtomicReference<>();
    AtomicReference<AsyncResult<Void>> pipe = new AtomicReference<>();
    AtomicInteger written = new AtomicInteger();
    HttpServer server =
        await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req ->
                        bus.tailStream("t", "web", StartPosition.checkpointed(), 16)
                            .onSuccess(
                                s -> {
                                  stream.set(s);
                                  HttpServerResponse resp = req.response().setChunked(true);
                                  s.map(e -> Buffer.buffer(e.data()).appendString("\n"))
                                      .pipeTo(new Counting(resp, written))
                                      .onComplete(pipe::set);
                                })
                            .onFailure(e -> req.response().setStatusCode(500).end()))
                .listen(0));

    HttpClient http = vertx.createHttpClient();
    List<String> lines = new CopyOnWriteArrayList<>();
    AtomicBoolean closed = new AtomicBoolean();
    Buffer[] partial = {Buffer.buffer()};
    HttpClientResponse resp =
        await(
            http.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/stream")
                .compose(r -> r.send())
                .onSuccess(
                    // set on the event loop as the response arrives, so no chunk is missed
                    r ->
                        r.handler(
                            buf -> {
                              Buffer b = partial[0].appendBuffer(buf);
                              int start = 0;
                              for (int i = 0; i < b.length(); i++) {
                                if (b.getByte(i) == '\n') {
                                  lines.add(b.getString(start, i));
                                  start = i + 1;
                                }
                              }
                              partial[0] = b.getBuffer(start, b.length());
                              if (lines.size() >= 100 && closed.compareAndSet(false, true)) {
                                r.pause();
                                r.request().connection().close(); // the client goes away
                              }
                            })));
    assertThat(resp.statusCode()).isEqualTo(200);

    poll("the pipe ended", () -> pipe.get() != null);
    assertThat(pipe.get().failed()).as("a closed connection fails the pipe").isTrue();
    BusTailStream s = stream.get();
    assertThat(await(s.ended())).isEqualTo("closed");
    long cursor = wal.position("t", "web");
    // the documented rule: the cursor stands right after the last entry the response accepted
    assertThat(cursor).isEqualTo(written.get());
    assertThat(lines.size()).isBetween(100, written.get());
    for (int i = 0; i < lines.size(); i++) {
      assertThat(lines.get(i)).isEqualTo(line(i)); // in order, none missing
    }

    // nothing skipped: the next tail from checkpointed gets exactly the rest
    List<Entry> rest = new CopyOnWriteArrayList<>();
    BusTailStream next = await(bus.tailStream("t", "web", StartPosition.checkpointed(), 64));
    next.handler(rest::add);
    poll("the rest", () -> rest.size() == N - cursor);
    List<Long> expected = new ArrayList<>();
    for (long i = cursor; i < N; i++) {
      expected.add(i);
    }
    // (entries handed back by the ended session may come after higher offsets)
    assertThat(rest).extracting(Entry::offset).containsExactlyInAnyOrderElementsOf(expected);
    await(next.close());
    assertThat(wal.position("t", "web")).isEqualTo((long) N);
    await(http.close());
    await(server.close());
  }

  /** The response, counting the writes it accepted (not failed at once). */
  private static final class Counting implements WriteStream<Buffer> {
    private final HttpServerResponse resp;
    private final AtomicInteger accepted;

    Counting(HttpServerResponse resp, AtomicInteger accepted) {
      this.resp = resp;
      this.accepted = accepted;
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      resp.exceptionHandler(handler);
      return this;
    }

    @Override
    public Future<Void> write(Buffer data) {
      Future<Void> f = resp.write(data);
      if (!f.failed()) { // a write to a closed response fails at once: not accepted
        accepted.incrementAndGet();
      }
      return f;
    }

    @Override
    public Future<Void> end() {
      return resp.end();
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      resp.setWriteQueueMaxSize(maxSize);
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return resp.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      resp.drainHandler(handler);
      return this;
    }
  }
}
