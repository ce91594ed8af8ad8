package dev.walrus.bench.report;

/**
 * What the memory and disk probe found for one log implementation.
 *
 * @param impl {@code walrus} or {@code chronicle}
 * @param entries entries written and then read
 * @param milestone the smaller log size also measured
 * @param heapAfterWriteMilestone used heap (bytes, after a full GC) once {@code milestone}
 *     entries were written
 * @param heapAfterWrite used heap after all {@code entries} were written
 * @param heapAfterReadMilestone used heap once {@code milestone} entries were read
 * @param heapAfterRead used heap after all entries were read
 * @param diskBytes bytes allocated on disk by the log after writing, before reading
 * @param reopenMillis time to reopen the written log
 */
public record MemoryResult(
    String impl,
    long entries,
    long milestone,
    long heapAfterWriteMilestone,
    long heapAfterWrite,
    long heapAfterReadMilestone,
    long heapAfterRead,
    long diskBytes,
    double reopenMillis) {

  /**
   * @return allocated disk bytes per entry
   */
  public double bytesPerEntry() {
    return (double) diskBytes / entries;
  }
}
