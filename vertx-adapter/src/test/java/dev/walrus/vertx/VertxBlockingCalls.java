package dev.walrus.vertx;

import io.vertx.core.impl.VertxThread;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * BlockHound setup of this suite (loaded through {@code META-INF/services} when
 * blockhound-junit-platform installs BlockHound): Vert.x event-loop threads are
 * non-blocking; with reactive-api's {@code WalrusBlockHoundIntegration} marking every
 * engine call blocking, an engine call on an event loop fails.
 */
@SuppressWarnings("exports") // compiled into the module for the test only; BlockHound is test scope
public final class VertxBlockingCalls implements BlockHoundIntegration {
  /** Loaded by BlockHound through {@code META-INF/services}. */
  public VertxBlockingCalls() {}

  @Override
  public void applyTo(BlockHound.Builder builder) {
    builder.nonBlockingThreadPredicate(p -> p.or(VertxBlockingCalls::isEventLoop));
    // Vert.x's clustered event bus names each reply address with UUID.randomUUID(), whose
    // SecureRandom may read /dev/urandom: Vert.x's own call, not the adapter's.
    builder.allowBlockingCallsInside(
        "io.vertx.core.eventbus.impl.clustered.ClusteredEventBus", "generateReplyAddress");
    // Vert.x closes its worker pools (shutdownNow, which may wait for a contended lock) from
    // an event loop while the instance shuts down.
    builder.allowBlockingCallsInside("io.vertx.core.internal.WorkerPool", "close");
    // Engine calls are marked blocking by reactive-api's WalrusBlockHoundIntegration,
    // which BlockHound loads from the class path too.
  }

  static boolean isEventLoop(Thread t) {
    return t instanceof VertxThread && !((VertxThread) t).isWorker();
  }
}
