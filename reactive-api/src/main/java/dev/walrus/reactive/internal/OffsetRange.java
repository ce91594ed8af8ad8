package dev.walrus.reactive.internal;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The offsets {@code [first, first + size)} of a written batch as an immutable
 * {@code List<Long>}, without storing them one by one. Thread-safe (immutable).
 */
public final class OffsetRange extends AbstractList<Long> implements RandomAccess {
  private final long first;
  private final int size;

  /**
   * @param first the first offset
   * @param size how many offsets
   */
  public OffsetRange(long first, int size) {
    this.first = first;
    this.size = size;
  }

  @Override
  public Long get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException("index " + index + " of " + size);
    }
    return first + index;
  }

  @Override
  public int size() {
    return size;
  }
}
