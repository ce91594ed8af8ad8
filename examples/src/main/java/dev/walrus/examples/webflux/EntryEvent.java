package dev.walrus.examples.webflux;

import dev.walrus.Entry;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The JSON data of one Server-Sent Event of a topic stream. The event's {@code id} is
 * the offset too, so a reconnecting {@code EventSource} resumes after it.
 *
 * @param topic the topic
 * @param offset the entry's offset
 * @param data the payload: its text if it is valid UTF-8, else its Base64
 * @param encoding {@code utf-8} or {@code base64}, saying how {@code data} is encoded
 */
public record EntryEvent(String topic, long offset, String data, String encoding) {

  /**
   * @param e an entry
   * @return its event data, text if the payload is valid UTF-8, Base64 otherwise
   */
  public static EntryEvent of(Entry e) {
    byte[] bytes = e.data();
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return new EntryEvent(e.topic(), e.offset(), text, "utf-8");
    } catch (CharacterCodingException notText) {
      return new EntryEvent(
          e.topic(), e.offset(), Base64.getEncoder().encodeToString(bytes), "base64");
    }
  }
}
