package dev.walrus.vertx;

import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.reactive.StartPosition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A clustered Vert.x node in a child JVM, for {@link MultiJvmTest}, which kills it with
 * kill -9. It joins the cluster through the parent's Hazelcast port and plays one role:
 *
 * <ul>
 *   <li>{@code owner <dir> <cluster> <member> <prefix> <leaseMs>}: opens the log in
 *       {@code dir}, binds it (that prefix, every topic, that tail lease) and prints {@code READY};</li>
 *   <li>{@code consumer <cluster> <member> <prefix> <topic> <consumer> <credits> <every>}: runs a
 *       {@link LineConsumer}: tails the consumer from its checkpointed position (retrying
 *       while the binding is not visible); after every {@code every} entries, and on a
 *       200 ms timer when some are not yet checkpointed, checkpoints the last delivered entry and, once
 *       that is persisted, grants as many credits as entries it checkpointed. It prints what
 *       happens, one line per event.</li>
 * </ul>
 * One unbuffered write per line, so a kill never leaves a partial line that looks whole.
 */
public final class BusNodeChild {
  private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);

  private BusNodeChild() {}

  static synchronized void line(String s) {
    try {
      OUT.write((s + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Walrus openLog(Path dir) {
    return Walrus.builder().dataDir(dir).blockSize(64 * 1024).blocksPerFile(16).quiet(true).open();
  }

  public static void main(String[] args) throws Exception {
    if (args[0].equals("owner")) {
      owner(Path.of(args[1]), args[2], args[3], args[4], Long.parseLong(args[5]));
    } else {
      consumer(
          args[1],
          args[2],
          args[3],
          args[4],
          args[5],
          Long.parseLong(args[6]),
          Integer.parseInt(args[7]));
    }
    new CountDownLatch(1).await(); // until killed
  }

  private static Vertx node(String cluster, String member) throws Exception {
    return LoopbackCluster.node(
            new HazelcastClusterManager(LoopbackCluster.hazelcast(cluster, member)))
        .toCompletionStage()
        .toCompletableFuture()
        .get();
  }

  private static void owner(Path dir, String cluster, String member, String prefix, long leaseMs)
      throws Exception {
    Vertx vertx = node(cluster, member);
    Walrus wal = openLog(dir);
    ReactiveWalrus rw = ReactiveWalrus.create(wal);
    WalrusEventBus.bind(
            vertx, rw, BindOptions.defaults().prefix(prefix).tailLease(Duration.ofMillis(leaseMs)))
        .toCompletionStage()
        .toCompletableFuture()
        .get();
    line("READY");
  }

  private static void consumer(
      String cluster,
      String member,
      String prefix,
      String topic,
      String name,
      long credits,
      int every)
      throws Exception {
    Vertx vertx = node(cluster, member);
    WalrusBusClient client = WalrusBusClient.create(vertx, prefix, Duration.ofSeconds(10));
    vertx.runOnContext(
        v ->
            new LineConsumer(vertx, client, topic, name, credits, every, BusNodeChild::line)
                .open());
  }

  /**
   * The consumer role, also used in the test JVM: tails a consumer from its checkpointed
   * position and reports what happens as lines ({@code OPEN}, {@code D <offset> <payload>},
   * {@code S <n>} when a checkpoint covering the first {@code n} deliveries is sent, {@code C <n>}
   * once it is persisted, {@code END <reason>}, {@code EXC <failure type> <code>}). Confined
   * to the context that calls {@link #open}.
   */
  static final class LineConsumer {
    final Vertx vertx;
    final WalrusBusClient client;
    final String topic;
    final String name;
    final long credits;
    final int every;
    final java.util.function.Consumer<String> out;
    BusTail tail;
    long timer = -1;
    long delivered;
    long lastOffset = -1;
    long checkpointedUpTo;
    boolean checkpointing;
    boolean ended;

    LineConsumer(
        Vertx vertx,
        WalrusBusClient client,
        String topic,
        String name,
        long credits,
        int every,
        java.util.function.Consumer<String> out) {
      this.vertx = vertx;
      this.client = client;
      this.topic = topic;
      this.name = name;
      this.credits = credits;
      this.every = every;
      this.out = out;
    }

    void open() {
      client
          .tail(
              topic,
              name,
              StartPosition.checkpointed(),
              credits,
              e -> {
                delivered++;
                lastOffset = e.offset();
                out.accept("D " + e.offset() + " " + e.dataAsString());
                if (delivered - checkpointedUpTo >= every) {
                  checkpoint();
                }
              })
          .onSuccess(
              t -> {
                tail = t;
                out.accept("OPEN");
                timer = vertx.setPeriodic(200, id -> checkpoint());
                t.exceptionHandler(
                        e -> {
                          ReplyException r = (ReplyException) e;
                          out.accept("EXC " + r.failureType() + " " + r.failureCode());
                        })
                    .endHandler(
                        reason -> {
                          ended = true;
                          vertx.cancelTimer(timer);
                          out.accept("END " + reason);
                        });
              })
          .onFailure(
              e -> {
                boolean absent =
                    e instanceof ReplyException
                        && (((ReplyException) e).failureType() == ReplyFailure.NO_HANDLERS
                            || ((ReplyException) e).failureType() == ReplyFailure.TIMEOUT);
                if (!absent) {
                  out.accept("ERROR " + e);
                  return;
                }
                vertx.setTimer(100, id -> open());
              });
    }

    void checkpoint() {
      if (tail == null || ended || checkpointing || delivered == checkpointedUpTo) {
        return;
      }
      checkpointing = true;
      long upTo = delivered;
      out.accept("S " + upTo);
      tail.checkpoint(lastOffset)
          .onComplete(
              ar -> {
                checkpointing = false;
                if (ar.succeeded()) {
                  long n = upTo - checkpointedUpTo;
                  checkpointedUpTo = upTo;
                  out.accept("C " + upTo);
                  if (!ended) {
                    tail.grant(n);
                  }
                } else {
                  out.accept("CHECKPOINT-FAILED " + ar.cause().getMessage());
                }
              });
    }

    /** Ends the tail (the test's own consumer, between phases). */
    Future<Void> close() {
      ended = true;
      vertx.cancelTimer(timer);
      return tail == null ? Future.succeededFuture() : tail.close();
    }
  }
}
