package dev.walrus.examples.vertx;

import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.vertx.BindOptions;
import dev.walrus.vertx.WalrusEventBus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the two example verticles: {@link WalrusHttpVerticle} (HTTP appends and SSE
 * streams) next to the binding, and {@link BusConsumerVerticle} consuming over the bus.
 *
 * <pre>
 * # one process: bind, serve HTTP on 8080, POST 5 entries, consume them over the bus, exit
 * mvn -q -pl examples -am compile exec:java -Dexec.mainClass=dev.walrus.examples.vertx.VertxExample
 * # keep serving (curl -d hi localhost:8080/topics/events)
 * ... -Dexec.args="--serve"
 * # two processes on one machine, clustered over loopback (Hazelcast):
 * ... -Dexec.args="--role server --serve"     (owns the log, binds it, serves HTTP)
 * ... -Dexec.args="--role consumer --serve"   (consumes over the clustered bus)
 * </pre>
 */
public final class VertxExample {
  private static final String TOPIC = "events";
  private static final String CLUSTER = "walrus-example";

  private VertxExample() {}

  /**
   * @param args {@code --dir <data dir>}, {@code --port <http port>} (8080),
   *     {@code --role all|server|consumer} (all: one unclustered process),
   *     {@code --serve} (keep running instead of the 5-entry demo)
   * @throws Exception if startup fails
   */
  public static void main(String[] args) throws Exception {
    Path dir = Paths.get(Walrus.DEFAULT_DATA_DIR);
    int port = 8080;
    String role = "all";
    boolean serve = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dir":
          dir = Paths.get(args[++i]);
          break;
        case "--port":
          port = Integer.parseInt(args[++i]);
          break;
        case "--role":
          role = args[++i];
          break;
        case "--serve":
          serve = true;
          break;
        default:
          throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Vertx vertx =
        role.equals("all")
            ? Vertx.vertx()
            : LoopbackCluster.node(CLUSTER).toCompletionStage().toCompletableFuture().get();
    CountDownLatch printed = new CountDownLatch(5);
    Walrus wal = null;
    ReactiveWalrus rw = null;
    if (!role.equals("consumer")) {
      wal = Walrus.builder().dataDir(dir).open();
      rw = ReactiveWalrus.create(wal);
      join(WalrusEventBus.bind(vertx, rw, BindOptions.defaults().exposeTopics(TOPIC)));
      join(vertx.deployVerticle(new WalrusHttpVerticle(port)));
      System.out.println(
          "HTTP on 127.0.0.1:"
              + port
              + "  POST /topics/"
              + TOPIC
              + "   GET /topics/"
              + TOPIC
              + "/stream");
    }
    if (!role.equals("server")) {
      join(
          vertx.deployVerticle(
              new BusConsumerVerticle(
                  TOPIC,
                  "printer",
                  16,
                  e -> {
                    System.out.println("consumed offset " + e.offset() + ": " + e.dataAsString());
                    printed.countDown();
                  })));
    }
    if (role.equals("all") && !serve) {
      int p = port;
      var client = vertx.createHttpClient();
      for (int i = 0; i < 5; i++) {
        String body = "hello " + i;
        join(
            client
                .request(HttpMethod.POST, p, "127.0.0.1", "/topics/" + TOPIC)
                .compose(req -> req.send(body))
                .compose(res -> res.body())
                .onSuccess(b -> System.out.println("POST " + body + " -> " + b)));
      }
      printed.await(30, TimeUnit.SECONDS);
    } else {
      new CountDownLatch(1).await(); // serve until killed
    }
    join(vertx.close());
    if (rw != null) {
      rw.close();
      wal.close();
    }
  }

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
