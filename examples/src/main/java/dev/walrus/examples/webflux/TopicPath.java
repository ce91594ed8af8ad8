package dev.walrus.examples.webflux;

import dev.walrus.InvalidTopicException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.server.PathContainer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.UriUtils;

/**
 * The {@code {topic}} segment of {@code /topics/{topic}/…} paths, both ways. Spring
 * decodes a path segment leniently (bytes that are not UTF-8 become U+FFFD), so
 * {@link #check} refuses a segment whose percent-decoded bytes are not valid UTF-8,
 * rather than silently writing to another topic. {@link #streamFrom} builds a
 * {@code Location} that resolves to the topic's stream whatever the name holds: every
 * reserved character is percent-encoded ({@code /} as {@code %2F}), and a name that is
 * exactly {@code .} or {@code ..} has its dots encoded ({@code %2E}) so that RFC 3986
 * resolution does not remove it as a dot segment. Stateless; pure computation.
 */
final class TopicPath {
  private TopicPath() {}

  /**
   * @param topic the decoded path variable
   * @param request the request, whose raw path holds the topic as its second segment
   * @throws InvalidTopicException naming the raw (percent-encoded) segment if its bytes
   *     are not valid UTF-8
   */
  static void check(String topic, ServerHttpRequest request) {
    if (topic.indexOf('\uFFFD') < 0) {
      return;
    }
    String raw = raw(request);
    if (raw != null && !isUtf8(raw)) {
      throw new InvalidTopicException(
          "invalid topic '" + raw + "': its percent-encoded bytes" + " are not valid UTF-8");
    }
  }

  /**
   * @param request a request for {@code /topics/{topic}…}
   * @return the topic segment as sent (percent-encoded), or null if there is none
   */
  static String raw(ServerHttpRequest request) {
    List<PathContainer.Element> elements = request.getPath().pathWithinApplication().elements();
    // "/", "topics", "/", "{topic}", ...
    return elements.size() > 3 ? elements.get(3).value() : null;
  }

  /**
   * @param topic a topic
   * @param offset where the stream starts
   * @return the path and query of the topic's stream from that offset, every character of
   *     the topic that is not unreserved percent-encoded
   */
  static String streamFrom(String topic, long offset) {
    String segment = UriUtils.encode(topic, StandardCharsets.UTF_8);
    if (segment.equals(".") || segment.equals("..")) {
      segment = segment.replace(".", "%2E");
    }
    return "/topics/" + segment + "/stream?from=" + offset;
  }

  private static boolean isUtf8(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%'
          && i + 2 < raw.length()
          && Character.digit(raw.charAt(i + 1), 16) >= 0
          && Character.digit(raw.charAt(i + 2), 16) >= 0) {
        bytes.write(
            Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
      }
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
