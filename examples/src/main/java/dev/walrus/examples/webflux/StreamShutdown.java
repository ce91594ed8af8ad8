package dev.walrus.examples.webflux;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Ends every open topic stream when the application starts shutting down, before the
 * web server's graceful shutdown waits for open requests: streams never end by
 * themselves, so without this every connected browser would hold shutdown for its full
 * timeout. Browsers reconnect (with {@code Last-Event-ID}) once the application is back.
 */
@Component
public class StreamShutdown implements ApplicationListener<ContextClosedEvent> {
  private final Sinks.Empty<Void> closing = Sinks.empty();

  /** @return completes when shutdown begins */
  public Mono<Void> signal() {
    return closing.asMono();
  }

  /** Completes {@link #signal()}. */
  @Override
  public void onApplicationEvent(ContextClosedEvent event) {
    closing.tryEmitEmpty();
  }
}
