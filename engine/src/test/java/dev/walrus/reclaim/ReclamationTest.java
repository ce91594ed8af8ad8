package dev.walrus.reclaim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.walrus.Entry;
import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import dev.walrus.testkit.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reclamation with small files (4 blocks of 4 KiB, about 125 entries of 100 bytes a
 * file): disk use stays bounded for a consumed workload, consumed files written before
 * a restart go after it, lagging cursors hold files back (a topic's shared cursor too,
 * from its first entry), and offsets continue after every file of a topic is gone.
 */
class ReclamationTest {
  private static final int ENTRY = 100;

  @TempDir Path dir;

  private Walrus open() {
    return open(true);
  }

  /** @param shared false for an application that reads only through named consumers */
  private Walrus open(boolean shared) {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(4)
        .sharedCursor(shared)
        .open();
  }

  private static byte[] payload(String topic, long offset) {
    byte[] b = new byte[ENTRY];
    int seed = topic.hashCode() * 31 + Long.hashCode(offset * 0x9E3779B97F4A7C15L);
    for (int i = 0; i < b.length; i++) {
      seed = seed * 1103515245 + 12345;
      b[i] = (byte) (seed >>> 16);
    }
    return b;
  }

  private long dataFiles() {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("wal-.*\\.log")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void appendAll(Walrus w, String t, long from, long to) {
    for (long off = from; off < to; off++) {
      assertThat(w.appendForTopic(t, payload(t, off))).isEqualTo(off);
    }
  }

  /** Consumes {@code [from, to)} with the shared cursor (or a named one), checking each entry. */
  private static void consume(Walrus w, String t, String consumer, long from, long to) {
    long next = from;
    while (next < to) {
      List<Entry> got =
          consumer == null
              ? w.batchReadForTopic(t, Math.min(to - next, 64) * ENTRY, true)
              : w.batchReadForTopic(t, consumer, Math.min(to - next, 64) * ENTRY, true);
      assertThat(got).as("entries of %s from %d", t, next).isNotEmpty();
      for (Entry e : got) {
        assertThat(e.offset()).isEqualTo(next);
        assertThat(e.data()).isEqualTo(payload(t, next));
        next++;
      }
    }
    assertThat(next).as("consumed exactly up to %d", to).isEqualTo(to);
  }

  /** Polls a condition until a deadline (reclamation runs on a background thread). */
  private static void awaitTrue(String what, BooleanSupplier cond) {
    Poll.until(what, Duration.ofSeconds(20), cond);
  }

  @Test
  void concurrentProducerAndConsumerKeepTheNumberOfFilesBounded() throws Exception {
    final int total = 20_000; // about 160 files' worth
    final int maxLag = 200; // entries the producer may run ahead (under two files)
    Semaphore room = new Semaphore(maxLag);
    Semaphore produced = new Semaphore(0);
    long maxFiles = 0;
    try (Walrus w = open()) {
      CompletableFuture<Void> producer =
          CompletableFuture.runAsync(
              () -> {
                for (long off = 0; off < total; off++) {
                  try {
                    if (!room.tryAcquire(30, TimeUnit.SECONDS)) {
                      throw new IllegalStateException("consumer stalled at " + off);
                    }
                  } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                  }
                  long got = w.appendForTopic("flow", payload("flow", off));
                  if (got != off) {
                    throw new IllegalStateException("append returned " + got + ", expected " + off);
                  }
                  produced.release();
                }
              });
      for (long off = 0; off < total; off++) {
        if (!produced.tryAcquire(30, TimeUnit.SECONDS)) {
          producer.get(1, TimeUnit.SECONDS); // surfaces the producer's failure
          fail("producer stalled at " + off);
        }
        Optional<Entry> e = w.readNext("flow", true);
        assertThat(e).as("entry %d, whose append returned", off).isPresent();
        assertThat(e.get().offset()).isEqualTo(off);
        assertThat(e.get().data()).isEqualTo(payload("flow", off));
        room.release();
        if (off % 500 == 499) {
          w.reclaim();
          long files = dataFiles();
          maxFiles = Math.max(maxFiles, files);
          assertThat(files)
              .as("data files after consuming %d entries", off + 1)
              .isLessThanOrEqualTo(5);
        }
      }
      producer.get(30, TimeUnit.SECONDS);
      w.reclaim();
      assertThat(dataFiles()).as("files once everything is consumed").isLessThanOrEqualTo(1);
      TopicStats s = w.stats("flow").orElseThrow();
      assertThat(s.nextOffset()).isEqualTo(total);
      assertThat(s.firstOffset()).as("reclaimed entries are gone").isGreaterThan(total - 200);
      assertThat(s.unread()).containsEntry(TopicStats.DEFAULT_CONSUMER, 0L);
    }
    assertThat(maxFiles).isPositive();
    try (Walrus w = open()) {
      assertThat(w.appendForTopic("flow", payload("flow", total))).isEqualTo(total);
      Entry e = w.readNext("flow", true).orElseThrow();
      assertThat(e.offset()).isEqualTo(total);
      assertThat(e.data()).isEqualTo(payload("flow", total));
    }
  }

  @Test
  void filesWrittenBeforeARestartAreReclaimedAfterItOnceConsumed() {
    final int n = 1500; // about 12 files
    long written;
    try (Walrus w = open()) {
      appendAll(w, "t", 0, n);
      w.reclaim();
      written = dataFiles();
      assertThat(written).isGreaterThanOrEqualTo(10);
    }
    try (Walrus w = open()) {
      w.reclaim();
      assertThat(dataFiles()).as("nothing consumed yet").isEqualTo(written);
      consume(w, "t", null, 0, n);
      // consuming pokes the reclaimer: no explicit pass needed. The last file is no longer
      // being written (appends after a restart go to a new file), so every file can go.
      awaitTrue("every consumed file is deleted", () -> dataFiles() == 0);
      assertThat(w.readNext("t", true)).isEmpty();
    }
    try (Walrus w = open()) {
      TopicStats s = w.stats("t").orElseThrow();
      assertThat(s.nextOffset()).as("offsets survive the reclamation of every file").isEqualTo(n);
      assertThat(s.firstOffset()).isEqualTo(n);
      assertThat(w.appendForTopic("t", payload("t", n))).isEqualTo(n);
      Entry e = w.readNext("t", true).orElseThrow();
      assertThat(e.offset()).isEqualTo(n);
      assertThat(e.data()).isEqualTo(payload("t", n));
    }
  }

  @Test
  void filesConsumedBeforeARestartAreReclaimedWhenItOpens() {
    final int n = 600;
    try (Walrus w = open()) {
      appendAll(w, "t", 0, n);
      consume(w, "t", null, 0, n);
      w.reclaim();
      // the file still being written to is kept while this instance may append to it
      assertThat(dataFiles()).isBetween(1L, 2L);
    }
    try (Walrus w = open()) {
      awaitTrue("the consumed files are deleted after reopening", () -> dataFiles() == 0);
      assertThat(w.appendForTopic("t", payload("t", n))).isEqualTo(n);
    }
    try (Walrus w = open()) {
      assertThat(w.stats("t").orElseThrow().nextOffset()).isEqualTo(n + 1);
      Entry e = w.readNext("t", true).orElseThrow();
      assertThat(e.offset()).isEqualTo(n);
      assertThat(e.data()).isEqualTo(payload("t", n));
    }
  }

  @Test
  void laggingNamedConsumerHoldsFilesUntilItCatchesUpOrIsRemoved() {
    final int n = 1501;
    long all;
    // named consumers only: with the shared cursor on, it (at 0) would hold every file
    try (Walrus w = open(false)) {
      appendAll(w, "t", 0, 1);
      w.checkpoint("t", "slow", 0);
      w.checkpoint("t", "fast", 0);
      appendAll(w, "t", 1, n);
      consume(w, "t", "fast", 0, n);
      w.reclaim();
      all = dataFiles();
      assertThat(all).as("the slow consumer at 0 holds every file").isGreaterThanOrEqualTo(11);

      consume(w, "t", "slow", 0, n / 2);
      w.reclaim();
      long half = dataFiles();
      assertThat(half)
          .as("files after the slow consumer read half")
          .isLessThan(all - 3)
          .isGreaterThan(3);
      TopicStats s = w.stats("t").orElseThrow();
      assertThat(s.firstOffset())
          .as("nothing the slow consumer has not read is reclaimed")
          .isLessThanOrEqualTo(n / 2);
      assertThat(w.position("t", "slow")).isEqualTo(n / 2);
      // it still reads on from where it was
      consume(w, "t", "slow", n / 2, n / 2 + 10);

      assertThat(w.removeConsumer("t", "slow")).isTrue();
      w.reclaim();
      assertThat(dataFiles())
          .as("files once the lagging consumer is removed")
          .isLessThanOrEqualTo(1);
    }
    try (Walrus w = open(false)) {
      TopicStats s = w.stats("t").orElseThrow();
      assertThat(s.unread()).containsOnlyKeys("fast");
      assertThat(s.nextOffset()).isEqualTo(n);
      assertThat(w.appendForTopic("t", payload("t", n))).isEqualTo(n);
      consume(w, "t", "fast", n, n + 1);
    }
  }

  @Test
  void sharedCursorHoldsTheFilesOfATopicNobodyRead() {
    final int keep = 400; // about 3-4 files of its own
    final int flow = 3000;
    long keepFiles;
    try (Walrus w = open()) {
      appendAll(w, "keep", 0, keep);
      keepFiles = dataFiles();
      for (long off = 0; off < flow; off += 100) {
        appendAll(w, "flow", off, off + 100);
        consume(w, "flow", null, off, off + 100);
      }
      w.reclaim();
      assertThat(dataFiles())
          .as("flow's files go, keep's stay")
          .isBetween(keepFiles, keepFiles + 2);
      TopicStats s = w.stats("keep").orElseThrow();
      assertThat(s.firstOffset()).isZero();
      assertThat(s.nextOffset()).isEqualTo(keep);
      assertThat(s.unread())
          .as("keep has only its shared cursor, which has read nothing")
          .containsOnlyKeys(TopicStats.DEFAULT_CONSUMER)
          .containsEntry(TopicStats.DEFAULT_CONSUMER, (long) keep);
    }
    try (Walrus w = open()) {
      w.reclaim();
      assertThat(dataFiles()).isGreaterThanOrEqualTo(keepFiles);
      assertThat(w.stats("keep").orElseThrow().firstOffset()).isZero();
      // a named consumer reading all of it releases nothing: the shared cursor has not
      consume(w, "keep", "reader", 0, keep);
      w.reclaim();
      assertThat(w.stats("keep").orElseThrow().firstOffset()).isZero();
      consume(w, "keep", null, 0, keep);
      w.reclaim();
      assertThat(w.stats("keep").orElseThrow().firstOffset()).isPositive();
      assertThat(w.stats("flow").orElseThrow().nextOffset()).isEqualTo(flow);
    }
  }
}
