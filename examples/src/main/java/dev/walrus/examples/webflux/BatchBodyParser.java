package dev.walrus.examples.webflux;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a batch request body into entry payloads: a JSON array ({@code application/json})
 * or newline-delimited JSON ({@code application/x-ndjson}, blank lines ignored). A JSON
 * string becomes its text in UTF-8; any other value (object, array, number, boolean,
 * null) its compact JSON. Pure computation on a body already in memory, so it may run on
 * an event loop. Thread-safe.
 */
@Component
public class BatchBodyParser {
  private final JsonMapper json = JsonMapper.builder().build();

  /**
   * @param body the request body
   * @param type its media type, JSON or NDJSON
   * @return the payloads, in order (empty for {@code []} or an NDJSON body of blank lines)
   * @throws InvalidRequestValueException if the body is not valid JSON/NDJSON or a JSON
   *     body is not an array; the message names the line or the kind of value found
   */
  public List<byte[]> parse(byte[] body, MediaType type) {
    if (MediaType.APPLICATION_NDJSON.isCompatibleWith(type)) {
      return parseNdjson(body);
    }
    JsonNode root = read(new String(body, StandardCharsets.UTF_8), "the body");
    if (!root.isArray()) {
      throw new InvalidRequestValueException(
          "body",
          abbreviate(root.toString()),
          "a JSON batch must be an array of entries, got " + kind(root));
    }
    List<byte[]> out = new ArrayList<>(root.size());
    for (JsonNode element : root) {
      out.add(payload(element));
    }
    return out;
  }

  private List<byte[]> parseNdjson(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    List<byte[]> out = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      out.add(payload(read(lines[i], "line " + (i + 1))));
    }
    return out;
  }

  private JsonNode read(String text, String where) {
    if (text.isBlank()) {
      throw new InvalidRequestValueException(
          "body", text, "a JSON batch must be an array of entries, got an empty body");
    }
    try {
      return json.readTree(text);
    } catch (JacksonException e) {
      throw new InvalidRequestValueException(
          "body",
          abbreviate(text),
          where + " is not valid JSON: " + withoutCodeNames(e.getOriginalMessage()));
    }
  }

  private byte[] payload(JsonNode node) {
    String s = node.isString() ? node.stringValue() : json.writeValueAsString(node);
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String kind(JsonNode node) {
    return "a JSON " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Drops what Jackson's messages say for programmers (where a limit comes from, such as
   * {@code from `StreamReadConstraints.getMaxNestingDepth()`}, or such a name alone),
   * keeping the limit, so that a problem detail names no library class.
   */
  static String withoutCodeNames(String message) {
    if (message == null) {
      return "";
    }
    return message
        .replaceAll(",?\\s*from `[^`]*`", "")
        .replaceAll("`[^`]*\\.[^`]*`", "a parser limit")
        .trim();
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }
}
