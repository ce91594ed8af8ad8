package dev.walrus.vertx.internal;

import dev.walrus.Entry;
import dev.walrus.InvalidArgumentException;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.vertx.WalrusHeaders;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;

/**
 * Executes the request/reply operations (append, batch append, read, batch read, checkpoint)
 * against the {@link ReactiveWalrus}. Called on the binding's context; replies are sent
 * from the ReactiveWalrus scheduler thread that completed the work (replying is
 * thread-safe in Vert.x, and the reply is delivered on the requester's own context), which
 * saves a thread hop per request. Stateless apart from its collaborator.
 */
final class Requests {
  /** Default payload budget of a batch read request without {@code maxBytes}: 1 MiB. */
  static final long DEFAULT_MAX_BYTES = 1L << 20;

  private final ReactiveWalrus rw;

  Requests(ReactiveWalrus rw) {
    this.rw = rw;
  }

  /** Appends the message's {@code Buffer} body; replies with the offset. */
  Future<Long> append(String topic, Message<?> msg) {
    Object body = msg.body();
    if (!(body instanceof Buffer)) {
      throw new InvalidArgumentException("append expects a Buffer body, got " + type(body));
    }
    Future<Long> f = OnContext.direct(rw.append(topic, ((Buffer) body).getBytes()));
    return f.onSuccess(msg::reply);
  }

  /** Appends a {@code JsonArray} of Buffers/base64 strings atomically; replies with offsets. */
  Future<List<Long>> appendBatch(String topic, Message<?> msg) {
    Object body = msg.body();
    if (!(body instanceof JsonArray)) {
      throw new InvalidArgumentException("appendBatch expects a JsonArray body, got " + type(body));
    }
    JsonArray arr = (JsonArray) body;
    List<byte[]> payloads = new ArrayList<>(arr.size());
    for (int i = 0; i < arr.size(); i++) {
      Buffer b = arr.getBuffer(i);
      if (b == null) {
        throw new InvalidArgumentException("appendBatch entry " + i + " is null");
      }
      payloads.add(b.getBytes());
    }
    return OnContext.direct(rw.appendBatch(topic, payloads))
        .onSuccess(offsets -> msg.reply(new JsonArray(new ArrayList<Object>(offsets))));
  }

  /** Reads the next entry; replies with its payload and offset header, or null. */
  Future<Entry> read(String topic, Message<?> msg) {
    JsonObject req = json(msg);
    String consumer = req.getString("consumer");
    boolean checkpoint = req.getBoolean("checkpoint", true);
    Mono<Entry> m =
        consumer == null
            ? rw.readNext(topic, checkpoint)
            : rw.readNext(topic, consumer, checkpoint);
    return OnContext.direct(m)
        .onSuccess(
            e -> {
              if (e == null) {
                msg.reply(null);
              } else {
                msg.reply(
                    Buffer.buffer(e.data()),
                    new DeliveryOptions()
                        .addHeader(WalrusHeaders.OFFSET, Long.toString(e.offset())));
              }
            });
  }

  /** Reads a batch; replies with a JsonArray of {offset, data}. */
  Future<List<Entry>> readBatch(String topic, Message<?> msg) {
    JsonObject req = json(msg);
    String consumer = req.getString("consumer");
    boolean checkpoint = req.getBoolean("checkpoint", true);
    long maxBytes = req.getLong("maxBytes", DEFAULT_MAX_BYTES);
    Mono<List<Entry>> m =
        consumer == null
            ? rw.batchRead(topic, maxBytes, checkpoint)
            : rw.batchRead(topic, consumer, maxBytes, checkpoint);
    return OnContext.direct(m)
        .onSuccess(
            entries -> {
              JsonArray out = new JsonArray();
              for (Entry e : entries) {
                out.add(
                    new JsonObject()
                        .put("offset", e.offset())
                        .put("data", Buffer.buffer(e.data())));
              }
              msg.reply(out);
            });
  }

  /** Checkpoints {@code {consumer, nextOffset}}; replies with null once persisted. */
  Future<Void> checkpoint(String topic, Message<?> msg) {
    JsonObject req = json(msg);
    String consumer = req.getString("consumer");
    Long next = req.getLong("nextOffset");
    if (consumer == null || next == null) {
      throw new InvalidArgumentException("checkpoint expects {consumer, nextOffset}");
    }
    Mono<Void> m =
        Mono.<Void>fromRunnable(() -> rw.engine().checkpoint(topic, consumer, next))
            .subscribeOn(rw.scheduler());
    return OnContext.direct(m).onSuccess(v -> msg.reply(null));
  }

  static JsonObject json(Message<?> msg) {
    Object body = msg.body();
    if (body == null) {
      return new JsonObject();
    }
    if (body instanceof JsonObject) {
      return (JsonObject) body;
    }
    throw new InvalidArgumentException("expected a JsonObject body, got " + type(body));
  }

  static String type(Object body) {
    return body == null ? "null" : body.getClass().getSimpleName();
  }
}
