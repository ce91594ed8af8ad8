package dev.walrus.micrometer;

import dev.walrus.vertx.BusMetricsListener;
import dev.walrus.vertx.FailureCodes;
import dev.walrus.vertx.Operation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Micrometer meters for the event-bus traffic of Vert.x bindings ({@code walrus-vertx},
 * an optional dependency of this module): the timer {@code walrus.bus.requests} tagged
 * {@code operation} and {@code outcome}, and the counters {@code walrus.bus.tail.deliveries}
 * and {@code walrus.bus.tail.credits}. It is the bindings' {@link BusMetricsListener}:
 *
 * <pre>{@code
 * BusMeterBinder bus = new BusMeterBinder();
 * bus.bindTo(registry);
 * WalrusEventBus.bind(vertx, reactiveWalrus, BindOptions.defaults().metrics(bus));
 * }</pre>
 *
 * <p>One binder may serve several bindings (their traffic adds up; give each its own
 * binder with distinguishing tags to tell them apart) and be bound to several registries.
 * Traffic before {@link #bindTo} or after {@link #close()} is not counted. Thread-safe:
 * the callbacks run on the bindings' event loops and only increment meters resolved
 * beforehand (a request's timer is resolved once per operation and outcome). See {@code
 * docs/METRICS.md}.
 */
public final class BusMeterBinder implements MeterBinder, BusMetricsListener, AutoCloseable {
  private static final Operation[] OPERATIONS = Operation.values();

  private final Tags tags;
  private final List<Bound> bound = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /** Meters without extra tags. */
  public BusMeterBinder() {
    this(Tags.empty());
  }

  /**
   * @param tags added to every meter
   * @throws NullPointerException if {@code tags} is null
   */
  public BusMeterBinder(Iterable<Tag> tags) {
    this.tags = Tags.of(tags);
  }

  /**
   * @param outcome {@link BusMetricsListener#OK} or a {@link FailureCodes} code
   * @return the {@code outcome} tag value: {@code ok}, or the code's constant name in lower
   *     case ({@code not_exposed}, {@code forbidden}, ...; {@code unknown(418)} for a code
   *     an interceptor made up)
   */
  public static String outcome(int outcome) {
    return outcome == OK ? "ok" : FailureCodes.name(outcome).toLowerCase(Locale.ROOT);
  }

  /**
   * Registers the tail counters in {@code registry} (request timers appear with the first
   * request of each operation and outcome). Binding to a registry it is already bound to,
   * or after {@link #close()}, does nothing.
   *
   * @param registry the registry
   */
  @Override
  public synchronized void bindTo(MeterRegistry registry) {
    if (!closed && bound.stream().noneMatch(b -> b.registry == registry)) {
      bound.add(new Bound(registry));
    }
  }

  @Override
  public void onRequest(Operation operation, int outcome, long nanos) {
    for (Bound b : bound) {
      b.timer(operation, outcome).record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void onTailDelivery(String topic) {
    for (Bound b : bound) {
      b.deliveries.increment();
    }
  }

  @Override
  public void onTailCredits(String topic, long credits) {
    for (Bound b : bound) {
      b.credits.increment(credits);
    }
  }

  /** Removes every meter this binder registered; later traffic is not counted. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    for (Bound b : bound) {
      b.remove();
    }
    bound.clear();
  }

  /** The meters in one registry. */
  private final class Bound {
    final MeterRegistry registry;
    final Counter deliveries;
    final Counter credits;
    // [operation * SLOTS + outcome slot]: slot 0 is ok, then the known codes; others in the map
    final AtomicReferenceArray<Timer> timers =
        new AtomicReferenceArray<>(OPERATIONS.length * SLOTS);
    final ConcurrentHashMap<Long, Timer> others = new ConcurrentHashMap<>();

    Bound(MeterRegistry registry) {
      this.registry = registry;
      deliveries =
          Counter.builder("walrus.bus.tail.deliveries")
              .tags(tags)
              .baseUnit("entries")
              .description("Entries tail sessions sent to their subscribers")
              .register(registry);
      credits =
          Counter.builder("walrus.bus.tail.credits")
              .tags(tags)
              .baseUnit("entries")
              .description("Credits tail subscribers granted")
              .register(registry);
    }

    Timer timer(Operation op, int outcome) {
      int slot = slot(outcome);
      if (slot < 0) {
        return others.computeIfAbsent(
            ((long) op.ordinal() << 32) | (outcome & 0xffffffffL), k -> create(op, outcome));
      }
      int i = op.ordinal() * SLOTS + slot;
      Timer t = timers.get(i);
      if (t == null) {
        t = create(op, outcome); // a race asks the registry twice and gets the same timer
        timers.set(i, t);
      }
      return t;
    }

    private Timer create(Operation op, int outcome) {
      return Timer.builder("walrus.bus.requests")
          .tags(tags)
          .tag("operation", op.suffix())
          .tag("outcome", outcome(outcome))
          .description("Requests to a binding's addresses, by operation and outcome")
          .register(registry);
    }

    void remove() {
      registry.remove((Meter) deliveries);
      registry.remove((Meter) credits);
      for (int i = 0; i < timers.length(); i++) {
        Timer t = timers.get(i);
        if (t != null) {
          registry.remove((Meter) t);
        }
      }
      others.values().forEach(t -> registry.remove((Meter) t));
    }
  }

  private static final int[] KNOWN = {
    FailureCodes.BAD_TOPIC,
    FailureCodes.FORBIDDEN,
    FailureCodes.NOT_EXPOSED,
    FailureCodes.UNKNOWN_SESSION,
    FailureCodes.TOO_LARGE,
    FailureCodes.BAD_REQUEST,
    FailureCodes.INTERNAL,
    FailureCodes.UNAVAILABLE,
    FailureCodes.ROLLED_BACK
  };

  private static final int SLOTS = KNOWN.length + 1;

  /** @return 0 for ok, 1.. for a known code, -1 for another */
  private static int slot(int outcome) {
    if (outcome == OK) {
      return 0;
    }
    for (int i = 0; i < KNOWN.length; i++) {
      if (KNOWN[i] == outcome) {
        return i + 1;
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return "BusMeterBinder" + Arrays.toString(tags.stream().toArray());
  }
}
