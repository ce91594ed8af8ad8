package dev.walrus.internal.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.internal.core.DataFile;
import dev.walrus.internal.storage.FileChannelBackend;
import dev.walrus.internal.storage.ForceFailedException;
import dev.walrus.internal.storage.ForceThread;
import dev.walrus.internal.storage.ForwardingBackend;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SyncEach group force, pipelined: a force covers every request queued while the one
 * before it ran (so many writers' entries, of any topics, share one {@code fdatasync} per
 * file), it runs on a thread no interrupt reaches, an interrupted caller loses nothing and
 * keeps its interrupt, and a failed force fails its callers and every later one.
 */
class GroupForceTest {
  @TempDir Path dir;

  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** A backend whose forces are counted, recorded and can be held at their start. */
  private static final class Hooked extends ForwardingBackend {
    final List<List<StorageFile>> forces = new CopyOnWriteArrayList<>();
    final AtomicInteger onForceThread = new AtomicInteger();
    final CountDownLatch firstStarted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicBoolean fail = new AtomicBoolean();
    volatile boolean hold = true;

    Hooked() {
      super(new FileChannelBackend());
    }

    @Override
    public String name() {
      return "hooked-fd";
    }

    @Override
    public void forceAll(List<StorageFile> files) throws IOException {
      if (ForceThread.current()) {
        onForceThread.incrementAndGet();
      }
      forces.add(new ArrayList<>(files));
      firstStarted.countDown();
      if (hold) {
        await(release);
        Thread.currentThread().interrupt(); // ignored by a force thread: nothing may close it
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
      }
      if (fail.get()) {
        throw new IOException("injected fdatasync failure");
      }
      super.forceAll(files);
    }
  }

  private static void await(CountDownLatch l) {
    try {
      assertThat(l.await(30, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private DataFile file(Hooked backend, int n) throws IOException {
    StorageFile f = backend.create(dir.resolve("wal-" + n + ".log"), 1 << 16, false);
    return new DataFile(n, f, 1 << 16);
  }

  private static void until(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
      Thread.sleep(1); // polling a condition with a deadline, not a timing assumption
    }
  }

  @Test
  void oneForceCoversEveryRequestQueuedWhileThePreviousOneRan() throws Exception {
    Hooked backend = new Hooked();
    GroupForce group = new GroupForce(backend);
    DataFile a = file(backend, 1);
    DataFile b = file(backend, 2);
    Future<?> first = pool.submit(() -> call(group, List.of(a)));
    await(backend.firstStarted); // the first force runs (held)
    int callers = 32;
    List<Future<?>> later = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      DataFile f = i % 2 == 0 ? a : b; // writers of two files (e.g. topics in two files)
      later.add(pool.submit(() -> call(group, List.of(f))));
    }
    until("every caller queued", () -> group.queued() == callers);
    backend.hold = false;
    backend.release.countDown();
    first.get(30, TimeUnit.SECONDS);
    for (Future<?> f : later) {
      f.get(30, TimeUnit.SECONDS);
    }
    // Two forces for 33 callers: the held one, then one for everyone queued meanwhile, with
    // each file once in it (one fdatasync per file however many writers wrote to it).
    assertThat(backend.forces).hasSize(2);
    assertThat(backend.forces.get(1)).containsExactlyInAnyOrder(a.file(), b.file());
    assertThat(backend.onForceThread).hasValue(2);
  }

  @Test
  void anInterruptedCallerWaitsForItsForceAndKeepsItsInterrupt() throws Exception {
    Hooked backend = new Hooked();
    GroupForce group = new GroupForce(backend);
    DataFile a = file(backend, 1);
    AtomicBoolean returnedAfterForce = new AtomicBoolean();
    AtomicBoolean interruptKept = new AtomicBoolean();
    Thread caller =
        new Thread(
            () -> {
              try {
                group.force(List.of(a));
                returnedAfterForce.set(backend.release.getCount() == 0);
                interruptKept.set(Thread.currentThread().isInterrupted());
              } catch (ForceFailedException e) {
                throw new AssertionError(e);
              }
            });
    caller.start();
    await(backend.firstStarted);
    caller.interrupt();
    until("the caller parked again", () -> caller.getState() == Thread.State.WAITING);
    assertThat(caller.isAlive()).isTrue(); // still waiting for the held force
    backend.release.countDown();
    caller.join(30_000);
    assertThat(caller.isAlive()).isFalse();
    assertThat(returnedAfterForce).isTrue();
    assertThat(interruptKept).isTrue();
  }

  @Test
  void aFailedForceFailsItsCallersAndEveryLaterOne() throws Exception {
    Hooked backend = new Hooked();
    backend.fail.set(true);
    GroupForce group = new GroupForce(backend);
    DataFile a = file(backend, 1);
    Future<?> first = pool.submit(() -> call(group, List.of(a)));
    await(backend.firstStarted);
    Future<?> second = pool.submit(() -> call(group, List.of(a)));
    until("the second caller queued", () -> group.queued() == 1);
    backend.hold = false;
    backend.release.countDown();
    for (Future<?> f : List.of(first, second)) {
      assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ForceFailedException.class);
    }
    backend.fail.set(false); // even a force that would succeed now is refused: poisoned
    assertThatThrownBy(() -> group.force(List.of(a))).isInstanceOf(ForceFailedException.class);
  }

  private static Void call(GroupForce group, List<DataFile> files) throws ForceFailedException {
    group.force(files);
    return null;
  }
}
