/**
 * The Walrus engine: an embedded, durable, topic-organised write-ahead log.
 *
 * <p>Only {@link dev.walrus} is public API. Every {@code dev.walrus.internal.*} package
 * (today {@code config}, {@code core}, {@code cursor}, {@code engine}, {@code format},
 * {@code maintenance}, {@code meta}, {@code read}, {@code reclaim}, {@code recovery}, {@code storage},
 * {@code storage.uring}, {@code write}) is encapsulated: none is exported, not even to the other Walrus
 * modules, which use the public API only. A package that another Walrus module must
 * see is exported to that module alone ({@code exports ... to}), here.
 *
 * <p>Netty's io_uring transport is optional, and so is all of Netty ({@code requires static}):
 * the engine's Maven dependencies on it are {@code <optional>}, so an application gets it
 * only by adding {@code io.netty:netty-transport-native-io_uring} (classifier
 * {@code linux-x86_64} or {@code linux-aarch_64}) itself. Without it, on another OS, or when
 * the kernel refuses io_uring, the engine uses positional I/O and logs one line saying
 * why. On the class path nothing else is needed; on the module path, add {@code
 * --add-modules io.netty.transport.classes.io_uring,}{@code
 * io.netty.transport.io_uring.linux.x86_64} (the classes and the native library; Netty
 * 4.2.18 gives the aarch_64 native jar that same module name, so put only the native jar of
 * your architecture on the module path).
 */
module dev.walrus {
  requires org.slf4j;
  // the numeric user id of the process (ProcessUser); absent: not a Unix system
  requires static jdk.security.auth;
  // sun.misc.Unsafe#invokeCleaner unmaps a mapped data file at once (MappedFileBackend)
  requires jdk.unsupported;
  // Netty only for io_uring (storage.uring), reached only after IoUringSupport found it
  requires static io.netty.common;
  requires static io.netty.transport;
  requires static io.netty.transport.unix.common;
  requires static io.netty.transport.classes.io_uring;

  exports dev.walrus;
}
