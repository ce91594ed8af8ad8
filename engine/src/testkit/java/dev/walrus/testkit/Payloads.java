package dev.walrus.testkit;

/**
 * Payloads that are a function of topic and offset, so a verifier (another process,
 * after a crash) knows every entry's bytes without a record of them: a child appends
 * {@code of(topic, offset, max)}, the test compares what it reads back with the same call.
 */
public final class Payloads {
  private Payloads() {}

  /**
   * @param topic the topic
   * @param offset the entry's offset
   * @param max one more than the longest payload
   * @return the payload of {@code topic} at {@code offset}: 0 to {@code max - 1} bytes
   */
  public static byte[] of(String topic, long offset, int max) {
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
}
