package dev.walrus.vertx;

import dev.walrus.InvalidArgumentException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Options of a {@link WalrusEventBus#bind binding}: the address prefix, which topics are
 * exposed, the authorisation hook, whether addresses are visible to other cluster nodes,
 * the lease of tail sessions and the listener told of the traffic.
 *
 * <pre>{@code
 * BindOptions opts = BindOptions.defaults()
 *     .prefix("walrus")                        // addresses walrus.<topic>.append, ...
 *     .exposeTopics("orders", "payments")      // or exposeAll() / exposeWhere(t -> ..)
 *     .interceptor(req -> checkToken(req))     // Future<Void>: fail to refuse
 *     .tailLease(Duration.ofSeconds(30));      // a silent tail subscriber is dropped after this
 * }</pre>
 *
 * <p>Defaults: prefix {@code "walrus"}, every topic exposed, no interceptor, clustered
 * (addresses reachable from every node of a clustered event bus), tail lease 30 s.
 *
 * <p>Immutable and thread-safe; every setter returns a new instance.
 */
public final class BindOptions {
  /** The default address prefix, {@code "walrus"}. */
  public static final String DEFAULT_PREFIX = "walrus";

  /** The default tail lease, 30 seconds. */
  public static final Duration DEFAULT_TAIL_LEASE = Duration.ofSeconds(30);

  private static final BusMetricsListener NO_METRICS = new BusMetricsListener() {};

  private static final BindOptions DEFAULTS =
      new BindOptions(
          DEFAULT_PREFIX,
          null,
          t -> true,
          req -> Future.succeededFuture(),
          false,
          DEFAULT_TAIL_LEASE,
          NO_METRICS,
          false);

  private final String prefix;
  private final Set<String> listed; // null: exposure by predicate
  private final Predicate<String> exposed;
  private final BusInterceptor interceptor;
  private final boolean localOnly;
  private final Duration tailLease;
  private final BusMetricsListener metrics;
  private final boolean admin;

  private BindOptions(
      String prefix,
      Set<String> listed,
      Predicate<String> exposed,
      BusInterceptor interceptor,
      boolean localOnly,
      Duration tailLease,
      BusMetricsListener metrics,
      boolean admin) {
    this.metrics = metrics;
    this.admin = admin;
    this.prefix = prefix;
    this.listed = listed;
    this.exposed = exposed;
    this.interceptor = interceptor;
    this.localOnly = localOnly;
    this.tailLease = tailLease;
  }

  /** @return the defaults (prefix "walrus", all topics, no interceptor, clustered, 30 s) */
  public static BindOptions defaults() {
    return DEFAULTS;
  }

  /**
   * @param prefix first segment(s) of every address, non-empty, not ending with '.'
   * @return new options
   * @throws InvalidArgumentException if the prefix is null, empty or ends with '.'
   */
  public BindOptions prefix(String prefix) {
    if (prefix == null || prefix.isEmpty() || prefix.endsWith(".")) {
      throw new InvalidArgumentException(
          "prefix must be non-empty and not end with '.', got " + prefix);
    }
    return new BindOptions(
        prefix, listed, exposed, interceptor, localOnly, tailLease, metrics, admin);
  }

  /**
   * Exposes every topic, existing or future (the default). Per-topic addresses are
   * registered for the topics existing at bind time, for topics first written through the
   * generic addresses, and on {@link WalrusBinding#expose}; the generic addresses reach
   * every topic.
   *
   * @return new options
   */
  public BindOptions exposeAll() {
    return new BindOptions(
        prefix, null, t -> true, interceptor, localOnly, tailLease, metrics, admin);
  }

  /**
   * Exposes exactly these topics; their per-topic addresses are registered at bind time.
   *
   * @param topics the topic names
   * @return new options
   * @throws InvalidArgumentException if {@code topics} is null or contains null
   * @throws dev.walrus.InvalidTopicException if a name breaks the engine's rule
   *     ({@link dev.walrus.TopicNames}), naming it
   */
  public BindOptions exposeTopics(Collection<String> topics) {
    if (topics == null || topics.stream().anyMatch(Objects::isNull)) {
      throw new InvalidArgumentException("topics must not be null or contain null");
    }
    topics.forEach(dev.walrus.TopicNames::checkTopic);
    Set<String> set = Collections.unmodifiableSet(new LinkedHashSet<>(topics));
    return new BindOptions(
        prefix, set, set::contains, interceptor, localOnly, tailLease, metrics, admin);
  }

  /**
   * @param topics the topic names
   * @return new options exposing exactly these topics
   * @see #exposeTopics(Collection)
   */
  public BindOptions exposeTopics(String... topics) {
    return exposeTopics(Arrays.asList(topics));
  }

  /**
   * Exposes the topics the predicate accepts. It is called on the event loop and must be
   * quick and non-blocking.
   *
   * @param predicate decides per topic name
   * @return new options
   * @throws InvalidArgumentException if {@code predicate} is null
   */
  public BindOptions exposeWhere(Predicate<String> predicate) {
    if (predicate == null) {
      throw new InvalidArgumentException("predicate must not be null");
    }
    return new BindOptions(
        prefix, null, predicate, interceptor, localOnly, tailLease, metrics, admin);
  }

  /**
   * @param interceptor the authorisation hook called before every request
   * @return new options
   * @throws InvalidArgumentException if null
   */
  public BindOptions interceptor(BusInterceptor interceptor) {
    if (interceptor == null) {
      throw new InvalidArgumentException("interceptor must not be null");
    }
    return new BindOptions(
        prefix, listed, exposed, interceptor, localOnly, tailLease, metrics, admin);
  }

  /**
   * @param localOnly true to register local consumers only, invisible to other nodes of a
   *     clustered event bus (default false)
   * @return new options
   */
  public BindOptions localOnly(boolean localOnly) {
    return new BindOptions(
        prefix, listed, exposed, interceptor, localOnly, tailLease, metrics, admin);
  }

  /**
   * How long a tail session lives without hearing from its subscriber (any control
   * message renews it; {@link WalrusBusClient} renews automatically). When it lapses the
   * session is stopped, its acknowledged progress checkpointed and its resources released;
   * entries delivered but not acknowledged are delivered again to the consumer's next tail.
   *
   * @param lease at least 10 ms
   * @return new options
   * @throws InvalidArgumentException if null or shorter than 10 ms
   */
  public BindOptions tailLease(Duration lease) {
    if (lease == null || lease.toMillis() < 10) {
      throw new InvalidArgumentException("tail lease must be at least 10 ms, got " + lease);
    }
    return new BindOptions(prefix, listed, exposed, interceptor, localOnly, lease, metrics, admin);
  }

  /**
   * Sets the listener told of the binding's traffic (requests with their outcome, tail
   * deliveries and credits), e.g. the {@code walrus-micrometer} module's
   * {@code BusMeterBinder}. By default nothing is told.
   *
   * @param listener quick, non-blocking, thread-safe callbacks
   * @return new options
   * @throws InvalidArgumentException if null
   */
  public BindOptions metrics(BusMetricsListener listener) {
    if (listener == null) {
      throw new InvalidArgumentException("metrics listener must not be null");
    }
    return new BindOptions(
        prefix, listed, exposed, interceptor, localOnly, tailLease, listener, admin);
  }

  /**
   * Registers the admin address family ({@link Operation#isAdmin()}: delete a topic, read
   * and change its retention) too; off by default, because anyone who can reach an admin
   * address can delete data. Admin requests pass the exposure check and the
   * {@link #interceptor(BusInterceptor) interceptor} like every other request (the
   * {@link BusRequest#operation()} tells them apart), so an interceptor that authorises
   * by operation should refuse them to everyone but administrators.
   *
   * @param enabled true to register the admin addresses
   * @return new options
   */
  public BindOptions admin(boolean enabled) {
    return new BindOptions(
        prefix, listed, exposed, interceptor, localOnly, tailLease, metrics, enabled);
  }

  /** @return true if the admin address family is registered */
  public boolean isAdmin() {
    return admin;
  }

  /** @return the traffic listener (the default is told nothing and does nothing) */
  public BusMetricsListener metricsListener() {
    return metrics;
  }

  /** @return the address prefix */
  public String prefix() {
    return prefix;
  }

  /** @return the listed topics if exposure is by list, otherwise empty (all/predicate) */
  public Set<String> listedTopics() {
    return listed == null ? Set.of() : listed;
  }

  /** @return true if exposure is by an explicit list of topics */
  public boolean isListed() {
    return listed != null;
  }

  /**
   * @param topic a topic name
   * @return true if the topic is exposed
   */
  public boolean isExposed(String topic) {
    return topic != null && exposed.test(topic);
  }

  /** @return the interceptor (the default lets everything through) */
  public BusInterceptor interceptor() {
    return interceptor;
  }

  /** @return true if consumers are registered locally only */
  public boolean isLocalOnly() {
    return localOnly;
  }

  /** @return the tail session lease */
  public Duration tailLeaseValue() {
    return tailLease;
  }

  /**
   * @param topic a topic
   * @param op an operation
   * @return the per-topic address, {@code prefix.topic.suffix}
   */
  public String address(String topic, Operation op) {
    return prefix + "." + topic + "." + op.suffix();
  }

  /**
   * @param op an operation
   * @return the generic address {@code prefix.suffix} (topic in the
   *     {@link WalrusHeaders#TOPIC} header)
   */
  public String genericAddress(Operation op) {
    return prefix + "." + op.suffix();
  }

  @Override
  public String toString() {
    return "BindOptions{prefix="
        + prefix
        + ", exposed="
        + (listed != null ? listed : "predicate")
        + ", localOnly="
        + localOnly
        + ", tailLease="
        + tailLease
        + "}";
  }
}
