package dev.walrus.vertx;

import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Waiting for Vert.x futures from a test thread, with a deadline. */
final class Futures {
  private Futures() {}

  /**
   * @return the future's result
   * @throws ExecutionException if it failed
   * @throws java.util.concurrent.TimeoutException if it did not complete within {@code seconds}
   */
  static <T> T await(Future<T> f, long seconds) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  /**
   * Retries an operation while it fails because no binding answers yet (registrations
   * propagate through the cluster map), until it succeeds or the deadline passes.
   *
   * @param what the awaited state, for the failure message
   * @param seconds the deadline
   * @param absent the reply failures that mean "not visible yet"
   * @param op starts one attempt
   * @return the first successful attempt's result
   * @throws AssertionError on another failure, or at the deadline
   */
  static <T> T retry(String what, long seconds, Set<ReplyFailure> absent, Supplier<Future<T>> op)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (true) {
      try {
        return await(op.get(), seconds);
      } catch (ExecutionException e) {
        boolean notYet =
            e.getCause() instanceof ReplyException
                && absent.contains(((ReplyException) e.getCause()).failureType());
        if (!notYet || System.nanoTime() > deadline) {
          throw new AssertionError("failed waiting for: " + what, e);
        }
        LockSupport.parkNanos(20_000_000);
      }
    }
  }
}
