package dev.walrus.vertx;

import io.vertx.core.Future;

/**
 * Authorisation hook of a binding: called on the binding's event-loop context for every
 * request to one of its addresses, after the topic exposure check and before the engine
 * is touched.
 *
 * <pre>{@code
 * BindOptions.defaults().interceptor(req ->
 *     "secret".equals(req.message().headers().get("token"))
 *         ? Future.succeededFuture()
 *         : Future.failedFuture("bad token"));
 * }</pre>
 *
 * <p>Must not block (it runs on an event loop); return a future completed later for
 * asynchronous checks. A failed future refuses the request: the requester receives a
 * {@link io.vertx.core.eventbus.ReplyException} with the failure's own code if the
 * failure is a {@code ReplyException}, otherwise {@link FailureCodes#FORBIDDEN} with the
 * failure's message. Tail control messages (credits, acks) are not intercepted: the
 * session they belong to was authorised when it was opened, and its control address is
 * an unguessable random id.
 */
@FunctionalInterface
public interface BusInterceptor {
  /**
   * @param request the operation, topic and raw message
   * @return a future that succeeds to let the request through, fails to refuse it
   */
  Future<Void> intercept(BusRequest request);
}
