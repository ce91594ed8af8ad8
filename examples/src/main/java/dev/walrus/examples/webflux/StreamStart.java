package dev.walrus.examples.webflux;

import dev.walrus.TopicStats;
import dev.walrus.reactive.StartPosition;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Where a topic stream starts, from the request. A browser's {@code Last-Event-ID}
 * (sent when an {@code EventSource} reconnects), or else the {@code lastEventId} query
 * parameter (the same, for a page that opens a new {@code EventSource}), wins and
 * resumes right after that offset; if that entry is no longer retained (reclaimed, or the log was replaced) the
 * stream starts at the earliest retained entry, since a browser cannot change the header.
 * Otherwise the {@code from} parameter: {@code earliest}, {@code latest},
 * {@code checkpointed} (a named consumer's persisted position), an offset, which must lie
 * within the retained entries, or {@code time:<ISO-8601 instant>} (e.g.
 * {@code time:2026-12-01T10:15:30Z}): the first entry appended at or after that instant,
 * or the end of the topic if none is that recent. Without either, a named consumer starts at its checkpointed
 * position and a viewer at the earliest retained entry.
 *
 * <p>Immutable; {@link #parse} checks the syntax on any thread, {@link #check} the range
 * against the topic's stats.
 */
public final class StreamStart {
  private final StartPosition position;
  private final String name;
  private final String value;
  private final boolean resume;

  private StreamStart(StartPosition position, String name, String value) {
    this(position, name, value, false);
  }

  private StreamStart(StartPosition position, String name, String value, boolean resume) {
    this.position = position;
    this.name = name;
    this.value = value;
    this.resume = resume;
  }

  /**
   * @param from the {@code from} parameter, or null
   * @param lastEventId the {@code Last-Event-ID} header, or null
   * @param consumer the consumer name, or null for a viewer
   * @return the requested start
   * @throws InvalidRequestValueException naming {@code from} or {@code Last-Event-ID} if
   *     it is malformed, negative, or {@code checkpointed} without a consumer
   */
  public static StreamStart parse(String from, String lastEventId, String consumer) {
    return parse(from, "Last-Event-ID", lastEventId, consumer);
  }

  /**
   * @param from the {@code from} parameter, or null
   * @param idName where the last event id came from: {@code Last-Event-ID} (the header)
   *     or {@code lastEventId} (the query parameter, for a client that opens a new
   *     {@code EventSource}, which cannot set the header)
   * @param lastEventId the last event id the client saw, or null
   * @param consumer the consumer name, or null for a viewer
   * @return the requested start
   * @throws InvalidRequestValueException naming {@code from} or {@code idName} if it is
   *     malformed, negative, or {@code checkpointed} without a consumer
   */
  public static StreamStart parse(String from, String idName, String lastEventId, String consumer) {
    if (lastEventId != null && !lastEventId.isBlank()) {
      String id = lastEventId.trim();
      long last =
          parseOffset(
              idName,
              lastEventId,
              id,
              idName
                  + " must be the id of an event this server sent (an offset, a"
                  + " non-negative integer), got '"
                  + lastEventId
                  + "'");
      // No entry follows the largest offset: an id this log never sent, as after a
      // replaced data directory, so check() starts at the earliest retained entry.
      StartPosition after =
          last == Long.MAX_VALUE ? StartPosition.earliest() : StartPosition.offset(last + 1);
      return new StreamStart(after, idName, lastEventId, true);
    }
    if (from == null || from.isBlank()) {
      return new StreamStart(
          consumer == null ? StartPosition.earliest() : StartPosition.checkpointed(), "from", from);
    }
    switch (from.trim()) {
      case "earliest":
        return new StreamStart(StartPosition.earliest(), "from", from);
      case "latest":
        return new StreamStart(StartPosition.latest(), "from", from);
      case "checkpointed":
        if (consumer == null) {
          throw new InvalidRequestValueException(
              "from", from, "from=checkpointed needs a consumer (add consumer=<name>)");
        }
        return new StreamStart(StartPosition.checkpointed(), "from", from);
      default:
        if (from.trim().startsWith("time:")) {
          String iso = from.trim().substring("time:".length());
          try {
            return new StreamStart(StartPosition.atTime(Instant.parse(iso)), "from", from);
          } catch (DateTimeParseException e) {
            throw new InvalidRequestValueException(
                "from",
                from,
                "from=time: needs an ISO-8601 instant such as time:2026-12-01T10:15:30Z, got '"
                    + iso
                    + "'");
          }
        }
        return new StreamStart(
            StartPosition.offset(
                parseOffset(
                    "from",
                    from,
                    from.trim(),
                    "from must be earliest, latest, checkpointed, an offset (a non-negative"
                        + " integer) or time:<ISO-8601 instant>, got '"
                        + from
                        + "'")),
            "from",
            from);
    }
  }

  /**
   * Checks an offset start against the retained entries.
   *
   * @param stats the topic's stats, or null if the topic does not exist yet (nothing
   *     retained: only offset 0 is valid)
   * @return the position to tail from
   * @throws InvalidRequestValueException naming {@code from} if its offset lies outside
   *     {@code [firstOffset, nextOffset]}
   */
  public StartPosition check(TopicStats stats) {
    if (position.kind() != StartPosition.Kind.OFFSET) {
      return position;
    }
    long first = stats == null ? 0 : stats.firstOffset();
    long next = stats == null ? 0 : stats.nextOffset();
    long n = position.offsetValue();
    if (n >= first && n <= next) {
      return position;
    }
    if (resume) {
      return StartPosition.earliest();
    }
    throw new InvalidRequestValueException(
        name,
        value,
        "offset "
            + n
            + " is outside the retained entries ["
            + first
            + ", "
            + next
            + "] of this topic");
  }

  private static long parseOffset(String name, String value, String trimmed, String malformed) {
    if (trimmed.isEmpty() || !trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new InvalidRequestValueException(name, value, malformed);
    }
    try {
      return Long.parseLong(trimmed);
    } catch (NumberFormatException tooLarge) {
      throw new InvalidRequestValueException(
          name,
          value,
          name + " " + trimmed + " is larger than the largest offset, " + Long.MAX_VALUE);
    }
  }
}
