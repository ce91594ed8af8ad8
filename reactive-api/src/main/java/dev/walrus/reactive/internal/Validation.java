package dev.walrus.reactive.internal;

import dev.walrus.InvalidArgumentException;
import dev.walrus.InvalidTopicException;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Early argument checks made at subscription, so that bad input fails its own operation
 * with the engine's exception types without ever reaching a coalesced write. The
 * engine stays the final authority (it checks again).
 *
 * <p>Stateless and thread-safe; never blocks.
 */
public final class Validation {
  private static final int MAX_NAME_BYTES = 255;

  private Validation() {}

  /**
   * @throws InvalidTopicException if the topic name breaks the engine's rules
   */
  public static void topic(String topic) {
    if (topic == null) {
      throw new InvalidTopicException("topic must not be null");
    }
    String p = problem(topic);
    if (p != null) {
      throw new InvalidTopicException("invalid topic " + quote(topic) + ": " + p);
    }
  }

  /**
   * @throws InvalidArgumentException if the consumer name breaks the engine's rules
   */
  public static void consumer(String name) {
    if (name == null) {
      throw new InvalidArgumentException("consumer name must not be null");
    }
    String p = problem(name);
    if (p != null) {
      throw new InvalidArgumentException("invalid consumer name " + quote(name) + ": " + p);
    }
  }

  /**
   * @throws InvalidArgumentException if the payload is null
   */
  public static void payload(byte[] data, String what) {
    if (data == null) {
      throw new InvalidArgumentException(what + " must not be null");
    }
  }

  /**
   * @return the payload bytes of the batch
   * @throws InvalidArgumentException if the list or one of its entries is null
   */
  public static long batch(List<byte[]> entries) {
    if (entries == null) {
      throw new InvalidArgumentException("batch must not be null");
    }
    long total = 0;
    for (int i = 0; i < entries.size(); i++) {
      byte[] d = entries.get(i);
      payload(d, "batch entry " + i);
      total += d.length;
    }
    return total;
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
    int bytes;
    try {
      bytes = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(name)).remaining();
    } catch (CharacterCodingException e) {
      return "not valid UTF-16 (unpaired surrogate)";
    }
    return bytes > MAX_NAME_BYTES ? "longer than " + MAX_NAME_BYTES + " UTF-8 bytes (" + bytes
        + ")" : null;
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("'");
    int n = Math.min(s.length(), 80);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      sb.append(c < 0x20 || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c)
          : String.valueOf(c));
    }
    if (s.length() > n) {
      sb.append("...(").append(s.length()).append(" chars)");
    }
    return sb.append('\'').toString();
  }
}
