package dev.walrus.realfault;


/** Payloads derived from topic and offset, and describing failures. */
final class Entries {
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
