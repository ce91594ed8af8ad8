package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.testkit.ChildJvm;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SPEC §4.7: thread safety, parallel topics, one owner per namespace. */
class ConcurrencyTest {
  @TempDir Path dir;

  private static byte[] payload(int thread, int i) {
    return ByteBuffer.allocate(8).putInt(thread).putInt(i).array();
  }

  @Test
  void concurrentAppendsToOneTopicGetUniqueContiguousOffsetsInPerThreadOrder() throws Exception {
    int threads = 8;
    int perThread = 2_000;
    try (Walrus w = Walrus.builder().dataDir(dir).blockSize(4096).blocksPerFile(16).open()) {
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        fs.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    if (i % 10 == 0) {
                      w.batchAppendForTopic("shared", List.of(payload(id, i), payload(id, i + 1)));
                      i++;
                    } else {
                      w.appendForTopic("shared", payload(id, i));
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      int[] next = new int[threads];
      long expectOffset = 0;
      List<Entry> batch;
      while (!(batch = w.batchReadForTopic("shared", 1 << 20, true)).isEmpty()) {
        for (Entry e : batch) {
          assertThat(e.offset()).isEqualTo(expectOffset++);
          ByteBuffer b = ByteBuffer.wrap(e.data());
          int t = b.getInt();
          int i = b.getInt();
          assertThat(i).as("thread %d order", t).isEqualTo(next[t]);
          next[t]++;
        }
      }
      assertThat(expectOffset).isEqualTo((long) threads * perThread);
    }
  }

  @Test
  void appendsToDifferentTopicsRunInParallelWithIndependentOffsets() throws Exception {
    int topics = 6;
    try (Walrus w = Walrus.builder().dataDir(dir).blockSize(4096).blocksPerFile(16).open()) {
      ExecutorService pool = Executors.newFixedThreadPool(topics);
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < topics; t++) {
        String topic = "topic-" + t;
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 3_000; i++) {
                    assertThat(w.appendForTopic(topic, payload(0, i))).isEqualTo(i);
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();
      for (int t = 0; t < topics; t++) {
        assertThat(w.stats("topic-" + t).orElseThrow().nextOffset()).isEqualTo(3_000);
      }
    }
    try (Walrus w = Walrus.builder().dataDir(dir).open()) {
      for (int t = 0; t < topics; t++) {
        List<Entry> all = new ArrayList<>();
        List<Entry> b;
        while (!(b = w.batchReadForTopic("topic-" + t, 1 << 20, true)).isEmpty()) {
          all.addAll(b);
        }
        assertThat(all).hasSize(3_000);
        for (int i = 0; i < all.size(); i++) {
          assertThat(ByteBuffer.wrap(all.get(i).data()).getInt(4)).isEqualTo(i);
        }
      }
    }
  }

  @Test
  void readersSeeWholeBatchesWhileWritersAppend() throws Exception {
    try (Walrus w = Walrus.builder().dataDir(dir).blockSize(4096).blocksPerFile(64).open()) {
      int batches = 400;
      Thread writer =
          new Thread(
              () -> {
                for (int i = 0; i < batches; i++) {
                  List<byte[]> b = new ArrayList<>();
                  for (int k = 0; k < 25; k++) {
                    b.add(new byte[100]);
                  }
                  w.batchAppendForTopic("t", b);
                }
              });
      writer.start();
      long read = 0;
      while (read < batches * 25L) {
        long end = w.stats("t").map(TopicStats::nextOffset).orElse(0L);
        assertThat(end % 25).as("a reader never sees part of a batch").isZero();
        read += w.batchReadForTopic("t", 1 << 20, true).size();
      }
      writer.join();
      assertThat(read).isEqualTo(batches * 25L);
    }
  }

  @Test
  void aSecondOpenerInTheSameProcessGetsAClearError() {
    try (Walrus w = Walrus.builder().dataDir(dir).namespace("ns").open()) {
      assertThatThrownBy(() -> Walrus.builder().dataDir(dir).namespace("ns").open())
          .isInstanceOf(NamespaceLockedException.class)
          .hasMessageContaining("already open");
      w.appendForTopic("t", new byte[1]);
    }
    try (Walrus again = Walrus.builder().dataDir(dir).namespace("ns").open()) {
      assertThat(again.readNext("t", true)).isPresent();
    }
  }

  @Test
  void aSecondProcessGetsAClearErrorAndACrashedOwnerDoesNotBlockTheNext() throws Exception {
    try (ChildJvm child =
        ChildJvm.builder(LockHolder.class).heap(null).args(dir.toString()).start()) {
      String line;
      while ((line = child.readLine()) != null && !line.equals("READY")) {
        // skip anything else the child prints
      }
      assertThat(line).isEqualTo("READY");
      assertThatThrownBy(() -> Walrus.builder().dataDir(dir).namespace("locked").open())
          .isInstanceOf(NamespaceLockedException.class)
          .hasMessageContaining("another process");
      child.killAndAwait("the lock holder"); // SIGKILL: the OS releases the lock with the process
    }
    try (Walrus w = Walrus.builder().dataDir(dir).namespace("locked").open()) {
      assertThat(w.readNext("t", true).orElseThrow().dataAsString()).isEqualTo("held");
    }
  }

  /** Child process: opens a namespace, appends, says READY, then waits to be killed. */
  public static final class LockHolder {
    public static void main(String[] args) throws Exception {
      Walrus w = Walrus.builder().dataDir(Path.of(args[0])).namespace("locked").open();
      w.appendForTopic("t", "held".getBytes(StandardCharsets.UTF_8));
      System.out.println("READY");
      System.out.flush();
      new CountDownLatch(1).await(); // until killed
    }
  }
}
