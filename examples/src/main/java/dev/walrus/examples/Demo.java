package dev.walrus.examples;

import dev.walrus.Entry;
import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The README's first command: appends to two topics in {@code ./wal_files} (or
 * {@code WALRUS_DATA_DIR}), reads them back with the shared cursor and a named consumer,
 * and prints what it did with per-topic stats. Run it twice: offsets continue and the
 * cursors resume where the first run left them.
 */
public final class Demo {
  private Demo() {}

  /**
   * @param args optional: the number of entries to append (default 100,000)
   */
  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    try (Walrus wal =
        Walrus.withConsistencyAndSchedule(
            ReadConsistency.atLeastOnce(1000), FsyncSchedule.milliseconds(200))) {
      System.out.println("Walrus demo: data in " + wal.directory());

      long t0 = System.nanoTime();
      long first = -1;
      Progress progress = new Progress("append", n);
      for (int i = 0; i < n; i++) {
        long off = wal.appendForTopic("orders", ("order #" + i).getBytes(StandardCharsets.UTF_8));
        if (first < 0) {
          first = off;
        }
        progress.tick(i + 1);
      }
      progress.done();
      List<byte[]> batch = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        batch.add(("audit event " + i).getBytes(StandardCharsets.UTF_8));
      }
      long batchFirst = wal.batchAppendForTopic("audit", batch);
      System.out.printf(
          "appended %,d entries to 'orders' (offsets %d..%d) in %d ms,"
              + " and an atomic batch of 3 to 'audit' at offset %d%n",
          n, first, first + n - 1, (System.nanoTime() - t0) / 1_000_000, batchFirst);

      Optional<Entry> peek = wal.readNext("orders", false);
      peek.ifPresent(
          e -> System.out.println("peek        : offset " + e.offset() + " = " + e.dataAsString()));
      Progress reading = new Progress("consume", n);
      long consumed = 0;
      List<Entry> chunk;
      while (!(chunk = wal.batchReadForTopic("orders", 1 << 20, true)).isEmpty()) {
        consumed += chunk.size();
        reading.tick(consumed);
      }
      reading.done();
      System.out.printf("consumed %,d entries of 'orders' with the shared cursor%n", consumed);

      Optional<Entry> audit = wal.readNext("audit", "auditor", true);
      audit.ifPresent(
          e -> System.out.println("auditor     : offset " + e.offset() + " = " + e.dataAsString()));

      for (String topic : wal.topics()) {
        TopicStats s = wal.stats(topic).orElseThrow();
        StringBuilder unread = new StringBuilder();
        s.unread()
            .forEach(
                (consumer, count) ->
                    unread
                        .append(unread.length() == 0 ? "" : ", ")
                        .append(consumer.isEmpty() ? "(shared cursor)" : consumer)
                        .append('=')
                        .append(count));
        System.out.printf(
            "topic %-8s: offsets [%d, %d), %,d bytes on disk, unread: %s%n",
            topic, s.firstOffset(), s.nextOffset(), s.retainedBytes(), unread);
      }
    }
  }
}
