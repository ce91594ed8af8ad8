package dev.walrus.spring.boot.autoconfigure;

/**
 * A {@code walrus.*} property has a value the engine refuses; thrown while the
 * {@code Walrus} bean is created, so it fails the context start. The message names the
 * property, its value and the rule, e.g. {@code walrus.block-size=1000B is invalid: block
 * size must be a multiple of 4096 ...}.
 */
public class InvalidWalrusPropertyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The full property name, e.g. {@code walrus.block-size}. */
  private final String property;

  /**
   * @param property the property's name under {@code walrus.}, e.g. {@code block-size}
   * @param value the refused value (null if unset)
   * @param reason why it is refused
   */
  public InvalidWalrusPropertyException(String property, Object value, String reason) {
    super(WalrusProperties.PREFIX + "." + property + "=" + value + " is invalid: " + reason);
    this.property = WalrusProperties.PREFIX + "." + property;
  }

  /** @return the full property name, e.g. {@code walrus.block-size} */
  public String property() {
    return property;
  }
}
