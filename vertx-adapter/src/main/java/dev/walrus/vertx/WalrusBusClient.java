package dev.walrus.vertx;

import dev.walrus.Entry;
import dev.walrus.InvalidArgumentException;
import dev.walrus.TopicConfig;
import dev.walrus.reactive.StartPosition;
import dev.walrus.vertx.internal.EntryHeaders;
import dev.walrus.vertx.internal.LeaseRenewals;
import dev.walrus.vertx.internal.TailClient;
import dev.walrus.vertx.internal.TailStream;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code Future}-returning client of a {@link WalrusEventBus binding}, for verticles
 * that prefer calls to messages. It speaks the binding's message protocol over the event
 * bus, so it works the same on the binding's node and, with a clustered event bus, on
 * any other node.
 *
 * <pre>{@code
 * WalrusBusClient wal = WalrusBusClient.create(vertx);                 // prefix "walrus"
 * wal.append("orders", Buffer.buffer("hello")).onSuccess(offset -> ...);
 * wal.tail("orders", "billing", StartPosition.checkpointed(), 100, entry -> {
 *       process(entry);
 *     }).onSuccess(tail -> ...);                               // tail.ack(..), tail.grant(..)
 * }</pre>
 *
 * <p>Requests go to the binding's generic addresses ({@code prefix.append}, ...) with the
 * topic in the {@link WalrusHeaders#TOPIC} header, so topics need not be registered
 * per-topic first. Failures are {@link io.vertx.core.eventbus.ReplyException}s: coded by
 * {@link FailureCodes} when the binding refused or failed the request, or with failure
 * type {@code NO_HANDLERS}/{@code TIMEOUT} when no binding answered: a request in flight
 * when the binding's node dies fails with {@code TIMEOUT} once the timeout has passed
 * (30 s by default, see {@link #create(Vertx, String, Duration)}); a new request fails with
 * {@code NO_HANDLERS} once the cluster has dropped that node's registrations (before
 * that, with {@code TIMEOUT}).
 *
 * <p>Tails opened with one client share one lease-renewal timer (see {@link BusTail}): an
 * idle tail has no timer of its own. Thread-safe; no method blocks. Futures complete on the caller's
 * context (or an event loop when called from outside Vert.x).
 */
public final class WalrusBusClient {
  private final Vertx vertx;
  private final EventBus bus;
  private final String prefix;
  private final DeliveryOptions delivery;
  private final LeaseRenewals renewals;

  private WalrusBusClient(Vertx vertx, String prefix, Duration timeout) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.prefix = prefix;
    this.delivery = new DeliveryOptions().setSendTimeout(timeout.toMillis());
    this.renewals = new LeaseRenewals(vertx);
  }

  /**
   * @param vertx the Vert.x instance
   * @return a client of the binding with prefix {@link BindOptions#DEFAULT_PREFIX}
   */
  public static WalrusBusClient create(Vertx vertx) {
    return create(vertx, BindOptions.DEFAULT_PREFIX, Duration.ofSeconds(30));
  }

  /**
   * @param vertx the Vert.x instance
   * @param prefix the binding's address prefix
   * @param timeout how long a request waits for its reply
   * @return a client
   * @throws InvalidArgumentException if an argument is null or the timeout not positive
   */
  public static WalrusBusClient create(Vertx vertx, String prefix, Duration timeout) {
    if (vertx == null
        || prefix == null
        || timeout == null
        || timeout.isNegative()
        || timeout.isZero()) {
      throw new InvalidArgumentException("vertx, prefix and a positive timeout are required");
    }
    return new WalrusBusClient(vertx, prefix, timeout);
  }

  /**
   * Appends one entry.
   *
   * @param topic the topic
   * @param data the payload
   * @return the entry's offset, once durable per the engine's fsync schedule
   */
  public Future<Long> append(String topic, Buffer data) {
    return this.<Long>request(Operation.APPEND, topic, data).map(Message::body);
  }

  /**
   * Appends a batch atomically (all or nothing).
   *
   * @param topic the topic
   * @param entries the payloads (at most 2,000)
   * @return the offsets, consecutive and in order
   */
  public Future<List<Long>> appendBatch(String topic, List<Buffer> entries) {
    JsonArray arr = new JsonArray();
    entries.forEach(arr::add);
    return this.<JsonArray>request(Operation.APPEND_BATCH, topic, arr)
        .map(
            m -> {
              List<Long> out = new ArrayList<>(m.body().size());
              for (int i = 0; i < m.body().size(); i++) {
                out.add(m.body().getLong(i));
              }
              return out;
            });
  }

  /**
   * Reads the next entry of a consumer.
   *
   * @param topic the topic
   * @param consumer a consumer name, or null for the topic's shared cursor
   * @param checkpoint true to consume, false to peek
   * @return the entry, or {@code null} if there is none
   */
  public Future<Entry> readNext(String topic, String consumer, boolean checkpoint) {
    JsonObject req = new JsonObject().put("checkpoint", checkpoint);
    if (consumer != null) {
      req.put("consumer", consumer);
    }
    return this.<Buffer>request(Operation.READ, topic, req)
        .map(
            m ->
                m.body() == null
                    ? null
                    : new Entry(
                        topic,
                        Long.parseLong(m.headers().get(WalrusHeaders.OFFSET)),
                        EntryHeaders.timestamp(m.headers()),
                        m.body().getBytes()));
  }

  /**
   * Reads a batch of entries within a payload budget.
   *
   * @param topic the topic
   * @param consumer a consumer name, or null for the shared cursor
   * @param maxBytes the payload budget (at least one entry is returned if any exists)
   * @param checkpoint true to consume, false to peek
   * @return the entries in offset order, empty if none
   */
  public Future<List<Entry>> batchRead(
      String topic, String consumer, long maxBytes, boolean checkpoint) {
    JsonObject req = new JsonObject().put("checkpoint", checkpoint).put("maxBytes", maxBytes);
    if (consumer != null) {
      req.put("consumer", consumer);
    }
    return this.<JsonArray>request(Operation.READ_BATCH, topic, req)
        .map(
            m -> {
              List<Entry> out = new ArrayList<>(m.body().size());
              for (int i = 0; i < m.body().size(); i++) {
                JsonObject o = m.body().getJsonObject(i);
                out.add(
                    new Entry(
                        topic,
                        o.getLong("offset"),
                        o.getLong("timestamp", Entry.TIMESTAMP_UNKNOWN),
                        o.getBuffer("data").getBytes()));
              }
              return out;
            });
  }

  /**
   * Sets and persists a named consumer's position.
   *
   * @param topic the topic
   * @param consumer the consumer name
   * @param nextOffset the offset the consumer reads next
   * @return completes once persisted
   */
  public Future<Void> checkpoint(String topic, String consumer, long nextOffset) {
    return request(
            Operation.CHECKPOINT,
            topic,
            new JsonObject().put("consumer", consumer).put("nextOffset", nextOffset))
        .mapEmpty();
  }

  /**
   * Finds the first entry appended at or after an instant ({@link Operation#OFFSET_FOR_TIME}).
   *
   * @param topic the topic
   * @param time the instant
   * @return the offset, or {@code null} if no retained entry is that recent
   */
  public Future<Long> offsetForTime(String topic, Instant time) {
    if (time == null) {
      return Future.failedFuture(new InvalidArgumentException("time must not be null"));
    }
    return this.<Long>request(
            Operation.OFFSET_FOR_TIME, topic, new JsonObject().put("time", time.toString()))
        .map(Message::body);
  }

  /**
   * Deletes a topic through the admin family ({@link Operation#DELETE_TOPIC}; the binding
   * must enable it with {@link BindOptions#admin(boolean)}, else the request fails with
   * {@code NO_HANDLERS}).
   *
   * @param topic the topic
   * @return true if it existed, once the delete is durable
   */
  public Future<Boolean> deleteTopic(String topic) {
    return this.<Boolean>request(Operation.DELETE_TOPIC, topic, new JsonObject())
        .map(Message::body);
  }

  /**
   * Reads a topic's effective retention through the admin family
   * ({@link Operation#TOPIC_CONFIG}).
   *
   * @param topic the topic
   * @return its configuration
   */
  public Future<TopicConfig> topicConfig(String topic) {
    return topicConfigRequest(topic, new JsonObject().put("op", "get"));
  }

  /**
   * Sets a topic's own retention through the admin family ({@link Operation#TOPIC_CONFIG}).
   *
   * @param topic the topic
   * @param config its retention
   * @return the effective configuration afterwards, once persisted
   */
  public Future<TopicConfig> setTopicConfig(String topic, TopicConfig config) {
    if (config == null) {
      return Future.failedFuture(new InvalidArgumentException("topic config must not be null"));
    }
    JsonObject req = new JsonObject().put("op", "set");
    config.retention().ifPresent(d -> req.put("retention", d.toString()));
    config.retentionBytes().ifPresent(b -> req.put("retentionBytes", b));
    return topicConfigRequest(topic, req);
  }

  /**
   * Forgets a topic's own retention through the admin family: the instance default
   * applies again.
   *
   * @param topic the topic
   * @return the effective configuration afterwards, once persisted
   */
  public Future<TopicConfig> clearTopicConfig(String topic) {
    return topicConfigRequest(topic, new JsonObject().put("op", "clear"));
  }

  private Future<TopicConfig> topicConfigRequest(String topic, JsonObject req) {
    return this.<JsonObject>request(Operation.TOPIC_CONFIG, topic, req)
        .map(
            m -> {
              TopicConfig c = TopicConfig.unlimited();
              String age = m.body().getString("retention");
              if (age != null) {
                c = c.withRetention(Duration.parse(age));
              }
              Long bytes = m.body().getLong("retentionBytes");
              if (bytes != null) {
                c = c.withRetentionBytes(bytes);
              }
              return c;
            });
  }

  /**
   * Opens a credit-based tail session for a named consumer. The binding sends at most
   * {@code initialCredits} entries, then more as {@link BusTail#grant} allows. The
   * consumer's cursor moves only on {@link BusTail#ack}/{@link BusTail#checkpoint}.
   *
   * @param topic the topic
   * @param consumer the consumer name (its cursor is the session's position)
   * @param start where to start
   * @param initialCredits entries the binding may send at once, 0 or more
   * @param handler receives entries in offset order, on the caller's context
   * @return a future of the session, once the binding has accepted it; fails with a
   *     {@link io.vertx.core.eventbus.ReplyException} if the binding refuses it (e.g.
   *     {@link FailureCodes#BAD_REQUEST} for a start offset outside the retained range)
   * @throws InvalidArgumentException if an argument is null or the credits negative
   */
  public Future<BusTail> tail(
      String topic,
      String consumer,
      StartPosition start,
      long initialCredits,
      Handler<Entry> handler) {
    return TailClient.open(
        vertx,
        prefix + "." + Operation.TAIL.suffix(),
        prefix,
        topic,
        consumer,
        start,
        initialCredits,
        handler,
        delivery,
        renewals);
  }

  /**
   * Opens a credit-based tail session for a named consumer as a {@link BusTailStream}, a
   * Vert.x {@code ReadStream} of entries: its demand (flowing, paused, fetched) decides the
   * credits, never more than {@code window} entries in flight, and each entry is
   * acknowledged once handed to the stream's handler (for {@code pipeTo}: written to the
   * write stream), persisted when the session ends or on {@link BusTailStream#checkpoint()}.
   *
   * <pre>{@code
   * wal.tailStream("orders", "web", StartPosition.checkpointed(), 64)
   *     .onSuccess(s -> s.map(e -> Buffer.buffer(e.data()).appendString("\n")).pipeTo(response));
   * }</pre>
   *
   * @param topic the topic
   * @param consumer the consumer name (its cursor is the session's position)
   * @param start where to start
   * @param window the credit window, at least 1
   * @return a future of the stream once the binding has accepted the session (no entry is
   *     requested before a handler is set); fails as {@link #tail} does
   * @throws InvalidArgumentException if an argument is null or the window below 1
   */
  public Future<BusTailStream> tailStream(
      String topic, String consumer, StartPosition start, long window) {
    return TailStream.open(
        vertx,
        prefix + "." + Operation.TAIL.suffix(),
        prefix,
        topic,
        consumer,
        start,
        window,
        delivery,
        renewals);
  }

  private <T> Future<Message<T>> request(Operation op, String topic, Object body) {
    if (topic == null) {
      return Future.failedFuture(new InvalidArgumentException("topic must not be null"));
    }
    return bus.request(
        prefix + "." + op.suffix(),
        body,
        new DeliveryOptions(delivery).addHeader(WalrusHeaders.TOPIC, topic));
  }
}
