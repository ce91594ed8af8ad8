package dev.walrus.internal.storage.uring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.testkit.IoUringMachine;
import dev.walrus.testkit.Poll;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing a ring with an operation still in the kernel: the read's buffer belongs to the
 * kernel until its completion arrives, so neither the read nor {@code close} may return
 * before that (returning lets the caller free or reuse the buffer while the kernel writes
 * into it: heap corruption, or another read's bytes in a reused buffer). A FIFO keeps the
 * read in flight for as long as the test wants.
 */
class IoUringRingLifetimeTest {
  @TempDir Path dir;

  @Test
  void closeWaitsForAReadInFlightAndTheReadGetsItsBytes() throws Exception {
    IoUringMachine.assumeIoUring();
    Path fifo = dir.resolve("fifo");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mk.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(mk.exitValue()).isZero();

    IoUringRing ring = IoUringRing.start();
    int fd = ring.open(fifo, false); // O_RDWR: a FIFO opens at once and its reads wait
    ByteBuffer buf = ByteBuffer.allocateDirect(8);
    CompletableFuture<Void> read =
        CompletableFuture.runAsync(
            () -> {
              try {
                ring.readAll(List.of(new IoUringRing.Op(fd, buf, 0)));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    awaitUntil(() -> ring.inFlight() == 1); // the read is submitted and waits for data

    Thread closer = new Thread(ring::close, "closer");
    closer.start();
    // close() refuses new work at once, then waits for the read in flight
    awaitUntil(() -> waitingForOperations(closer) || !closer.isAlive() || read.isDone());
    assertThat(read).as("a read in flight must not end before its completion").isNotDone();
    assertThat(closer.isAlive()).as("close must wait for the read in flight").isTrue();
    assertThatThrownBy(() -> ring.fsyncAll(new int[] {fd}))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("closed");

    try (OutputStream out = Files.newOutputStream(fifo)) {
      out.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    }
    read.get(60, TimeUnit.SECONDS);
    closer.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(closer.isAlive()).isFalse();
    assertThat(buf.flip()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}));
    assertThat(ring.inFlight()).isZero();
  }

  /** @return true while {@code t} is inside {@link IoUringRing#close}, waiting for operations */
  private static boolean waitingForOperations(Thread t) {
    StackTraceElement[] st = t.getStackTrace();
    for (int i = 0; i + 1 < st.length; i++) {
      if (st[i].getMethodName().equals("wait")
          && st[i + 1].getClassName().equals(IoUringRing.class.getName())
          && st[i + 1].getMethodName().equals("close")) {
        return true;
      }
    }
    return false;
  }

  private static void awaitUntil(java.util.function.BooleanSupplier c) {
    Poll.until("the condition", Duration.ofSeconds(60), c);
  }
}
