package dev.walrus.reactive;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Teaches <a href="https://github.com/reactor/BlockHound">BlockHound</a> that every
 * synchronous {@link dev.walrus.Walrus} call blocks, so a call made on a non-blocking
 * thread (a Reactor {@code parallel} worker, a Netty or Vert.x event loop) fails loudly in
 * tests instead of stalling the loop in production. BlockHound's defaults do not flag
 * {@code FileChannel} positional I/O or uncontended locks, which is what engine calls
 * mostly do.
 *
 * <p>Nothing to call: the integration is registered in {@code META-INF/services}, and
 * {@code BlockHound.install()} (or blockhound-junit-platform) loads it whenever both
 * BlockHound and this module are on the class path (on the module path, pass an instance
 * to {@code BlockHound.install(..)}: see the module descriptor). BlockHound is an optional dependency
 * of this module: without it this class is never loaded. {@link ReactiveWalrus} itself
 * makes its engine calls on a bounded elastic scheduler, never on the caller's thread.
 * Stateless and thread-safe.
 */
// BlockHound's types in this exported class are fine without `requires transitive`: only an
// application that has BlockHound (and so reads its module) ever loads the class.
@SuppressWarnings("exports")
public final class WalrusBlockHoundIntegration implements BlockHoundIntegration {
  private static final String WALRUS = "dev.walrus.Walrus";
  private static final String[][] BLOCKING_METHODS = {
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
    {
      "addAppendListener",
      "(Ljava/lang/String;Ldev/walrus/AppendListener;)Ljava/lang/AutoCloseable;"
    },
    {"stats", "(Ljava/lang/String;)Ljava/util/Optional;"},
    {"topics", "()Ljava/util/Set;"},
    {"sync", "()V"},
    {"close", "()V"},
  };

  /** Creates the integration (BlockHound's service loader does). */
  public WalrusBlockHoundIntegration() {}

  /** Marks every blocking {@link dev.walrus.Walrus} method as blocking. */
  @Override
  public void applyTo(BlockHound.Builder builder) {
    for (String[] m : BLOCKING_METHODS) {
      builder.markAsBlocking(WALRUS, m[0], m[1]);
    }
  }
}
