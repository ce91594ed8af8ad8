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
 * @param timestamp the entry's append time, ISO-8601 in UTC with microseconds (e.g.
 *     {@code 2026-12-01T10:15:30.123456Z}); {@code 1970-01-01T00:00:00Z} for an entry
 *     written by format version 1, which had no timestamps
 * @param skipped offsets the stream's consumer skipped right before this entry (entries
 *     retention deleted before they were read; see {@code ReceivedEntry.skippedBefore()}),
 *     0 normally
 * @param data the payload: its text if it is valid UTF-8, else its Base64
 * @param encoding {@code utf-8} or {@code base64}, saying how {@code data} is encoded
 */
public record EntryEvent(
    String topic, long offset, String timestamp, long skipped, String data, String encoding) {

  /**
   * @param e an entry
   * @return its event data, text if the payload is valid UTF-8, Base64 otherwise
   */
  public static EntryEvent of(Entry e) {
    return of(e, 0);
  }

  /**
   * @param e an entry
   * @param skipped offsets skipped right before it
   * @return its event data, text if the payload is valid UTF-8, Base64 otherwise
   */
  public static EntryEvent of(Entry e, long skipped) {
    String at = e.timestamp().toString();
    byte[] bytes = e.data();
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return new EntryEvent(e.topic(), e.offset(), at, skipped, text, "utf-8");
    } catch (CharacterCodingException notText) {
      return new EntryEvent(
          e.topic(), e.offset(), at, skipped, Base64.getEncoder().encodeToString(bytes), "base64");
    }
  }
}
