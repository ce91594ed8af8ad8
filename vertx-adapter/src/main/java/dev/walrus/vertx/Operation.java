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
   * or with a {@code null} body if there is nothing to read.
   */
  READ("read"),
  /**
   * Read a batch: {@code JsonObject} body {@code {consumer?, maxBytes?, checkpoint?}};
   * replies with a {@code JsonArray} of {@code {offset, data}} objects ({@code data} is
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
   * {@code {session, control, leaseMs}}.
   */
  TAIL("tail");

  private final String suffix;

  Operation(String suffix) {
    this.suffix = suffix;
  }

  /** @return the last address segment of this operation, e.g. {@code "append"} */
  public String suffix() {
    return suffix;
  }
}
