package dev.walrus.realfault;

import dev.walrus.Entry;
import dev.walrus.Walrus;
import java.util.ArrayList;
import java.util.List;

/** Payloads derived from topic and offset, reading a topic whole, and describing failures. */
final class Entries {
  private static final String VERIFIER = "realfault-verifier";
  private static final String HOLDER = "realfault-holder";

  private Entries() {}

  /** @return the payload of {@code topic} at {@code offset}: 0 to {@code max - 1} bytes */
  static byte[] payload(String topic, long offset, int max) {
    long h = topic.hashCode() * 0x9E3779B97F4A7C15L ^ (offset + 1) * 0xC2B2AE3D27D4EB4FL;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 32;
    int len = (int) Long.remainderUnsigned(h, max);
    byte[] b = new byte[len];
    long x = h;
    for (int i = 0; i < len; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      b[i] = (byte) (x >>> 56);
    }
    return b;
  }

  /**
   * Reads a topic from its first retained entry through a fresh consumer, holding
   * reclamation back with a second, unmoving one; removes both.
   */
  static List<Entry> readAll(Walrus w, String t) {
    List<Entry> out = new ArrayList<>();
    // a registered cursor (a peek registers none) at the first retained entry
    w.stats(t).ifPresent(s -> w.checkpoint(t, HOLDER, s.firstOffset()));
    try {
      for (int guard = 0; guard < 1_000_000; guard++) {
        List<Entry> b = w.batchReadForTopic(t, VERIFIER, Long.MAX_VALUE, true);
        if (b.isEmpty()) {
          return out;
        }
        out.addAll(b);
      }
      throw new AssertionError("reading " + t + " never ends");
    } finally {
      w.removeConsumer(t, VERIFIER);
      w.removeConsumer(t, HOLDER);
    }
  }

  /** @return the class and message of {@code e} and of each of its causes, on one line */
  static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (sb.length() > 0) {
        sb.append(" <- ");
      }
      sb.append(c.getClass().getName()).append(": ").append(c.getMessage());
      if (c.getCause() == c) {
        break;
      }
    }
    return sb.toString().replace('\n', ' ');
  }
}
