package dev.walrus.examples;

import dev.walrus.Walrus;
import dev.walrus.reactive.CheckpointMode;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.reactive.TailOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.LocalTime;

/**
 * A tailing consumer: prints the entries of a topic as another thread appends them.
 *
 * <pre>
 * mvn -q -pl examples -am compile exec:java -Dexec.mainClass=dev.walrus.examples.TailingConsumer
 *   [-Dexec.args="--dir /tmp/wal --count 20"]
 * </pre>
 *
 * <p>The consumer "printer" tails the topic "example-events" in MANUAL mode and checkpoints
 * each entry after printing it, so a second run resumes right after the last entry the
 * first run printed. The program exits after printing {@code --count} entries (20 by
 * default); the producer thread appends that many.
 */
public final class TailingConsumer {
  private static final String TOPIC = "example-events";

  private TailingConsumer() {}

  /**
   * @param args {@code --dir <data dir>} (default {@code ./wal_files}),
   *     {@code --count <entries>} (default 20)
   * @throws InterruptedException if interrupted while waiting for the producer
   */
  public static void main(String[] args) throws InterruptedException {
    Path dir = Paths.get(Walrus.DEFAULT_DATA_DIR);
    int count = 20;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--dir":
          dir = Paths.get(args[i + 1]);
          break;
        case "--count":
          count = Integer.parseInt(args[i + 1]);
          break;
        default:
          throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    final int total = count;

    try (Walrus wal = Walrus.builder().dataDir(dir).namespace("tailing-example").open();
        ReactiveWalrus rw = ReactiveWalrus.create(wal)) {
      Thread producer =
          new Thread(
              () -> {
                for (int i = 0; i < total; i++) {
                  String msg = "event " + i + " at " + LocalTime.now();
                  long offset = wal.appendForTopic(TOPIC, msg.getBytes(StandardCharsets.UTF_8));
                  System.out.printf("[producer] appended offset %d%n", offset);
                  try {
                    Thread.sleep(100); // pacing, so that entries arrive while the consumer waits
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  }
                }
              },
              "producer");
      producer.start();

      TailOptions options =
          TailOptions.forConsumer("printer").checkpointMode(CheckpointMode.MANUAL);
      rw.tail(TOPIC, options)
          .concatMap(
              r -> {
                System.out.printf("[consumer] offset %d: %s%n", r.offset(), r.dataAsString());
                return r.checkpoint().thenReturn(r);
              })
          .take(total)
          .blockLast(Duration.ofMinutes(1));
      producer.join();
      System.out.printf(
          "done: printed %d entries; consumer 'printer' resumes at offset %d%n",
          total, wal.position(TOPIC, "printer"));
    }
  }
}
