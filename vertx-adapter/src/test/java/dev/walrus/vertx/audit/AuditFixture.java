package dev.walrus.vertx.audit;

import dev.walrus.vertx.BusFixture;
import dev.walrus.vertx.WalrusHeaders;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Black-box audit fixture: the suite's {@link BusFixture} (a small engine in a temp dir, a
 * Vert.x instance, every exception on a Vert.x thread failing the test), plus requests with
 * a send timeout.
 */
public abstract class AuditFixture extends BusFixture {
  static final DeliveryOptions FAST = new DeliveryOptions().setSendTimeout(10_000);

  static DeliveryOptions topic(String t) {
    return new DeliveryOptions(FAST).addHeader(WalrusHeaders.TOPIC, t);
  }
}
