package dev.walrus.internal.core;

/**
 * The largest next offset a topic may have: 2<sup>62</sup>. Every offset the engine hands
 * out, and every offset recovery accepts from disk, lies in {@code [0, MAX]}, so that no
 * arithmetic on offsets (an end plus a batch of 2,000) can overflow a {@code long}. No
 * real topic reaches it: at 24 bytes an entry, 2<sup>62</sup> entries are more than
 * 10<sup>20</sup> bytes written.
 */
public final class OffsetLimit {
  /** The largest next offset: offsets of entries are below it. */
  public static final long MAX = 1L << 62;

  private OffsetLimit() {}

  /** @return whether {@code offset} is a possible offset or next offset */
  public static boolean isValid(long offset) {
    return offset >= 0 && offset <= MAX;
  }
}
