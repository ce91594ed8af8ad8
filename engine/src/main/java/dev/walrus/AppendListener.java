package dev.walrus;

/**
 * Told when entries become readable in a topic; the hook that lets tailing consumers
 * wake up without polling.
 *
 * <p>Called on the appending thread, after the append's lock is released and before the
 * append returns, so it must be quick and must not block (hand the signal to another
 * thread or scheduler). Exceptions it throws are logged and ignored.
 */
@FunctionalInterface
public interface AppendListener {
  /**
   * @param topic the topic that grew
   * @param endOffset the offset after the last readable entry (the topic's next offset)
   */
  void onAppend(String topic, long endOffset);
}
