package dev.walrus.internal.storage.uring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.walrus.testkit.IoUringMachine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rings started and closed while other threads still submit reads, writes, fsyncs, opens
 * and closes (with buffers dropped as soon as each call returns), under a storm of
 * interrupts: every memory region the kernel may touch must stay allocated until its
 * completion arrived, and closing a ring must wait for what was submitted. A ring that
 * frees or lets the GC free such a buffer early corrupts the C heap and aborts the JVM
 * (glibc "unaligned tcache chunk detected" and similar), which fails the run.
 *
 * <p>Opt-in (a native crash takes the whole test JVM down, and its rate is low): run with
 * {@code -Dwalrus.uringstress.seconds=N}; see docs/RELIABILITY.md.
 */
class IoUringRingStressTest {
  private static final double SECONDS =
      Double.parseDouble(System.getProperty("walrus.uringstress.seconds", "0"));
  private static final int THREADS = 4;

  @TempDir Path dir;

  @Test
  void closingRingsUnderLoadNeverLetsTheKernelTouchFreedMemory() throws Exception {
    assumeTrue(SECONDS > 0, "opt-in: -Dwalrus.uringstress.seconds=N");
    IoUringMachine.assumeIoUring();
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Path p = dir.resolve("f" + i);
      Files.write(p, new byte[64 * 1024]);
      files.add(p);
    }
    AtomicLong ok = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    ConcurrentLinkedQueue<Throwable> broken = new ConcurrentLinkedQueue<>();
    long deadline = System.nanoTime() + (long) (SECONDS * 1e9);
    int cycles = 0;
    while (System.nanoTime() < deadline && broken.isEmpty()) {
      cycles++;
      IoUringRing ring = IoUringRing.start();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicBoolean closing = new AtomicBoolean();
      CountDownLatch busy = new CountDownLatch(THREADS);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int me = t;
        Thread th =
            new Thread(
                () -> {
                  Random rnd = new Random(me);
                  int done = 0;
                  while (!stop.get()) {
                    try {
                      step(ring, files.get(rnd.nextInt(files.size())), rnd);
                      ok.incrementAndGet();
                      if (++done == 8) {
                        busy.countDown(); // busy enough: the ring may close under it now
                      }
                    } catch (IOException e) {
                      refused.incrementAndGet(); // the ring closed under us: refused, never a crash
                      if (stop.get() || closing.get()) {
                        break;
                      }
                    } catch (Throwable e) {
                      broken.add(e);
                      busy.countDown();
                      return;
                    }
                  }
                },
                "uring-stress-" + t);
        threads.add(th);
        th.start();
      }
      busy.await();
      for (int i = 0; i < 20; i++) {
        threads.get(i % THREADS).interrupt();
        Thread.onSpinWait();
      }
      closing.set(true);
      ring.close(); // while the workers still submit
      stop.set(true);
      for (Thread th : threads) {
        th.join();
      }
      if (cycles % 8 == 0) {
        System.gc(); // frees the dropped buffers: the kernel must be done with them
      }
    }
    System.gc();
    System.out.printf(
        "IoUringRingStressTest: %d ring cycles, %d operations, %d refused%n",
        cycles, ok.get(), refused.get());
    assertThat(broken).isEmpty();
    assertThat(ok.get()).isPositive();
  }

  /** Opens a file, reads and writes a batch into fresh buffers, fsyncs, closes. */
  private static void step(IoUringRing ring, Path file, Random rnd) throws IOException {
    int fd = ring.open(file, rnd.nextBoolean());
    try {
      int n = 1 + rnd.nextInt(8);
      List<IoUringRing.Op> reads = new ArrayList<>();
      List<IoUringRing.Op> writes = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int size = 8 << rnd.nextInt(10); // 8 bytes .. 4 KiB: small chunks share tcache bins
        reads.add(new IoUringRing.Op(fd, ByteBuffer.allocateDirect(size), rnd.nextInt(60_000)));
        ByteBuffer w = ByteBuffer.allocateDirect(size);
        while (w.hasRemaining()) {
          w.put((byte) 1);
        }
        writes.add(new IoUringRing.Op(fd, w.flip(), rnd.nextInt(60_000)));
      }
      ring.readAll(reads);
      ring.writeAll(writes);
      if (rnd.nextInt(4) == 0) {
        ring.fsyncAll(new int[] {fd});
      }
    } finally {
      ring.close(fd);
    }
  }
}
