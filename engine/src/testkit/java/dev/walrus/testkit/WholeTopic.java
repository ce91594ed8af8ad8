package dev.walrus.testkit;

import dev.walrus.Entry;
import dev.walrus.InvalidArgumentException;
import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
   * (a peek would register no cursor and hold nothing back); removes both. Reclamation may
   * run meanwhile (a pass starts at open): it takes only what every cursor consumed.
   *
   * @param w the open instance
   * @param topic the topic (absent: no entries)
   * @return the retained entries in offset order
   * @throws dev.walrus.WalrusException if a read fails (callers add what they verified)
   * @throws AssertionError if reading never ends
   */
  public static List<Entry> read(Walrus w, String topic) {
    List<Entry> out = new ArrayList<>();
    hold(w, topic);
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

  /**
   * Checkpoints {@link #HOLDER} at the first retained offset. A reclamation pass may raise
   * the floor between {@code stats} and {@code checkpoint} (the checkpoint is then refused
   * and moves nothing): the stats are read again.
   */
  private static void hold(Walrus w, String topic) {
    for (int attempt = 0; ; attempt++) {
      Optional<TopicStats> s = w.stats(topic);
      if (s.isEmpty()) {
        return;
      }
      try {
        w.checkpoint(topic, HOLDER, s.get().firstOffset());
        return;
      } catch (InvalidArgumentException floorRose) {
        if (attempt >= 1000
            || w.stats(topic).orElseThrow().firstOffset() <= s.get().firstOffset()) {
          throw floorRose; // not a reclamation race
        }
      }
    }
  }
}
