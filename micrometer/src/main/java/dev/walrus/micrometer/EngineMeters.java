package dev.walrus.micrometer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The meters of one {@link WalrusMeterBinder} in one registry, resolved once when bound so
 * that recording is a field read and an increment. Thread-safe (Micrometer's meters are).
 */
final class EngineMeters {
  final MeterRegistry registry;
  final Counter singleEntries;
  final Counter singleBytes;
  final Timer singleLatency;
  final Counter batchedEntries;
  final Counter batchedBytes;
  final Timer batchLatency;
  final DistributionSummary batchEntries;
  final DistributionSummary batchBytes;
  final Timer fsync;
  final DistributionSummary fsyncFiles;
  final Counter readEntries;
  final Counter readBytes;
  final Counter filesCreated;
  final Counter filesReclaimed;
  final MultiGauge lag;
  private final List<Meter> meters = new ArrayList<>();

  EngineMeters(MeterRegistry registry, Tags tags, WalrusMeterBinder binder) {
    this.registry = registry;
    Tags single = tags.and("kind", "single");
    Tags batch = tags.and("kind", "batch");
    singleEntries = counter("walrus.append.entries", single, "entries", "Entries appended");
    batchedEntries = counter("walrus.append.entries", batch, "entries", "Entries appended");
    singleBytes = counter("walrus.append.bytes", single, BaseUnits.BYTES, "Payload bytes appended");
    batchedBytes = counter("walrus.append.bytes", batch, BaseUnits.BYTES, "Payload bytes appended");
    singleLatency = timer("walrus.append.latency", single, "Time an append call took");
    batchLatency = timer("walrus.append.latency", batch, "Time an append call took");
    batchEntries =
        summary(
            "walrus.batch.entries",
            tags,
            "entries",
            "Entries per batch append (the reactive appender's group-commit size)");
    batchBytes = summary("walrus.batch.bytes", tags, BaseUnits.BYTES, "Bytes per batch append");
    fsync = timer("walrus.fsync", tags, "Force passes (fsync of data files and metadata log)");
    fsyncFiles = summary("walrus.fsync.files", tags, "files", "Data files forced per pass");
    readEntries = counter("walrus.read.entries", tags, "entries", "Entries read");
    readBytes = counter("walrus.read.bytes", tags, BaseUnits.BYTES, "Payload bytes read");
    filesCreated = counter("walrus.files.created", tags, "files", "Data files created");
    filesReclaimed =
        counter("walrus.reclaimed.files", tags, "files", "Data files deleted by reclamation");
    gauge("walrus.files", tags, "files", "Data files in the namespace", binder, b -> b.files());
    gauge(
        "walrus.disk.bytes",
        tags,
        BaseUnits.BYTES,
        "Bytes the retained entries and their block headers occupy",
        binder,
        b -> b.diskBytes());
    gauge("walrus.topics", tags, "topics", "Topics", binder, b -> b.topicCount());
    gauge(
        "walrus.poisoned",
        tags,
        null,
        "1 once the instance is poisoned (close and reopen it), else 0",
        binder,
        b -> b.poisonedValue());
    lag =
        MultiGauge.builder("walrus.consumer.lag")
            .tags(tags)
            .baseUnit("entries")
            .description("Entries a consumer's reads would return before the topic's end")
            .register(registry);
  }

  private Counter counter(String name, Iterable<Tag> tags, String unit, String description) {
    Counter c =
        Counter.builder(name).tags(tags).baseUnit(unit).description(description).register(registry);
    meters.add(c);
    return c;
  }

  private Timer timer(String name, Iterable<Tag> tags, String description) {
    Timer t = Timer.builder(name).tags(tags).description(description).register(registry);
    meters.add(t);
    return t;
  }

  private DistributionSummary summary(
      String name, Iterable<Tag> tags, String unit, String description) {
    DistributionSummary s =
        DistributionSummary.builder(name)
            .tags(tags)
            .baseUnit(unit)
            .description(description)
            .register(registry);
    meters.add(s);
    return s;
  }

  private void gauge(
      String name,
      Iterable<Tag> tags,
      String unit,
      String description,
      WalrusMeterBinder binder,
      ToDoubleFunction<WalrusMeterBinder> f) {
    meters.add(
        Gauge.builder(name, binder, f)
            .tags(tags)
            .baseUnit(unit)
            .description(description)
            .strongReference(true)
            .register(registry));
  }

  void append(long bytes, long nanos) {
    singleEntries.increment();
    singleBytes.increment(bytes);
    singleLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  void batchAppend(int entries, long bytes, long nanos) {
    batchedEntries.increment(entries);
    batchedBytes.increment(bytes);
    batchLatency.record(nanos, TimeUnit.NANOSECONDS);
    batchEntries.record(entries);
    batchBytes.record(bytes);
  }

  void publishLag(List<LagGuard.Row> rows) {
    List<MultiGauge.Row<?>> out = new ArrayList<>(rows.size());
    for (LagGuard.Row r : rows) {
      out.add(MultiGauge.Row.of(Tags.of("topic", r.topic(), "consumer", r.consumer()), r.lag()));
    }
    lag.register(out, true);
  }

  /** Removes every meter of this binder from the registry. */
  void remove() {
    lag.register(List.of(), true);
    for (Meter m : meters) {
      registry.remove(m);
    }
  }
}
