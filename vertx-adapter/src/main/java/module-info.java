/**
 * The Vert.x event-bus adapter of Walrus: binds an instance to the event bus and offers a
 * client for other verticles and cluster nodes.
 *
 * <p>Only {@link dev.walrus.vertx} is public API; {@code dev.walrus.vertx.internal} (the
 * binding, tail sessions and request plumbing) is not exported.
 */
module dev.walrus.vertx {
  requires transitive dev.walrus;
  requires transitive dev.walrus.reactive;
  requires transitive io.vertx.core;
  // the codegen annotations on Vert.x's own API; needed to compile against it only
  requires static io.vertx.codegen.api;
  requires static io.vertx.codegen.json;
  // WalrusHealthProcedure only (its API names Status): vertx-health-check is optional
  requires static transitive io.vertx.healthcheck;

  exports dev.walrus.vertx;
}
