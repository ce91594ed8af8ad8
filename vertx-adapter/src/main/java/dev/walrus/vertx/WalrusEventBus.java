package dev.walrus.vertx;

import dev.walrus.InvalidArgumentException;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.vertx.internal.Binding;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Binds a {@link ReactiveWalrus} to a Vert.x event bus: one address family per topic.
 *
 * <pre>{@code
 * WalrusEventBus.bind(vertx, ReactiveWalrus.create(wal), BindOptions.defaults().exposeTopics("orders"))
 *     .onSuccess(binding -> {
 *       // walrus.orders.append, walrus.orders.appendBatch, walrus.orders.read,
 *       // walrus.orders.readBatch, walrus.orders.checkpoint, walrus.orders.tail
 *     });
 * vertx.eventBus().<Long>request("walrus.orders.append", Buffer.buffer("hello"))
 *     .onSuccess(reply -> System.out.println("offset " + reply.body()));
 * }</pre>
 *
 * <p>Addresses for topic {@code t} under prefix {@code p} are {@code p.t.<op>} for each
 * {@link Operation}; the generic family {@code p.<op>} takes the topic from the
 * {@link WalrusHeaders#TOPIC} header and reaches every exposed topic. Failures reply with
 * a {@link io.vertx.core.eventbus.ReplyException} coded by {@link FailureCodes}. The
 * message protocol is documented in {@code docs/VERTX.md}.
 *
 * <p>Thread-safe; binding never blocks the calling thread.
 */
public final class WalrusEventBus {
  private WalrusEventBus() {}

  /**
   * Binds with {@link BindOptions#defaults()}.
   *
   * @param vertx the Vert.x instance (clustered or not)
   * @param walrus the reactive engine; stays owned by the caller
   * @return a future of the binding; see {@link #bind(Vertx, ReactiveWalrus, BindOptions)}
   */
  public static Future<WalrusBinding> bind(Vertx vertx, ReactiveWalrus walrus) {
    return bind(vertx, walrus, BindOptions.defaults());
  }

  /**
   * Registers the address families and completes once they are all registered
   * (propagated to the cluster when clustered). The handlers run on the caller's Vert.x
   * context if called from one, otherwise on a new event-loop context.
   *
   * @param vertx the Vert.x instance (clustered or not)
   * @param walrus the reactive engine; stays owned by the caller; unbind before closing it
   * @param options prefix, exposure, interceptor, lease
   * @return a future of the binding; fails if a registration fails
   * @throws InvalidArgumentException if an argument is null
   */
  public static Future<WalrusBinding> bind(
      Vertx vertx, ReactiveWalrus walrus, BindOptions options) {
    if (vertx == null || walrus == null || options == null) {
      throw new InvalidArgumentException("vertx, walrus and options must not be null");
    }
    Context ctx = vertx.getOrCreateContext();
    return Binding.start(vertx, ctx, walrus, options);
  }
}
