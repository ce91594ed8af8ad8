package dev.walrus.examples.webflux;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The consumer names a request may use. The engine's rules (1–255 UTF-8 bytes, no NUL)
 * apply, and names of the application's and the reactive API's internal cursors are
 * reserved: names starting with {@value #RESERVED_PREFIX} (viewers' cursors are
 * {@code ~viewer-…}, the reactive API shortens over-long hidden reader names to
 * {@code ~…}) and names containing {@value #READER_MARK} (the suffix of the reactive
 * API's hidden reader cursors). Pure computation: safe on an event loop; stateless.
 */
final class ConsumerNames {
  /** Names starting with this are internal. */
  static final String RESERVED_PREFIX = "~";
  /** Names containing this are internal (the reactive API's hidden reader cursors). */
  static final String READER_MARK = "#tail-reader";
  private static final int MAX_BYTES = 255;

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
   * @throws InvalidRequestValueException naming {@code consumer} and its value if it is
   *     empty, contains NUL, is not encodable or longer than 255 UTF-8 bytes, or reserved
   */
  static void check(String consumer) {
    if (consumer.isEmpty()) {
      throw refused(consumer, "consumer must not be empty: omit the parameter to view the"
          + " topic without a consumer, or give a name");
    }
    if (consumer.indexOf('\0') >= 0) {
      throw refused(consumer, "consumer must not contain NUL");
    }
    int bytes;
    try {
      bytes = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(consumer)).remaining();
    } catch (CharacterCodingException e) {
      throw refused(consumer, "consumer is not valid Unicode (an unpaired surrogate)");
    }
    if (bytes > MAX_BYTES) {
      throw refused(consumer, "consumer must be at most " + MAX_BYTES + " UTF-8 bytes, got "
          + bytes);
    }
    if (isInternal(consumer)) {
      throw refused(consumer, "consumer names starting with '" + RESERVED_PREFIX
          + "' or containing '" + READER_MARK + "' are reserved for internal cursors, got '"
          + consumer + "'");
    }
  }

  private static InvalidRequestValueException refused(String consumer, String message) {
    return new InvalidRequestValueException("consumer", consumer, message);
  }
}
