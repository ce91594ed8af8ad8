package dev.walrus.reactive.audit;

import dev.walrus.Entry;
import dev.walrus.Walrus;
import dev.walrus.reactive.CheckpointMode;
import dev.walrus.reactive.ReceivedEntry;
import dev.walrus.reactive.TailOptions;
import dev.walrus.reactive.testkit.WalrusFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Shared helpers of the audit tests: fill a topic, reopen on the same directory, drain. */
abstract class AuditSupport extends WalrusFixture {

  /** Appends payloads "e{from}".."e{to-1}" with the blocking engine. */
  void appendN(String topic, int from, int to) {
    List<byte[]> batch = new ArrayList<>();
    for (int i = from; i < to; i++) {
      batch.add(bytes("e" + i));
      if (batch.size() == 1000 || i == to - 1) {
        wal.batchAppendForTopic(topic, batch);
        batch.clear();
      }
    }
  }

  /** Closes the reactive view and the engine, then opens both again on the same dir. */
  void reopen() {
    closeAll();
    open(engine());
  }

  /** Reopens with this builder (same dir). */
  void reopen(Walrus.Builder b) {
    closeAll();
    open(b);
  }

  static TailOptions manual(String name) {
    return TailOptions.forConsumer(name).checkpointMode(CheckpointMode.MANUAL);
  }

  /** Offsets a fresh tail with these options delivers until {@code count} were seen. */
  List<Long> tailOffsets(String topic, TailOptions options, int count) {
    return rw.tail(topic, options)
        .map(ReceivedEntry::offset)
        .take(count)
        .collectList()
        .block(TIMEOUT);
  }

  /** The first offset a fresh tail with these options delivers, or empty within the wait. */
  Optional<Long> firstOffset(String topic, TailOptions options, Duration wait) {
    return rw.tail(topic, options)
        .map(ReceivedEntry::offset)
        .next()
        .timeout(wait, reactor.core.publisher.Mono.empty())
        .blockOptional(TIMEOUT);
  }

  /** Every entry of the topic, peeked through a throw-away consumer from the earliest. */
  List<Entry> everything(String topic) {
    List<Entry> all = new ArrayList<>();
    String viewer = "audit-viewer-" + System.nanoTime();
    while (true) {
      List<Entry> b = wal.batchReadForTopic(topic, viewer, 1 << 20, true);
      if (b.isEmpty()) {
        break;
      }
      all.addAll(b);
    }
    wal.removeConsumer(topic, viewer);
    return all;
  }
}
