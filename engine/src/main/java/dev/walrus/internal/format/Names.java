package dev.walrus.internal.format;

import dev.walrus.InvalidArgumentException;
import dev.walrus.InvalidTopicException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Validation and encoding of topic and consumer names. */
public final class Names {
  /** Longest name in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 255;

  private Names() {}

  /**
   * Validates a topic name and returns its UTF-8 bytes.
   *
   * @throws InvalidTopicException if null, empty, over 255 bytes, containing NUL, or not
   *     encodable (unpaired surrogate)
   */
  public static byte[] topic(String topic) {
    if (topic == null) {
      throw new InvalidTopicException("topic must not be null");
    }
    String problem = problem(topic);
    if (problem != null) {
      throw new InvalidTopicException("invalid topic " + quote(topic) + ": " + problem);
    }
    return utf8(topic);
  }

  /**
   * Validates a consumer name (same rules as a topic).
   *
   * @throws InvalidArgumentException if invalid
   */
  public static byte[] consumer(String consumer) {
    if (consumer == null) {
      throw new InvalidArgumentException("consumer name must not be null");
    }
    String problem = problem(consumer);
    if (problem != null) {
      throw new InvalidArgumentException(
          "invalid consumer name " + quote(consumer) + ": " + problem);
    }
    return utf8(consumer);
  }

  private static String problem(String name) {
    if (name.isEmpty()) {
      return "must not be empty";
    }
    if (name.indexOf('\0') >= 0) {
      return "must not contain NUL";
    }
    if (name.length() > MAX_NAME_BYTES) {
      return "longer than " + MAX_NAME_BYTES + " UTF-8 bytes (" + name.length() + " chars)";
    }
    byte[] bytes;
    try {
      bytes = strictUtf8(name);
    } catch (CharacterCodingException e) {
      return "not valid UTF-16 (unpaired surrogate)";
    }
    if (bytes.length > MAX_NAME_BYTES) {
      return "longer than " + MAX_NAME_BYTES + " UTF-8 bytes (" + bytes.length + ")";
    }
    return null;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] strictUtf8(String s) throws CharacterCodingException {
    CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer out = enc.encode(CharBuffer.wrap(s));
    byte[] b = new byte[out.remaining()];
    out.get(b);
    return b;
  }

  /**
   * Quotes a user-supplied name for an error message, shortened if huge and with
   * control characters escaped.
   */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder("'");
    int n = Math.min(s.length(), 80);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || Character.isSurrogate(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (s.length() > n) {
      sb.append("...(").append(s.length()).append(" chars)");
    }
    return sb.append('\'').toString();
  }
}
