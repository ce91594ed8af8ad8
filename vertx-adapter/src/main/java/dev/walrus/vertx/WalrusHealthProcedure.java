package dev.walrus.vertx;

import dev.walrus.InvalidArgumentException;
import dev.walrus.Walrus;
import dev.walrus.WalrusException;
import dev.walrus.WalrusHealth;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;

/**
 * A <a href="https://vertx.io/docs/vertx-health-check/java/">vertx-health-check</a>
 * procedure reporting a {@link Walrus} instance's {@link Walrus#health()}:
 *
 * <pre>{@code
 * HealthChecks checks = HealthChecks.create(vertx)
 *     .register("walrus", WalrusHealthProcedure.create(vertx, wal));
 * }</pre>
 *
 * <p>Reports {@link Status#OK(JsonObject) OK} while the instance is {@code OPEN}, with data
 * {@code {"state": "OPEN", "topics": <number of topics>}}; {@link Status#KO(JsonObject) KO}
 * when it is {@code CLOSED} or {@code POISONED}, with data {@code {"state": .., "cause":
 * "<the poisoning failure>"}} ({@code cause} only if it was poisoned). The engine is asked on
 * a Vert.x worker thread ({@code executeBlocking}), never on the event loop; an unexpected
 * failure of the check itself fails the procedure's promise (vertx-health-check then reports
 * KO with the failure).
 *
 * <p>Needs {@code io.vertx:vertx-health-check} on the class path (an optional dependency of
 * this artifact: add it yourself; the rest of the adapter works without it). Immutable and
 * thread-safe: one procedure may be registered in several {@code HealthChecks}.
 */
public final class WalrusHealthProcedure implements Handler<Promise<Status>> {
  private final Vertx vertx;
  private final Walrus walrus;

  private WalrusHealthProcedure(Vertx vertx, Walrus walrus) {
    this.vertx = vertx;
    this.walrus = walrus;
  }

  /**
   * @param vertx the Vert.x instance whose worker pool runs the check
   * @param walrus the instance to report on
   * @return the procedure, for {@code HealthChecks.register(name, procedure)}
   * @throws InvalidArgumentException if an argument is null
   */
  public static WalrusHealthProcedure create(Vertx vertx, Walrus walrus) {
    if (vertx == null || walrus == null) {
      throw new InvalidArgumentException("vertx and walrus are required");
    }
    return new WalrusHealthProcedure(vertx, walrus);
  }

  /**
   * Runs the check and completes {@code promise} with the status (see the class comment).
   *
   * @param promise completed with OK or KO; failed only if the check itself failed
   */
  @Override
  public void handle(Promise<Status> promise) {
    vertx.executeBlocking(this::check, false).onComplete(promise);
  }

  private Status check() {
    WalrusHealth h = walrus.health();
    JsonObject data = new JsonObject().put("state", h.state().name());
    h.cause().ifPresent(c -> data.put("cause", String.valueOf(c)));
    if (h.state() != WalrusHealth.State.OPEN) {
      return Status.KO(data);
    }
    try {
      data.put("topics", walrus.topics().size());
    } catch (WalrusException e) { // closed or poisoned since health() was asked
      return Status.KO(walrusDown(e));
    }
    return Status.OK(data);
  }

  private JsonObject walrusDown(WalrusException e) {
    WalrusHealth h = walrus.health();
    JsonObject data = new JsonObject().put("state", h.state().name());
    data.put("cause", String.valueOf(h.cause().orElse(e)));
    return data;
  }
}
