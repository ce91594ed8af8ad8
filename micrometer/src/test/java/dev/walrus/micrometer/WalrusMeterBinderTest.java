package dev.walrus.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.FatalIOException;
import dev.walrus.FaultyInstances;
import dev.walrus.FsyncSchedule;
import dev.walrus.Walrus;
import dev.walrus.testkit.Poll;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every meter of {@link WalrusMeterBinder} moves as the engine works. */
class WalrusMeterBinderTest {
  private static final String T = "orders";

  @TempDir Path dir;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private Walrus open(FsyncSchedule s, boolean sharedCursor) {
    Walrus w =
        Walrus.builder()
            .dataDir(dir)
            .namespace(null)
            .fsyncSchedule(s)
            .blockSize(4096)
            .blocksPerFile(1)
            .sharedCursor(sharedCursor)
            .quiet(true)
            .open();
    toClose.add(w);
    return w;
  }

  /** Bound, no background refresh: the tests call refresh() themselves. */
  private WalrusMeterBinder bind(Walrus w, int maxLagSeries) {
    WalrusMeterBinder b = new WalrusMeterBinder(w, Tags.empty(), maxLagSeries, Duration.ZERO);
    b.bindTo(registry);
    toClose.add(b);
    return b;
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).counter().count();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private double lag(String topic, String consumer) {
    return registry
        .get("walrus.consumer.lag")
        .tags("topic", topic, "consumer", consumer)
        .gauge()
        .value();
  }

  @Test
  void appendsBatchesAndReadsMoveTheirMeters() {
    Walrus w = open(FsyncSchedule.noFsync(), false);
    bind(w, 100);
    w.appendForTopic(T, new byte[10]);
    w.appendForTopic(T, new byte[20]);
    w.batchAppendForTopic(T, List.of(new byte[1], new byte[2], new byte[3]));

    assertThat(counter("walrus.append.entries", "kind", "single")).isEqualTo(2);
    assertThat(counter("walrus.append.entries", "kind", "batch")).isEqualTo(3);
    assertThat(counter("walrus.append.bytes", "kind", "single")).isEqualTo(30);
    assertThat(counter("walrus.append.bytes", "kind", "batch")).isEqualTo(6);
    assertThat(registry.get("walrus.append.latency").tags("kind", "single").timer().count())
        .isEqualTo(2);
    assertThat(registry.get("walrus.append.latency").tags("kind", "batch").timer().count())
        .isEqualTo(1);
    var batch = registry.get("walrus.batch.entries").summary();
    assertThat(batch.count()).isEqualTo(1);
    assertThat(batch.totalAmount()).isEqualTo(3);
    assertThat(registry.get("walrus.batch.bytes").summary().totalAmount()).isEqualTo(6);

    w.readNext(T, "billing", true);
    w.batchReadForTopic(T, "billing", 1 << 20, true);
    assertThat(counter("walrus.read.entries")).isEqualTo(5);
    assertThat(counter("walrus.read.bytes")).isEqualTo(36);
  }

  @Test
  void forcePassesAreTimedUnderMillisecondsAndOnSyncUnderSyncEach() {
    Walrus periodic = open(FsyncSchedule.milliseconds(5), false);
    bind(periodic, 100);
    periodic.appendForTopic(T, new byte[1]);
    Poll.until(
        "a periodic force",
        Duration.ofSeconds(20),
        () -> registry.get("walrus.fsync").timer().count() > 0);
    assertThat(registry.get("walrus.fsync").timer().totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(registry.get("walrus.fsync.files").summary().totalAmount()).isPositive();
  }

  @Test
  void underSyncEachAnExplicitSyncIsCounted() {
    Walrus w = open(FsyncSchedule.syncEach(), false);
    bind(w, 100);
    w.appendForTopic(T, new byte[1]);
    assertThat(registry.get("walrus.fsync").timer().count()).isZero();
    w.sync();
    assertThat(registry.get("walrus.fsync").timer().count()).isPositive();
  }

  @Test
  void filesAreCreatedAndReclaimedAfterConsumption() {
    Walrus w = open(FsyncSchedule.noFsync(), false);
    WalrusMeterBinder b = bind(w, 100);
    for (int i = 0; i < 6; i++) {
      w.appendForTopic(T, new byte[3000]); // one 4 KiB block per file
    }
    w.checkpoint(T, "billing", 0);
    b.refresh();
    double files = gauge("walrus.files");
    assertThat(files).isGreaterThanOrEqualTo(5);
    assertThat(counter("walrus.files.created")).isGreaterThanOrEqualTo(5);
    assertThat(gauge("walrus.disk.bytes")).isGreaterThan(6 * 3000);
    assertThat(gauge("walrus.topics")).isEqualTo(1);
    assertThat(counter("walrus.reclaimed.files")).isZero();

    while (!w.batchReadForTopic(T, "billing", 1 << 20, true).isEmpty()) {
      // consume everything
    }
    w.reclaim();
    Poll.until(
        "files reclaimed", Duration.ofSeconds(20), () -> counter("walrus.reclaimed.files") >= 4);
    b.refresh();
    assertThat(gauge("walrus.files")).isLessThan(files);
  }

  @Test
  void lagIsPublishedPerTopicAndConsumerAndTheSharedCursorHasItsOwnTag() {
    Walrus w = open(FsyncSchedule.noFsync(), true);
    WalrusMeterBinder b = bind(w, 100);
    w.batchAppendForTopic(T, List.of(new byte[1], new byte[1], new byte[1]));
    w.appendForTopic("payments", new byte[1]);
    w.readNext(T, "billing", true);
    b.refresh();
    assertThat(lag(T, "billing")).isEqualTo(2);
    assertThat(lag(T, WalrusMeterBinder.SHARED_CONSUMER)).isEqualTo(3);
    assertThat(lag("payments", WalrusMeterBinder.SHARED_CONSUMER)).isEqualTo(1);

    w.batchReadForTopic(T, "billing", 1 << 20, true);
    w.removeConsumer("orders", "billing");
    b.refresh();
    assertThat(registry.find("walrus.consumer.lag").tags("consumer", "billing").gauge())
        .as("a removed consumer's series is gone")
        .isNull();
  }

  @Test
  void theCardinalityGuardSumsPairsBeyondTheLimitIntoOneSeries() {
    Walrus w = open(FsyncSchedule.noFsync(), false);
    WalrusMeterBinder b = bind(w, 3);
    w.batchAppendForTopic(T, List.of(new byte[1], new byte[1], new byte[1], new byte[1]));
    for (int i = 0; i < 5; i++) {
      w.checkpoint(T, "c" + i, i % 4); // lags 4, 3, 2, 1, 4
    }
    b.refresh();
    assertThat(registry.find("walrus.consumer.lag").gauges()).hasSize(4); // 3 + _other
    assertThat(lag(T, "c0")).isEqualTo(4);
    assertThat(lag(T, "c1")).isEqualTo(3);
    assertThat(lag(T, "c2")).isEqualTo(2);
    assertThat(lag(WalrusMeterBinder.OTHER, WalrusMeterBinder.OTHER)).isEqualTo(1 + 4);

    w.removeConsumer(T, "c1"); // frees a place: the next pair in name order takes it
    b.refresh();
    assertThat(lag(T, "c3")).isEqualTo(1);
    assertThat(lag(WalrusMeterBinder.OTHER, WalrusMeterBinder.OTHER)).isEqualTo(4);
    assertThat(lag(T, "c0")).as("admitted series keep their place").isEqualTo(4);
  }

  @Test
  void poisoningSetsThePoisonedGauge() {
    FaultyInstances.Faulty f = FaultyInstances.open(dir);
    toClose.add(f.walrus());
    WalrusMeterBinder b = bind(f.walrus(), 100);
    assertThat(gauge("walrus.poisoned")).isZero();
    f.walrus().appendForTopic(T, new byte[1]);
    f.failNextForce().run();
    assertThatThrownBy(f.walrus()::sync).isInstanceOf(FatalIOException.class);
    assertThat(gauge("walrus.poisoned")).isEqualTo(1);
    b.refresh();
    assertThat(gauge("walrus.poisoned")).isEqualTo(1);
    assertThat(gauge("walrus.files")).isNaN();
  }

  @Test
  void aPoisonedInstanceFoundByRefreshSetsTheGaugeToo() {
    FaultyInstances.Faulty f = FaultyInstances.open(dir);
    toClose.add(f.walrus());
    f.walrus().appendForTopic(T, new byte[1]);
    f.failNextForce().run();
    assertThatThrownBy(f.walrus()::sync).isInstanceOf(FatalIOException.class);
    bind(f.walrus(), 100); // bound after the fact: the refresh at bind time sees it
    assertThat(gauge("walrus.poisoned")).isEqualTo(1);
  }

  @Test
  void aClosedInstanceHasNaNGaugesAndNoLagSeries() {
    Walrus w = open(FsyncSchedule.noFsync(), true);
    WalrusMeterBinder b = bind(w, 100);
    w.appendForTopic(T, new byte[1]);
    b.refresh();
    assertThat(registry.find("walrus.consumer.lag").gauges()).hasSize(1);
    w.close();
    b.refresh();
    assertThat(gauge("walrus.files")).isNaN();
    assertThat(gauge("walrus.disk.bytes")).isNaN();
    assertThat(gauge("walrus.poisoned")).isZero();
    assertThat(registry.find("walrus.consumer.lag").gauges()).isEmpty();
  }

  @Test
  void closeRemovesEveryMeterAndDetachesTheListener() {
    Walrus w = open(FsyncSchedule.noFsync(), true);
    WalrusMeterBinder b = bind(w, 100);
    w.appendForTopic(T, new byte[1]);
    b.refresh();
    assertThat(registry.getMeters()).isNotEmpty();
    b.close();
    b.close(); // idempotent
    assertThat(registry.getMeters()).extracting(m -> m.getId().getName()).isEmpty();

    w.appendForTopic(T, new byte[1]); // detached: not counted, not re-registered
    assertThat(registry.find("walrus.append.entries").counter()).isNull();
    b.bindTo(registry); // closed: does nothing
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void extraTagsGoOnEveryMeterAndTwoRegistriesBothCount() {
    Walrus w = open(FsyncSchedule.noFsync(), false);
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    WalrusMeterBinder b =
        new WalrusMeterBinder(w, Tags.of("instance", "orders"), 100, Duration.ZERO);
    toClose.add(b);
    b.bindTo(registry);
    b.bindTo(second);
    b.bindTo(registry); // already bound there: not counted twice
    w.appendForTopic(T, new byte[4]);
    for (Meter m : registry.getMeters()) {
      assertThat(m.getId().getTag("instance")).as(m.getId().getName()).isEqualTo("orders");
    }
    assertThat(second.get("walrus.append.entries").tags("kind", "single").counter().count())
        .isEqualTo(1);
    assertThat(counter("walrus.append.entries", "kind", "single")).isEqualTo(1);
  }

  @Test
  void theBackgroundRefreshUpdatesTheGauges() {
    Walrus w = open(FsyncSchedule.noFsync(), false);
    WalrusMeterBinder b = new WalrusMeterBinder(w, Tags.empty(), 100, Duration.ofMillis(10));
    toClose.add(b);
    b.bindTo(registry);
    assertThat(gauge("walrus.topics")).isZero();
    w.appendForTopic(T, new byte[1]);
    Poll.until("refreshed", Duration.ofSeconds(20), () -> gauge("walrus.topics") == 1);
  }
}
