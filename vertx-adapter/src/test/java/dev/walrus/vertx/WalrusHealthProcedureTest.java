package dev.walrus.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Walrus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import org.junit.jupiter.api.Test;

/** {@link WalrusHealthProcedure} in vertx-health-check: UP while open, DOWN once closed. */
class WalrusHealthProcedureTest extends BusFixture {

  @Test
  void upWhileOpenDownOnceClosed(Vertx vertx) throws Exception {
    vertx.exceptionHandler(vertxErrors::add);
    open();
    wal.appendForTopic("a", "x".getBytes());
    wal.appendForTopic("b", "y".getBytes());
    Walrus w = wal;
    HealthChecks checks =
        HealthChecks.create(vertx).register("walrus", WalrusHealthProcedure.create(vertx, w));

    CheckResult up = await(checks.checkStatus());
    assertThat(up.getUp()).isTrue();
    JsonObject upData = await(checks.checkStatus("walrus")).getData();
    assertThat(upData).isEqualTo(new JsonObject().put("state", "OPEN").put("topics", 2));

    closeAll(); // closes the reactive view and the engine
    CheckResult down = await(checks.checkStatus());
    assertThat(down.getUp()).isFalse();
    CheckResult walrus = await(checks.checkStatus("walrus"));
    assertThat(walrus.getUp()).isFalse();
    assertThat(walrus.getData()).isEqualTo(new JsonObject().put("state", "CLOSED"));
  }
}
