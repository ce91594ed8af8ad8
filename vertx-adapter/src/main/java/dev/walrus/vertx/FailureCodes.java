package dev.walrus.vertx;

/**
 * The failure codes carried by every {@link io.vertx.core.eventbus.ReplyException} the
 * adapter sends (failure type {@link io.vertx.core.eventbus.ReplyFailure#RECIPIENT_FAILURE},
 * code from this class, message saying what was wrong). The values follow HTTP status
 * codes where one fits, so they can be passed on by an HTTP front end unchanged.
 *
 * <table>
 *   <caption>Failure codes</caption>
 *   <tr><th>code</th><th>constant</th><th>cause</th></tr>
 *   <tr><td>400</td><td>{@link #BAD_TOPIC}</td><td>invalid topic name ({@code InvalidTopicException})</td></tr>
 *   <tr><td>403</td><td>{@link #FORBIDDEN}</td><td>the {@link BusInterceptor} refused the request</td></tr>
 *   <tr><td>404</td><td>{@link #NOT_EXPOSED}</td><td>the topic is not exposed by the binding</td></tr>
 *   <tr><td>410</td><td>{@link #UNKNOWN_SESSION}</td><td>a tail control message for a session that is ending, or a {@link BusTail} call after its tail ended</td></tr>
 *   <tr><td>413</td><td>{@link #TOO_LARGE}</td><td>entry or batch over the engine's limits</td></tr>
 *   <tr><td>422</td><td>{@link #BAD_REQUEST}</td><td>malformed message body or invalid argument (e.g. a tail start offset outside the retained range, or a request without {@code consumer} when the engine was opened with {@code sharedCursor(false)})</td></tr>
 *   <tr><td>500</td><td>{@link #INTERNAL}</td><td>anything else (an I/O error that poisoned the engine, a corrupt entry, a bug)</td></tr>
 *   <tr><td>503</td><td>{@link #UNAVAILABLE}</td><td>the engine is closed or poisoned, or the binding is gone</td></tr>
 *   <tr><td>507</td><td>{@link #ROLLED_BACK}</td><td>a write failed and was rolled back ({@code WriteRolledBackException}: a full disk, say); nothing was written</td></tr>
 * </table>
 *
 * <p>The engine's failure classes (what is on disk, whether it stays usable) are the
 * README's error table.
 *
 * <p>Constants only; thread-safe.
 */
public final class FailureCodes {
  /** The topic name is invalid (empty, over 255 UTF-8 bytes, contains NUL). */
  public static final int BAD_TOPIC = 400;

  /** The binding's {@link BusInterceptor} refused the request. */
  public static final int FORBIDDEN = 403;

  /** The topic is not exposed by the binding ({@link BindOptions#exposeTopics}). */
  public static final int NOT_EXPOSED = 404;

  /**
   * A tail control message reached a session that is ending (closed, expired, unbound),
   * or a {@link BusTail} method was called after its tail ended. Once a session has ended
   * its control address is unregistered, so later control messages fail with Vert.x's
   * {@code NO_HANDLERS} instead.
   */
  public static final int UNKNOWN_SESSION = 410;

  /** An entry or batch is over the engine's size or count limits; nothing was written. */
  public static final int TOO_LARGE = 413;

  /** The message body or an argument is malformed or out of range; nothing was written. */
  public static final int BAD_REQUEST = 422;

  /**
   * An unexpected failure: an I/O error that poisoned the engine
   * ({@code FatalIOException}; later requests get {@link #UNAVAILABLE}), a corrupt entry, a
   * bug.
   */
  public static final int INTERNAL = 500;

  /** The engine is closed or poisoned, or the binding is being unbound. */
  public static final int UNAVAILABLE = 503;

  /**
   * An append or batch failed to write and was rolled back
   * ({@code WriteRolledBackException}, e.g. a full disk): nothing of it was written, no
   * offset was used up, and the engine stays usable, so the request can be retried (once
   * space is freed) without creating a duplicate.
   */
  public static final int ROLLED_BACK = 507;

  private FailureCodes() {}

  /**
   * @param code a failure code
   * @return the constant's name ({@code "BAD_TOPIC"}, ...) or {@code "UNKNOWN(code)"}
   */
  public static String name(int code) {
    switch (code) {
      case BAD_TOPIC:
        return "BAD_TOPIC";
      case FORBIDDEN:
        return "FORBIDDEN";
      case NOT_EXPOSED:
        return "NOT_EXPOSED";
      case UNKNOWN_SESSION:
        return "UNKNOWN_SESSION";
      case TOO_LARGE:
        return "TOO_LARGE";
      case BAD_REQUEST:
        return "BAD_REQUEST";
      case INTERNAL:
        return "INTERNAL";
      case UNAVAILABLE:
        return "UNAVAILABLE";
      case ROLLED_BACK:
        return "ROLLED_BACK";
      default:
        return "UNKNOWN(" + code + ")";
    }
  }
}
