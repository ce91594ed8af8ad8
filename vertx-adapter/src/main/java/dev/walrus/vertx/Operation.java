package dev.walrus.vertx;

/**
 * The operations of a topic's address family. A binding with prefix {@code p} exposes
 * topic {@code t} at {@code p.t.<suffix>}, and every topic at the generic address
 * {@code p.<suffix>} with the topic in the {@link WalrusHeaders#TOPIC} header.
 *
 * <p>Immutable and thread-safe (an enum).
 */
public enum Operation {
  /** Append one entry: {@code Buffer} body; replies with the offset ({@code Long}). */
  APPEND("append"),
  /**
   * Append a batch atomically: {@code JsonArray} of {@code Buffer}s (or base64 strings);
   * replies with a {@code JsonArray} of the offsets.
   */
  APPEND_BATCH("appendBatch"),
  /**
   * Read the next entry: {@code JsonObject} body {@code {consumer?, checkpoint?}}; replies
   * with the payload as a {@code Buffer} and the offset in {@link WalrusHeaders#OFFSET},
   * or with a {@code null} body if there is nothing to read. The entry's timestamp is in
   * {@link WalrusHeaders#TIMESTAMP}.
   */
  READ("read"),
  /**
   * Read a batch: {@code JsonObject} body {@code {consumer?, maxBytes?, checkpoint?}};
   * replies with a {@code JsonArray} of {@code {offset, timestamp, data}} objects
   * ({@code timestamp} in epoch microseconds) ({@code data} is
   * base64 in JSON, a {@code Buffer} via {@code JsonObject.getBuffer}).
   */
  READ_BATCH("readBatch"),
  /**
   * Checkpoint a named consumer's position: {@code JsonObject} body
   * {@code {consumer, nextOffset}}; replies with an empty body once persisted.
   */
  CHECKPOINT("checkpoint"),
  /**
   * Open a credit-based tail session (see {@code docs/VERTX.md}): {@code JsonObject} body
   * {@code {consumer, replyTo, start?, credits?}}; replies with
   * {@code {session, control, leaseMs}}. {@code start} is {@code "checkpointed"},
   * {@code "earliest"}, {@code "latest"}, an offset, or {@code "time:<ISO-8601 instant>"}.
   */
  TAIL("tail"),
  /**
   * Find the first entry at or after an instant ({@code Walrus.offsetForTime}):
   * {@code JsonObject} body {@code {time}} (an ISO-8601 instant, e.g.
   * {@code 2026-12-01T10:15:30Z}); replies with the offset ({@code Long}), or a {@code null}
   * body if no retained entry is that recent.
   */
  OFFSET_FOR_TIME("offsetForTime"),
  /**
   * Admin: delete the topic, its entries and cursors, atomically across a crash
   * ({@code Walrus.deleteTopic}): any body; replies with {@code true} if the topic existed,
   * {@code false} if not. Registered only when {@link BindOptions#admin(boolean)} is on.
   */
  DELETE_TOPIC("admin.deleteTopic", true),
  /**
   * Admin: read or change the topic's retention: {@code JsonObject} body
   * {@code {op?, retention?, retentionBytes?}} where {@code op} is {@code "get"} (the
   * default), {@code "set"} (the topic's own configuration becomes {@code retention}, an
   * ISO-8601 duration such as {@code "PT24H"}, and {@code retentionBytes}; an absent field
   * means no limit of that kind) or {@code "clear"} (the instance default applies again).
   * Replies with the effective configuration {@code {retention, retentionBytes}} after the
   * operation (a {@code null} field: no limit). Registered only when
   * {@link BindOptions#admin(boolean)} is on.
   */
  TOPIC_CONFIG("admin.topicConfig", true);

  private final String suffix;
  private final boolean admin;

  Operation(String suffix) {
    this(suffix, false);
  }

  Operation(String suffix, boolean admin) {
    this.suffix = suffix;
    this.admin = admin;
  }

  /**
   * @return true for the admin family ({@link #DELETE_TOPIC}, {@link #TOPIC_CONFIG}),
   *     registered only when {@link BindOptions#admin(boolean)} is on and, like every
   *     operation, passed through the {@link BusInterceptor} first
   */
  public boolean isAdmin() {
    return admin;
  }

  /** @return the last address segment of this operation, e.g. {@code "append"} */
  public String suffix() {
    return suffix;
  }
}
