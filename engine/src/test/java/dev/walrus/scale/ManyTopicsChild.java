package dev.walrus.scale;

import dev.walrus.Entry;
import dev.walrus.Walrus;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

/**
 * Run by {@link ManyTopicsTest} in a child JVM with a small heap: creates {@code n} topics
 * of three 100-byte entries each, closes the namespace, reopens it, checks that every topic
 * is there with its three entries (reading every 1000th topic's entries back) and prints
 * {@code OK <n>}; any failure, an {@link OutOfMemoryError} included, escapes (non-zero exit).
 */
public final class ManyTopicsChild {
  private ManyTopicsChild() {}

  /** @return the payload of entry {@code k} of topic {@code i}: 100 bytes, recognisable */
  static byte[] payload(int i, int k) {
    byte[] p = new byte[100];
    Arrays.fill(p, (byte) (i * 3 + k));
    p[0] = (byte) k;
    return p;
  }

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    try (Walrus w = Walrus.builder().dataDir(dir).namespace(null).quiet(true).open()) {
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < 3; k++) {
          w.appendForTopic("topic-" + i, payload(i, k));
        }
      }
    }
    System.out.println("created " + n);
    try (Walrus w = Walrus.builder().dataDir(dir).namespace(null).quiet(true).open()) {
      Set<String> topics = w.topics();
      if (topics.size() != n) {
        throw new IllegalStateException("reopened with " + topics.size() + " topics, not " + n);
      }
      for (int i = 0; i < n; i += 1000) {
        for (int k = 0; k < 3; k++) {
          Entry e = w.readNext("topic-" + i, "check", true).orElseThrow();
          if (e.offset() != k || !Arrays.equals(e.data(), payload(i, k))) {
            throw new IllegalStateException("topic-" + i + " entry " + k + " reads back as " + e);
          }
        }
        if (w.readNext("topic-" + i, "check", true).isPresent()) {
          throw new IllegalStateException("topic-" + i + " has more than 3 entries");
        }
      }
    }
    System.out.println("OK " + n);
  }
}
