package dev.walrus.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small engine in a temp dir, its reactive view and a Vert.x instance (from
 * vertx-junit5); records every exception thrown on a Vert.x thread (a BlockHound error
 * inside a handler lands there) and fails the test if there was one.
 */
@ExtendWith(VertxExtension.class)
abstract class BusFixture {
  static final long TIMEOUT_S = 20;

  @TempDir
  Path dir;

  Walrus wal;
  ReactiveWalrus rw;
  final Queue<Throwable> vertxErrors = new ConcurrentLinkedQueue<>();

  Walrus.Builder engine() {
    return Walrus.builder().dataDir(dir).blockSize(64 * 1024).blocksPerFile(16).quiet(true);
  }

  void open() {
    open(engine());
  }

  void open(Walrus.Builder b) {
    wal = b.open();
    rw = ReactiveWalrus.create(wal);
  }

  /** Opens the engine and binds it with {@code options}; waits for the binding. */
  WalrusBinding bind(Vertx vertx, BindOptions options) throws Exception {
    vertx.exceptionHandler(vertxErrors::add);
    if (wal == null) {
      open();
    }
    return await(WalrusEventBus.bind(vertx, rw, options));
  }

  @AfterEach
  void closeEngine() {
    if (rw != null) {
      rw.close();
    }
    if (wal != null) {
      wal.close();
    }
    vertxErrors.forEach(Throwable::printStackTrace);
    assertThat(vertxErrors).as("exceptions on Vert.x threads").isEmpty();
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
  }

  /** Awaits a future that must fail with a ReplyException; returns it. */
  static ReplyException awaitFailure(Future<?> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ReplyException.class);
      return (ReplyException) e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  /** Polls until the condition holds; fails after the deadline. */
  static void poll(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      LockSupport.parkNanos(2_000_000);
    }
  }
}
