/**
 * The Reactor API of Walrus: non-blocking {@code Mono}/{@code Flux} operations over an
 * engine instance.
 *
 * <p>Only {@link dev.walrus.reactive} is public API; {@code dev.walrus.reactive.internal}
 * (the operators, consumer groups and engine-call plumbing) is not exported.
 *
 * <p>BlockHound is optional ({@code requires static}): {@link
 * dev.walrus.reactive.WalrusBlockHoundIntegration} is registered as a service (here and in
 * {@code META-INF/services}, for the class path) and is loaded only by an application
 * that installs BlockHound.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Reactor is one
module dev.walrus.reactive {
  requires transitive dev.walrus;
  requires transitive reactor.core;
  requires transitive org.reactivestreams;
  requires static reactor.blockhound;

  exports dev.walrus.reactive;

  provides reactor.blockhound.integration.BlockHoundIntegration
      with dev.walrus.reactive.WalrusBlockHoundIntegration;
}
