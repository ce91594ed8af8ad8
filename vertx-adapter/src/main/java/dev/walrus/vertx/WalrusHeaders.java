package dev.walrus.vertx;

/**
 * Names of the event-bus message headers the adapter reads and writes.
 *
 * <p>Constants only; thread-safe.
 */
public final class WalrusHeaders {
  /** Request header naming the topic on the generic addresses ({@code prefix.append}, ...). */
  public static final String TOPIC = "walrus.topic";

  /** Header carrying an entry's offset (read replies and tail deliveries). */
  public static final String OFFSET = "walrus.offset";

  /**
   * Header carrying an entry's append time in microseconds since the epoch, as a decimal
   * string (read replies and tail deliveries); {@code 0} for entries written by format
   * version 1. See {@link dev.walrus.Entry#timestampMicros()}.
   */
  public static final String TIMESTAMP = "walrus.timestamp";

  /**
   * Header on a tail delivery whose entry follows offsets its consumer skipped (see
   * {@code dev.walrus.reactive.ReceivedEntry#skippedBefore()}): how many, as a decimal
   * string. Absent when nothing was skipped.
   */
  public static final String SKIPPED = "walrus.skipped";

  /** Header carrying the tail session id on tail deliveries and end notices. */
  public static final String SESSION = "walrus.session";

  /**
   * Header present on the last message of a tail session, saying why it ended:
   * {@code "closed"}, {@code "expired"}, {@code "unbound"}, {@code "completed"} or
   * {@code "failed"} (then {@link #FAILURE_CODE} holds a {@link FailureCodes} value and the
   * body the message).
   */
  public static final String END = "walrus.end";

  /** Header with the {@link FailureCodes} value of a failed tail session. */
  public static final String FAILURE_CODE = "walrus.failureCode";

  private WalrusHeaders() {}
}
