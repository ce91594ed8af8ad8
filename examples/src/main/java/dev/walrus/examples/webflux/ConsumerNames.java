package dev.walrus.examples.webflux;

import dev.walrus.InvalidArgumentException;
import dev.walrus.TopicNames;

/**
 * The consumer names a request may use. The engine's rule ({@link TopicNames}: 1–255
 * UTF-8 bytes, no NUL, no unpaired surrogate) applies, and names of the application's and
 * the reactive API's internal cursors are reserved: names starting with {@value #RESERVED_PREFIX} (viewers' cursors are
 * {@code ~viewer-…}, the reactive API shortens over-long hidden reader names to
 * {@code ~…}) and names containing {@value #READER_MARK} (the suffix of the reactive
 * API's hidden reader cursors). Pure computation: safe on an event loop; stateless.
 */
final class ConsumerNames {
  /** Names starting with this are internal. */
  static final String RESERVED_PREFIX = "~";

  /** Names containing this are internal (the reactive API's hidden reader cursors). */
  static final String READER_MARK = "#tail-reader";

  private ConsumerNames() {}

  /**
   * @param name a cursor name, as listed in {@link dev.walrus.TopicStats#unread()}
   * @return whether it is one of the internal names no request may use
   */
  static boolean isInternal(String name) {
    return name.startsWith(RESERVED_PREFIX) || name.contains(READER_MARK);
  }

  /**
   * @param consumer the {@code consumer} parameter (not null)
   * @throws InvalidRequestValueException naming {@code consumer} and its value if it breaks
   *     the engine's rule ({@link TopicNames}) or is reserved
   */
  static void check(String consumer) {
    if (consumer.isEmpty()) {
      throw refused(
          consumer,
          "consumer must not be empty: omit the parameter to view the"
              + " topic without a consumer, or give a name");
    }
    try {
      TopicNames.checkConsumer(consumer);
    } catch (InvalidArgumentException e) {
      throw refused(consumer, e.getMessage());
    }
    if (isInternal(consumer)) {
      throw refused(
          consumer,
          "consumer names starting with '"
              + RESERVED_PREFIX
              + "' or containing '"
              + READER_MARK
              + "' are reserved for internal cursors, got '"
              + consumer
              + "'");
    }
  }

  private static InvalidRequestValueException refused(String consumer, String message) {
    return new InvalidRequestValueException("consumer", consumer, message);
  }
}
