package dev.walrus.examples.webflux;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/** Says where to point the browser once the server listens. */
@Component
public class StartupNotice implements ApplicationListener<WebServerInitializedEvent> {
  private static final Logger LOG = LoggerFactory.getLogger(StartupNotice.class);

  /** Logs the page's address. */
  @Override
  public void onApplicationEvent(WebServerInitializedEvent event) {
    LOG.info(
        "Walrus web app ready: open http://localhost:{}/ (Ctrl-C stops it)",
        event.getWebServer().getPort());
  }
}
