package dev.walrus.examples.webflux;

/**
 * A request body over {@code spring.codec.max-in-memory-size}; nothing was written.
 * Mapped to {@code 413} with the limit named in the problem body.
 */
public class BodyTooLargeException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long limit;

  /** @param limit the largest body accepted, in bytes */
  public BodyTooLargeException(long limit) {
    super(
        "the request body is larger than the limit of "
            + limit
            + " bytes (spring.codec.max-in-memory-size); nothing was written");
    this.limit = limit;
  }

  /** @return the largest body accepted, in bytes */
  public long limit() {
    return limit;
  }
}
