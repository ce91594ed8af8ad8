/**
 * The Walrus engine: an embedded, durable, topic-organised write-ahead log.
 *
 * <p>Only {@link dev.walrus} is public API. Every {@code dev.walrus.internal.*} package
 * (today {@code config}, {@code core}, {@code cursor}, {@code engine}, {@code format},
 * {@code meta}, {@code read}, {@code reclaim}, {@code recovery}, {@code storage},
 * {@code storage.uring}, {@code write}) is encapsulated: none is exported, not even to the other Walrus
 * modules, which use the public API only. A package that another Walrus module must
 * see is exported to that module alone ({@code exports ... to}), here.
 *
 * <p>Netty's io_uring transport is optional ({@code requires static}): without it the
 * engine uses positional I/O, as whenever io_uring is unavailable (it logs why). On the
 * module path, add {@code --add-modules io.netty.transport.classes.io_uring,}{@code
 * io.netty.transport.io_uring.linux.x86_64} (the classes and the native library) to use
 * it; on the class path nothing is needed. The Netty modules it builds on are always
 * there (the engine's Maven dependencies bring them) and are plain {@code requires}.
 */
module dev.walrus {
  requires org.slf4j;
  // the numeric user id of the process (ProcessUser); absent: not a Unix system
  requires static jdk.security.auth;
  // sun.misc.Unsafe#invokeCleaner unmaps a mapped data file at once (MappedFileBackend)
  requires jdk.unsupported;
  requires io.netty.common;
  requires io.netty.transport;
  requires io.netty.transport.unix.common;
  requires static io.netty.transport.classes.io_uring;

  exports dev.walrus;
}
