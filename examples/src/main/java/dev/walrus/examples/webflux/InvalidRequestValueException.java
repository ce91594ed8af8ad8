package dev.walrus.examples.webflux;

/**
 * A request value the application refuses before touching the log: a malformed query
 * parameter, header or batch body. Mapped to {@code 400 Bad Request} with the value named
 * in the problem body.
 */
public class InvalidRequestValueException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String name;
  private final String value;

  /**
   * @param name what was wrong: a parameter or header name, or {@code body}
   * @param value the offending value (shortened to 200 characters)
   * @param message what is wrong with it and what is accepted
   */
  public InvalidRequestValueException(String name, String value, String message) {
    super(message);
    this.name = name;
    this.value = value == null || value.length() <= 200 ? value : value.substring(0, 200) + "…";
  }

  /** @return the parameter or header name, or {@code body} */
  public String name() {
    return name;
  }

  /** @return the offending value, possibly shortened */
  public String value() {
    return value;
  }
}
