package dev.walrus.vertx.internal;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random ids for addresses. {@code UUID.randomUUID()} reads {@code /dev/urandom} on every
 * call (a blocking read BlockHound rightly flags on an event loop), so session ids come
 * from a DRBG seeded once, off the event loop ({@link #seed()}), and subscriber addresses,
 * which need uniqueness but no secrecy, from {@link ThreadLocalRandom}. Thread-safe.
 */
final class Ids {
  private static volatile SecureRandom secure;

  private Ids() {}

  /** Seeds the secure generator; blocking, call it on a thread that may block. Idempotent. */
  static void seed() {
    if (secure == null) {
      synchronized (Ids.class) {
        if (secure == null) {
          SecureRandom r;
          try {
            r = SecureRandom.getInstance("DRBG");
          } catch (NoSuchAlgorithmException e) {
            r = new SecureRandom();
          }
          r.nextBytes(new byte[16]); // forces the seeding now
          secure = r;
        }
      }
    }
  }

  /** @return a 128-bit unguessable id in hex; {@link #seed()} must have run */
  static String secret() {
    SecureRandom r = secure;
    if (r == null) {
      throw new IllegalStateException("Ids.seed() has not run");
    }
    byte[] b = new byte[16];
    r.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** @return a 128-bit unique (not secret) id in hex; never blocks */
  static String unique() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return Long.toHexString(r.nextLong()) + Long.toHexString(r.nextLong());
  }
}
