package dev.walrus.examples.webflux;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;

/**
 * Tells when a request's TCP connection closes. Reactor Netty does not cancel a
 * response that has not started yet (or whose stream is idle, waiting for entries) when
 * its client goes away, so a topic stream ends itself with this signal: without it, every
 * client that disconnected before its first event would leave a stream open, and a
 * viewer's cursors in the log, until shutdown. Stateless.
 */
final class ConnectionClosed {
  private ConnectionClosed() {}

  /**
   * @param request a request served by Reactor Netty (other servers: never completes)
   * @return completes (empty) once the request's connection is closed; never errors
   */
  static Mono<Void> of(ServerHttpRequest request) {
    Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
    if (nativeRequest instanceof Connection c) {
      return c.onDispose().onErrorResume(e -> Mono.empty());
    }
    return Mono.never();
  }

  /**
   * @param request a request
   * @return whether its connection is known to be closed already (false if unknown)
   */
  static boolean isClosed(ServerHttpRequest request) {
    Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
    return nativeRequest instanceof Connection c && (c.isDisposed() || !c.channel().isActive());
  }
}
