package dev.walrus.testkit;

import java.util.ArrayList;
import java.util.List;

/** Expected offsets, for comparing with what a read or a tail delivered. */
public final class Offsets {
  private Offsets() {}

  /**
   * @param from the first offset
   * @param to one past the last
   * @return {@code from, from + 1, ..., to - 1}
   */
  public static List<Long> range(long from, long to) {
    List<Long> l = new ArrayList<>();
    for (long i = from; i < to; i++) {
      l.add(i);
    }
    return l;
  }
}
