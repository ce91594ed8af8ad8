package dev.walrus.vertx;

import io.vertx.core.impl.VertxThread;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * BlockHound setup of this suite (loaded through {@code META-INF/services} when
 * blockhound-junit-platform installs BlockHound): Vert.x event-loop threads are
 * non-blocking, and every public engine call is blocking (BlockHound's defaults do not
 * flag {@code FileChannel} positional I/O), so an engine call on an event loop fails.
 */
public final class VertxBlockingCalls implements BlockHoundIntegration {
  private static final String WALRUS = "dev.walrus.Walrus";

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
    String[][] methods = {
        {"appendForTopic", "(Ljava/lang/String;[B)J"},
        {"batchAppendForTopic", "(Ljava/lang/String;Ljava/util/List;)J"},
        {"readNext", "(Ljava/lang/String;Z)Ljava/util/Optional;"},
        {"readNext", "(Ljava/lang/String;Ljava/lang/String;Z)Ljava/util/Optional;"},
        {"batchReadForTopic", "(Ljava/lang/String;JZ)Ljava/util/List;"},
        {"batchReadForTopic", "(Ljava/lang/String;Ljava/lang/String;JZ)Ljava/util/List;"},
        {"checkpoint", "(Ljava/lang/String;Ljava/lang/String;J)V"},
        {"checkpoint", "(Ljava/lang/String;J)V"},
        {"position", "(Ljava/lang/String;Ljava/lang/String;)J"},
        {"removeConsumer", "(Ljava/lang/String;Ljava/lang/String;)Z"},
        {"addAppendListener",
            "(Ljava/lang/String;Ldev/walrus/AppendListener;)Ljava/lang/AutoCloseable;"},
        {"stats", "(Ljava/lang/String;)Ljava/util/Optional;"},
        {"topics", "()Ljava/util/Set;"},
        {"sync", "()V"},
        {"close", "()V"},
    };
    for (String[] m : methods) {
      builder.markAsBlocking(WALRUS, m[0], m[1]);
    }
  }

  static boolean isEventLoop(Thread t) {
    return t instanceof VertxThread && !((VertxThread) t).isWorker();
  }
}
