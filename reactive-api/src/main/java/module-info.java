/**
 * The Reactor API of Walrus: non-blocking {@code Mono}/{@code Flux} operations over an
 * engine instance.
 *
 * <p>Only {@link dev.walrus.reactive} is public API; {@code dev.walrus.reactive.internal}
 * (the operators, consumer groups and engine-call plumbing) is not exported.
 *
 * <p>BlockHound is optional ({@code requires static}). {@link
 * dev.walrus.reactive.WalrusBlockHoundIntegration} is registered in {@code
 * META-INF/services}, which BlockHound finds on the class path. It is deliberately not a
 * {@code provides} here: a service whose type lives in a module that is absent stops the
 * boot layer from resolving, so every module-path application would need BlockHound. On
 * the module path, install it explicitly: {@code BlockHound.install(new
 * WalrusBlockHoundIntegration())}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // Reactor is one
module dev.walrus.reactive {
  requires transitive dev.walrus;
  requires transitive reactor.core;
  requires transitive org.reactivestreams;
  requires static reactor.blockhound;

  exports dev.walrus.reactive;
}
