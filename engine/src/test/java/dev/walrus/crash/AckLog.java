package dev.walrus.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.walrus.Walrus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a crash child's intent and acknowledgment lines say about its namespace (the
 * protocol of {@link CrashChild} and of the real-fault child): per topic the acknowledged
 * end, shared cursor and named checkpoint, and the one operation whose intent was printed
 * but whose acknowledgment never came. The kill loop ({@code CrashTest}) and the real-fault
 * model check a reopened namespace against it.
 *
 * <p>Intents: {@code a T FIRST}, {@code b T FIRST N}, {@code r T}, {@code q T},
 * {@code c T OFFSET}. Acknowledgments: {@code A T FIRST LEN}, {@code B T FIRST N},
 * {@code R T FIRST}, {@code Q T FIRST N}, {@code E T} (an empty read), {@code C T OFFSET}.
 */
public class AckLog {
  /** What the acknowledgments say about one topic. */
  public static final class TopicModel {
    /** The offset after the last acknowledged entry. */
    public long end;

    /** The shared cursor after the last acknowledged consuming read. */
    public long cursor;

    /** The named consumer's last acknowledged checkpoint (-1: none). */
    public long cp = -1;
  }

  /** The operation whose intent was printed but whose acknowledgment never came. */
  public record Pending(char kind, String topic, long first, long count) {}

  /** The topics, in the child's order. */
  public final Map<String, TopicModel> topics = new LinkedHashMap<>();

  /** The operation in flight, or null. */
  public Pending pending;

  /** Acknowledgments so far. */
  public int acks;

  /** Entries acknowledged (appends and batch members). */
  public long entries;

  /** @param names the child's topics */
  public AckLog(String... names) {
    for (String t : names) {
      topics.put(t, new TopicModel());
    }
  }

  /**
   * Applies an intent or an acknowledgment line (checking that offsets and the shared
   * cursor continue); other lines are the caller's.
   *
   * @param line the child's line
   * @param where the failure messages' prefix
   * @return false if {@code line} is neither an intent nor an acknowledgment
   */
  public boolean apply(String line, String where) {
    String[] f = line.split(" ");
    switch (f[0]) {
      case "a":
        pending = new Pending('a', f[1], Long.parseLong(f[2]), 1);
        return true;
      case "b":
        pending = new Pending('b', f[1], Long.parseLong(f[2]), Long.parseLong(f[3]));
        return true;
      case "r":
        pending = new Pending('r', f[1], 0, 1);
        return true;
      case "q":
        pending = new Pending('q', f[1], 0, Walrus.MAX_BATCH_ENTRIES);
        return true;
      case "c":
        pending = new Pending('c', f[1], Long.parseLong(f[2]), 0);
        return true;
      case "A":
      case "B":
      case "R":
      case "Q":
      case "E":
      case "C":
        ack(f, line, where);
        return true;
      default:
        return false;
    }
  }

  private void ack(String[] f, String line, String where) {
    TopicModel m = topics.get(f.length > 1 ? f[1] : "");
    if (m == null) {
      fail(where + ": unexpected line from the child: " + line);
    }
    switch (f[0]) {
      case "A":
      case "B":
        {
          long first = Long.parseLong(f[2]);
          long n = f[0].equals("A") ? 1 : Long.parseLong(f[3]);
          assertThat(first).as("%s: offsets continue (%s)", where, line).isEqualTo(m.end);
          m.end = first + n;
          entries += n;
          break;
        }
      case "R":
      case "Q":
        {
          long first = Long.parseLong(f[2]);
          long n = f[0].equals("R") ? 1 : Long.parseLong(f[3]);
          assertThat(first)
              .as("%s: the shared cursor continues (%s)", where, line)
              .isEqualTo(m.cursor);
          m.cursor = first + n;
          break;
        }
      case "E":
        assertThat(m.cursor).as("%s: empty read only at the end", where).isEqualTo(m.end);
        break;
      default: // C
        m.cp = Long.parseLong(f[2]);
    }
    pending = null;
    acks++;
  }

  /**
   * @param t a topic
   * @param kinds intent letters, e.g. {@code "ab"}
   * @return whether the operation in flight is one of {@code kinds} on {@code t}
   */
  public boolean pendingOn(String t, String kinds) {
    return pending != null && pending.topic().equals(t) && kinds.indexOf(pending.kind()) >= 0;
  }
}
