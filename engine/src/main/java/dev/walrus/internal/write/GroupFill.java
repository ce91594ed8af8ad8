package dev.walrus.internal.write;

import java.util.function.IntSupplier;

/**
 * How a group-commit leader ({@link AppendGroup}) lets its first group fill before it writes
 * it (later groups of its hold need no wait: the running force is the wait): callers woken
 * by the previous group's completion need a moment (a scheduler wake-up each) to come back
 * with their next entry, and a leader that started at once would take only the first few,
 * leaving the rest for the next force (groups alternate between small and large, halving
 * what one force carries). So when the previous group was larger than what is queued now,
 * the leader yields its CPU to them while the group keeps growing: until it is as large as
 * the previous one, or nobody joined for {@value #QUIET_NANOS} ns, or
 * {@value #MAX_NANOS} ns passed. A lone caller (previous group of one) never waits.
 */
final class GroupFill {
  /** Nobody joined for this long: the group is complete. */
  static final long QUIET_NANOS = 50_000;

  /** The most a leader waits for its group. */
  static final long MAX_NANOS = 500_000;

  private GroupFill() {}

  /**
   * @param count how many have joined the group so far
   * @param previous the size of the previous group
   */
  static void await(IntSupplier count, int previous) {
    int seen = count.getAsInt();
    if (previous <= 1 || seen >= previous) {
      return;
    }
    long start = System.nanoTime();
    long grew = start;
    while (seen < previous) {
      Thread.yield(); // to the callers we are waiting for (two cores are few)
      long now = System.nanoTime();
      int n = count.getAsInt();
      if (n > seen) {
        seen = n;
        grew = now;
      } else if (now - grew > QUIET_NANOS || now - start > MAX_NANOS) {
        return;
      }
    }
  }
}
