package dev.walrus.vertx.internal;

import dev.walrus.Entry;
import dev.walrus.InvalidArgumentException;
import dev.walrus.TopicConfig;
import dev.walrus.reactive.ReactiveWalrus;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
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
    String consumer = Fields.text(req, "consumer");
    boolean checkpoint = Fields.flag(req, "checkpoint", true);
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
                msg.reply(Buffer.buffer(e.data()), EntryHeaders.add(new DeliveryOptions(), e));
              }
            });
  }

  /** Reads a batch; replies with a JsonArray of {offset, data}. */
  Future<List<Entry>> readBatch(String topic, Message<?> msg) {
    JsonObject req = json(msg);
    String consumer = Fields.text(req, "consumer");
    boolean checkpoint = Fields.flag(req, "checkpoint", true);
    long maxBytes = Fields.number(req, "maxBytes", DEFAULT_MAX_BYTES);
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
                        .put("timestamp", e.timestampMicros())
                        .put("data", Buffer.buffer(e.data())));
              }
              msg.reply(out);
            });
  }

  /** Checkpoints {@code {consumer, nextOffset}}; replies with null once persisted. */
  Future<Void> checkpoint(String topic, Message<?> msg) {
    JsonObject req = json(msg);
    String consumer = Fields.text(req, "consumer");
    Long next = Fields.number(req, "nextOffset");
    if (consumer == null || next == null) {
      throw new InvalidArgumentException("checkpoint expects {consumer, nextOffset}");
    }
    Mono<Void> m =
        Mono.<Void>fromRunnable(() -> rw.engine().checkpoint(topic, consumer, next))
            .subscribeOn(rw.scheduler());
    return OnContext.direct(m).onSuccess(v -> msg.reply(null));
  }

  /** Finds the first offset at or after {@code {time}}; replies with it, or null. */
  Future<Long> offsetForTime(String topic, Message<?> msg) {
    Instant time = instant(json(msg).getValue("time"));
    return OnContext.direct(rw.offsetForTime(topic, time))
        .onSuccess(o -> msg.reply(o)); // null (empty Mono) when no entry is that recent
  }

  /** Deletes the topic; replies with whether it existed. */
  Future<Boolean> deleteTopic(String topic, Message<?> msg) {
    return OnContext.direct(rw.deleteTopic(topic)).onSuccess(msg::reply);
  }

  /** Gets, sets or clears the topic's retention; replies with the effective configuration. */
  Future<TopicConfig> topicConfig(String topic, Message<?> msg) {
    JsonObject req = json(msg);
    String op = Fields.text(req, "op", "get");
    Mono<TopicConfig> m;
    switch (op) {
      case "get":
        m = rw.topicConfig(topic);
        break;
      case "set":
        TopicConfig c = TopicConfig.unlimited();
        Object age = req.getValue("retention");
        if (age != null) {
          c = c.withRetention(duration(age));
        }
        Object bytes = req.getValue("retentionBytes");
        if (bytes != null) {
          if (!(bytes instanceof Number)) {
            throw new InvalidArgumentException(
                "retentionBytes must be a positive number, got " + bytes);
          }
          c = c.withRetentionBytes(((Number) bytes).longValue());
        }
        m = rw.setTopicConfig(topic, c).then(rw.topicConfig(topic));
        break;
      case "clear":
        m = rw.clearTopicConfig(topic).then(rw.topicConfig(topic));
        break;
      default:
        throw new InvalidArgumentException("topicConfig op must be get, set or clear, got " + op);
    }
    return OnContext.direct(m).onSuccess(c -> msg.reply(configJson(c)));
  }

  /**
   * @param c a topic configuration
   * @return it as {@code {retention, retentionBytes}} (ISO-8601 duration, bytes; null: none)
   */
  static JsonObject configJson(TopicConfig c) {
    return new JsonObject()
        .put("retention", c.retention().map(Duration::toString).orElse(null))
        .put(
            "retentionBytes",
            c.retentionBytes().isPresent() ? c.retentionBytes().getAsLong() : null);
  }

  private static Instant instant(Object v) {
    if (!(v instanceof String)) {
      throw new InvalidArgumentException(
          "time must be an ISO-8601 instant such as 2026-12-01T10:15:30Z, got " + v);
    }
    try {
      return Instant.parse((String) v);
    } catch (DateTimeParseException e) {
      throw new InvalidArgumentException(
          "time must be an ISO-8601 instant such as 2026-12-01T10:15:30Z, got '" + v + "'");
    }
  }

  private static Duration duration(Object v) {
    if (!(v instanceof String)) {
      throw new InvalidArgumentException(
          "retention must be an ISO-8601 duration such as PT24H, got " + v);
    }
    try {
      return Duration.parse((String) v);
    } catch (DateTimeParseException e) {
      throw new InvalidArgumentException(
          "retention must be an ISO-8601 duration such as PT24H, got '" + v + "'");
    }
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
