package dev.walrus.vertx.internal;

import dev.walrus.InvalidArgumentException;
import io.vertx.core.json.JsonObject;

/**
 * The typed fields of a request's JSON body, read strictly: a field that is absent takes
 * its documented default (or is missing, for {@link #text}), and a field that is present
 * must have its type. A JSON {@code null}, a number where a string is expected or a string
 * where a number is expected is an {@link InvalidArgumentException} naming the field and
 * the value (a 422 reply), never a conversion, a default in disguise or a
 * {@code NullPointerException} (which would be answered as an internal error). Stateless.
 */
final class Fields {
  private Fields() {}

  /**
   * @return the boolean field {@code key}, or {@code def} if the body has no such field
   * @throws InvalidArgumentException if the field is present and not a boolean
   */
  static boolean flag(JsonObject body, String key, boolean def) {
    if (!body.containsKey(key)) {
      return def;
    }
    Object v = body.getValue(key);
    if (!(v instanceof Boolean)) {
      throw wrong(key, "a boolean", v);
    }
    return (Boolean) v;
  }

  /**
   * @return the integral field {@code key}, or {@code def} if the body has no such field
   * @throws InvalidArgumentException if the field is present and not an integral number
   */
  static long number(JsonObject body, String key, long def) {
    Long v = number(body, key);
    return v != null ? v : def;
  }

  /**
   * @return the integral field {@code key}, or null if the body has no such field
   * @throws InvalidArgumentException if the field is present and not an integral number
   */
  static Long number(JsonObject body, String key) {
    if (!body.containsKey(key)) {
      return null;
    }
    Object v = body.getValue(key);
    if (!(v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte)) {
      throw wrong(key, "an integer", v);
    }
    return ((Number) v).longValue();
  }

  /**
   * @return the string field {@code key}, or null if the body has no such field
   * @throws InvalidArgumentException if the field is present and not a string
   */
  static String text(JsonObject body, String key) {
    if (!body.containsKey(key)) {
      return null;
    }
    Object v = body.getValue(key);
    if (!(v instanceof String)) {
      throw wrong(key, "a string", v);
    }
    return (String) v;
  }

  /**
   * @return the string field {@code key}, or {@code def} if the body has no such field
   * @throws InvalidArgumentException if the field is present and not a string
   */
  static String text(JsonObject body, String key, String def) {
    String v = text(body, key);
    return v != null ? v : def;
  }

  private static InvalidArgumentException wrong(String key, String type, Object v) {
    String shown = v instanceof String ? "'" + v + "'" : String.valueOf(v);
    return new InvalidArgumentException(
        "field '"
            + key
            + "' must be "
            + type
            + ", got "
            + (v == null ? "null" : v.getClass().getSimpleName() + " " + shown));
  }
}
