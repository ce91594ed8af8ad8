package dev.walrus.internal.storage.uring;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.unix.Buffer;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoEvent;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringIoOps;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One io_uring instance driven by Netty's io_uring event loop (a single daemon thread),
 * used for file I/O: raw {@link IoUringIoOps} submissions on file descriptors through an
 * {@link IoUringIoHandle} registration, as OpenSearch's async file I/O does.
 *
 * <p>Callers block, uninterruptibly (a {@code Thread.interrupt()} is kept in the thread's
 * status, never turned into a failure), until every completion of their submission has
 * arrived; each
 * operation keeps its buffer reachable (in {@link #pending}) until the kernel is done
 * with it, even if the caller gives up waiting. Completions run on the ring's thread and
 * only complete futures. Thread-safe.
 *
 * <p>Lifetimes: an operation counts as in flight from the moment Netty accepted it (it may
 * still sit in the loop's task queue) until its completion arrived; no other event removes
 * it. {@link #close} refuses new submissions, waits for every operation in flight, and only
 * then cancels the registration and destroys the ring (Netty's own teardown waits for the
 * kernel for at most 200 ms, and cancelling a registration with submissions still queued
 * would send them to the kernel with nobody left to receive their completions). Memory of
 * an operation that still has not completed when the ring must go anyway (a hung device)
 * is never freed: it is moved to {@link #ORPHANS}, a leak instead of a kernel write into
 * memory that the C heap has handed out again.
 */
public final class IoUringRing implements AutoCloseable {
  // Opcodes and flags of the io_uring ABI (linux/io_uring.h); stable kernel interface.
  private static final byte OP_FSYNC = 3;
  private static final byte OP_OPENAT = 18;
  private static final byte OP_CLOSE = 19;
  private static final byte OP_READ = 22;
  private static final byte OP_WRITE = 23;
  private static final int FSYNC_DATASYNC = 1;
  private static final int AT_FDCWD = -100;
  private static final int O_RDWR = 2;
  private static final int O_DSYNC = 4096;
  private static final int O_CLOEXEC = 524288;
  private static final int O_NOFOLLOW = 131072;
  private static final int ELOOP = 40;
  private static final long TIMEOUT_SECONDS = 120;

  /**
   * What the kernel may still read or write after its ring was torn down with operations
   * in flight: kept reachable for the life of the JVM, so their memory is never freed.
   */
  private static final java.util.Set<Object> ORPHANS = ConcurrentHashMap.newKeySet();

  private final MultiThreadIoEventLoopGroup group;
  private final IoRegistration registration;
  private final ConcurrentHashMap<Short, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();

  /** Guards {@link #closed} against submissions: held from the check to Netty's accept. */
  private final Object lifecycle = new Object();

  private volatile boolean closed;

  /** One submitted operation: its result and what must stay alive until it completes. */
  private static final class Pending {
    final CompletableFuture<Integer> result = new CompletableFuture<>();
    final Object keepAlive;

    Pending(Object keepAlive) {
      this.keepAlive = keepAlive;
    }
  }

  /** A positional read or write of {@code buffer}'s remaining bytes. */
  public static final class Op {
    final int fd;
    final ByteBuffer buffer;
    final long position;

    /**
     * @param fd file descriptor from {@link #open}
     * @param buffer a direct buffer; its remaining bytes are written, or filled by a read
     * @param position file position
     */
    public Op(int fd, ByteBuffer buffer, long position) {
      if (!buffer.isDirect()) {
        throw new IllegalArgumentException("io_uring needs direct buffers");
      }
      this.fd = fd;
      this.buffer = buffer;
      this.position = position;
    }
  }

  private IoUringRing() throws IOException {
    group =
        new MultiThreadIoEventLoopGroup(
            1,
            r -> {
              Thread t = new Thread(r, "walrus-io_uring");
              t.setDaemon(true);
              return t;
            },
            IoUringIoHandler.newFactory());
    try {
      IoEventLoop loop = group.next();
      registration = loop.register(new Handle()).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw new IOException("cannot register with the io_uring event loop: " + e, e);
    }
  }

  /**
   * What Netty says of io_uring in this process. Called only by {@link IoUringSupport},
   * which has checked the operating system and the transport's presence first and turns a
   * {@link LinkageError} thrown here into its reason.
   *
   * @return null if io_uring can be used here, otherwise why not
   */
  static String unavailabilityReason() {
    if (IoUring.isAvailable()) {
      return null;
    }
    Throwable t = IoUring.unavailabilityCause();
    return "Netty io_uring unavailable: " + (t == null ? "unknown" : t.toString());
  }

  private static IoUringRing shared;

  /**
   * The process's ring, started on first use and never closed: every instance submits to
   * it (it is thread-safe), so opening and closing instances starts and stops no ring and
   * no thread. Tearing rings down is where the lifetime hazards live (an operation still in
   * flight, Netty's eventfd wake-up racing the loop thread's exit: glibc heap-corruption
   * aborts were seen with one ring per instance), and one ring is also one thread for any
   * number of instances.
   *
   * @throws IOException if it cannot be set up (memlock limit, seccomp, ...); a later call
   *     tries again
   */
  public static synchronized IoUringRing shared() throws IOException {
    if (shared == null) {
      shared = start();
    }
    return shared;
  }

  /** @return whether this is the process's {@link #shared()} ring, which is never closed */
  boolean isShared() {
    synchronized (IoUringRing.class) {
      return this == shared;
    }
  }

  /**
   * Starts a ring of its own (tests; the engine uses {@link #shared()}).
   *
   * @throws IOException if it cannot be set up (memlock limit, seccomp, ...)
   */
  public static IoUringRing start() throws IOException {
    try {
      return new IoUringRing();
    } catch (LinkageError | RuntimeException e) {
      throw new IOException("cannot start io_uring: " + e, e);
    }
  }

  /**
   * Opens a file read-write through the ring ({@code O_DSYNC} if {@code dsync}), never
   * following a symbolic link ({@code O_NOFOLLOW}).
   *
   * @throws IOException naming the path, also when it is a symbolic link
   */
  public int open(Path path, boolean dsync) throws IOException {
    byte[] name = path.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer cPath = ByteBuffer.allocateDirect(name.length + 1);
    cPath.put(name).put((byte) 0).flip();
    int flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW | (dsync ? O_DSYNC : 0);
    int res =
        awaitResult(
            submit(OP_OPENAT, AT_FDCWD, 0, Buffer.memoryAddress(cPath), 0600, flags, cPath),
            "open " + path);
    if (res == -ELOOP) {
      throw new java.nio.file.FileSystemException(
          path.toString(),
          null,
          "is a symbolic link; Walrus never follows symbolic links to its files");
    }
    return check(res, "open " + path);
  }

  /** Closes a descriptor opened by {@link #open}. */
  public void close(int fd) throws IOException {
    await(submit(OP_CLOSE, fd, 0, 0, 0, 0, null), "close");
  }

  /**
   * Submits every write at once, then waits for all completions. Fails if any write
   * failed or was short (the bytes of the others may be on disk: the caller rolls back).
   */
  public void writeAll(List<Op> ops) throws IOException {
    run(OP_WRITE, ops, true);
  }

  /**
   * Submits every read at once, then waits for all. Each buffer's position advances by
   * what was read; a read may be short only at the end of the file.
   */
  public void readAll(List<Op> ops) throws IOException {
    run(OP_READ, ops, false);
  }

  private void run(byte opcode, List<Op> ops, boolean exact) throws IOException {
    @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: no other way to create it
    CompletableFuture<Integer>[] fs = new CompletableFuture[ops.size()];
    for (int i = 0; i < fs.length; i++) {
      Op op = ops.get(i);
      ByteBuffer b = op.buffer;
      long addr = Buffer.memoryAddress(b) + b.position();
      fs[i] = submit(opcode, op.fd, op.position, addr, b.remaining(), 0, b);
    }
    IOException failure = null;
    for (int i = 0; i < fs.length; i++) {
      Op op = ops.get(i);
      try {
        int n = await(fs[i], opcode == OP_WRITE ? "write" : "read");
        if (exact && n != op.buffer.remaining()) {
          completeShortWrite(op, n);
        } else {
          op.buffer.position(op.buffer.position() + n);
        }
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Continues a write the kernel completed short, as a {@code pwrite} loop does: the next
   * write of the rest either completes it or fails with the reason the first one stopped
   * (a full disk is then ENOSPC, not a bare short count).
   */
  private void completeShortWrite(Op op, int firstWritten) throws IOException {
    ByteBuffer b = op.buffer;
    long position = op.position;
    int n = firstWritten;
    while (n > 0) {
      b.position(b.position() + n);
      position += n;
      if (!b.hasRemaining()) {
        return;
      }
      n =
          await(
              submit(
                  OP_WRITE,
                  op.fd,
                  position,
                  Buffer.memoryAddress(b) + b.position(),
                  b.remaining(),
                  0,
                  b),
              "write");
    }
    throw new IOException(
        "short io_uring write: no progress with " + b.remaining() + " bytes left at " + position);
  }

  /** Fsyncs (fdatasync) every descriptor with one submission, then waits for all. */
  public void fsyncAll(int[] fds) throws IOException {
    @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array: no other way to create it
    CompletableFuture<Integer>[] fs = new CompletableFuture[fds.length];
    for (int i = 0; i < fds.length; i++) {
      fs[i] = submit(OP_FSYNC, fds[i], 0, 0, 0, FSYNC_DATASYNC, null);
    }
    IOException failure = null;
    for (CompletableFuture<Integer> f : fs) {
      try {
        await(f, "fsync");
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private CompletableFuture<Integer> submit(
      byte opcode, int fd, long offset, long addr, int len, int opFlags, Object keepAlive)
      throws IOException {
    Pending p = new Pending(keepAlive);
    synchronized (lifecycle) { // close() cannot cancel the registration between check and accept
      if (closed) {
        throw new IOException("io_uring ring closed");
      }
      short id;
      do {
        id = (short) (ids.incrementAndGet() & 0x7FFF);
      } while (id == 0 || pending.putIfAbsent(id, p) != null);
      // user data = the id, which fits in 16 bits: Netty's fast path routes the completion
      // back to this handle with it (IoUringIoEvent.userData)
      IoUringIoOps ops =
          new IoUringIoOps(
              opcode, (byte) 0, (short) 0, fd, offset, addr, len, opFlags, (long) id, (short) 0,
              (short) 0, 0, 0L);
      long token;
      try {
        token = registration.submit(ops);
      } catch (RuntimeException e) { // the loop rejected the task: nothing was queued
        pending.remove(id);
        throw new IOException("io_uring submission refused: " + e, e);
      }
      if (token == 0) { // Netty's INVALID_ID: not queued
        pending.remove(id);
        throw new IOException("io_uring submission refused (ring closed?)");
      }
      // Accepted: queued for the loop, or already in the kernel. Only its completion (or
      // the ring's teardown, which orphans it) removes it from pending from now on.
    }
    return p.result;
  }

  private static int await(CompletableFuture<Integer> f, String what) throws IOException {
    return check(awaitResult(f, what), what);
  }

  private static int check(int res, String what) throws IOException {
    if (res < 0) {
      throw new IOException("io_uring " + what + " failed: errno " + (-res) + errnoName(-res));
    }
    return res;
  }

  /**
   * Waits for a completion without being interruptible: the kernel works on the operation
   * whatever the caller's thread does, and giving up on it would turn an interrupt into a
   * failed write or fsync (and so into a poisoned instance). An interrupt that arrives
   * meanwhile is kept in the thread's status.
   */
  private static int awaitResult(CompletableFuture<Integer> f, String what) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    boolean interrupted = false;
    try {
      for (; ; ) {
        try {
          return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
          throw new IOException("io_uring " + what + " did not complete: " + e, e);
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String errnoName(int errno) {
    switch (errno) {
      case 5:
        return " (EIO)";
      case 28:
        return " (ENOSPC)";
      case 9:
        return " (EBADF)";
      case 13:
        return " (EACCES)";
      case 2:
        return " (ENOENT)";
      default:
        return "";
    }
  }

  /**
   * Closes the ring: refuses new operations, waits (uninterruptibly, up to the operation
   * timeout) until every operation in flight has completed, then destroys the ring and
   * waits for its thread to end. Idempotent.
   */
  @Override
  public void close() {
    boolean interrupted = false;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      while (!pending.isEmpty() && System.nanoTime() < deadline) {
        try {
          lifecycle.wait(10); // woken by the last completion; polls in case of a race
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    orphanPending("io_uring ring closed with operations in flight"); // normally none
    registration.cancel();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    if (!group.terminationFuture().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      // its thread is stuck: what it still owns stays allocated (orphaned above)
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Fails every operation still pending, keeping what the kernel may touch reachable
   * forever: its ring is going away without its completion.
   */
  private void orphanPending(String why) {
    for (Short id : pending.keySet()) {
      Pending p = pending.remove(id);
      if (p != null) {
        if (p.keepAlive != null) {
          ORPHANS.add(p.keepAlive);
        }
        p.result.completeExceptionally(new IOException(why));
      }
    }
  }

  /** @return how many operations are in flight (tests) */
  int inFlight() {
    return pending.size();
  }

  /** Receives completions on the ring's thread. */
  private final class Handle implements IoUringIoHandle {
    @Override
    public void handle(IoRegistration reg, IoEvent event) {
      IoUringIoEvent e = (IoUringIoEvent) event;
      Pending p = pending.remove((short) e.userData());
      if (p != null) {
        p.result.complete(e.res());
        if (closed && pending.isEmpty()) {
          synchronized (lifecycle) {
            lifecycle.notifyAll();
          }
        }
      }
    }

    @Override
    public void close() {
      // Netty destroys the ring: only after close() waited for every operation, unless the
      // group died otherwise. Never free what the kernel may still write.
      orphanPending("io_uring registration closed");
    }
  }
}
