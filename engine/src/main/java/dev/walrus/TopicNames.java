package dev.walrus;

import dev.walrus.internal.format.Names;

/**
 * The rule for topic names and consumer names, the one every layer applies (the engine,
 * the reactive API, the Vert.x adapter, the web application): a valid name
 *
 * <ul>
 *   <li>is not null and not empty;
 *   <li>contains no NUL character ({@code U+0000});
 *   <li>is well-formed UTF-16, that is, has no unpaired surrogate (so it has exactly one
 *       UTF-8 encoding);
 *   <li>takes 1 to {@value #MAX_BYTES} bytes in UTF-8 (255 ASCII characters, 127 two-byte
 *       ones such as {@code é}, 63 four-byte ones such as emoji).
 * </ul>
 *
 * <p>Nothing else is restricted: spaces, {@code /}, {@code ..}, other control characters
 * and any Unicode text are allowed, and a name is only ever a name, never a path. Names
 * are not normalised: two strings are the same name exactly when they are
 * {@linkplain String#equals equal}. Consumer names follow the same rule as topic names.
 *
 * <p>Pure computation, no allocation for a valid name; thread-safe; safe on an event loop.
 */
public final class TopicNames {
  /** The largest name, in UTF-8 bytes. */
  public static final int MAX_BYTES = 255;

  private TopicNames() {}

  /**
   * @param name a topic or consumer name, possibly null
   * @return whether it follows the rule
   */
  public static boolean isValid(String name) {
    return name != null && problem(name) == null;
  }

  /**
   * Checks a topic name.
   *
   * @param topic the name
   * @throws InvalidTopicException if it breaks the rule; the message names the value (quoted,
   *     shortened if long, control characters escaped) and what is wrong with it
   */
  public static void checkTopic(String topic) {
    if (topic == null) {
      throw new InvalidTopicException("topic must not be null");
    }
    String problem = problem(topic);
    if (problem != null) {
      throw new InvalidTopicException("invalid topic " + Names.quote(topic) + ": " + problem);
    }
  }

  /**
   * Checks a consumer name (the same rule as a topic name).
   *
   * @param consumer the name
   * @throws InvalidArgumentException if it breaks the rule; the message names the value and
   *     what is wrong with it
   */
  public static void checkConsumer(String consumer) {
    if (consumer == null) {
      throw new InvalidArgumentException("consumer name must not be null");
    }
    String problem = problem(consumer);
    if (problem != null) {
      throw new InvalidArgumentException(
          "invalid consumer name " + Names.quote(consumer) + ": " + problem);
    }
  }

  /** @return what is wrong with a non-null name, or null if nothing is */
  private static String problem(String name) {
    if (name.isEmpty()) {
      return "must not be empty";
    }
    int bytes = 0;
    int n = name.length();
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      if (c == 0) {
        return "must not contain NUL";
      } else if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (!Character.isSurrogate(c)) {
        bytes += 3;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(name.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        return "not valid UTF-16 (unpaired surrogate at index " + i + ")";
      }
    }
    if (bytes > MAX_BYTES) {
      return "longer than " + MAX_BYTES + " UTF-8 bytes (" + bytes + ")";
    }
    return null;
  }
}
