package dev.walrus.testkit;

import dev.walrus.Entry;
import dev.walrus.Walrus;
import java.util.ArrayList;
import java.util.List;

/**
 * Reading a topic whole for verification, after a crash or a fault: every retained entry
 * from the first, without letting the reads reclaim anything and without leaving a
 * consumer behind.
 */
public final class WholeTopic {
  private static final String VERIFIER = "testkit-verifier";
  private static final String HOLDER = "testkit-holder";

  private WholeTopic() {}

  /**
   * Reads {@code topic} from its first retained entry through a fresh consumer, holding
   * reclamation back with a second, unmoving one checkpointed at the first retained offset
   * (a peek would register no cursor and hold nothing back); removes both.
   *
   * @param w the open instance
   * @param topic the topic (absent: no entries)
   * @return the retained entries in offset order
   * @throws dev.walrus.WalrusException if a read fails (callers add what they verified)
   * @throws AssertionError if reading never ends
   */
  public static List<Entry> read(Walrus w, String topic) {
    List<Entry> out = new ArrayList<>();
    w.stats(topic).ifPresent(s -> w.checkpoint(topic, HOLDER, s.firstOffset()));
    try {
      for (int guard = 0; guard < 1_000_000; guard++) {
        List<Entry> b = w.batchReadForTopic(topic, VERIFIER, Long.MAX_VALUE, true);
        if (b.isEmpty()) {
          return out;
        }
        out.addAll(b);
      }
      throw new AssertionError("reading " + topic + " never ends");
    } finally {
      w.removeConsumer(topic, VERIFIER);
      w.removeConsumer(topic, HOLDER);
    }
  }
}
