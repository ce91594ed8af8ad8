package dev.walrus.internal.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Direct buffers that writers and readers borrow at the start of an operation
 * ({@link #take}) and give back at its end ({@link #give}), so direct memory follows the
 * number of operations running at once, never the number of topics, cursors or open
 * instances. An idle topic holds no buffer; an idle instance holds none either, since every
 * instance of the process borrows from the one {@link #shared()} pool.
 *
 * <p>Buffers come in power-of-two sizes from {@value #MIN_SIZE} bytes to
 * {@value #MAX_SIZE} bytes. Each size keeps a bounded number of spare buffers (about
 * {@value #RETAIN_PER_SIZE} bytes' worth, at least 1, at most 64: about 14 MiB in
 * all); a buffer given back to a
 * full size is dropped and freed by the garbage collector (never explicitly: a view a
 * caller kept against its contract stays memory-safe). So the direct memory a pool
 * retains is bounded by {@link #maxRetainedBytes()} whatever the number of topics and instances; more is only
 * in use while that many operations run at once. Taking and giving back is lock-free
 * and allocation-free once warm: one scan of a small slot array and one compare-and-set.
 *
 * <p>A borrower may ask for the buffer it gave back last ({@link Lease#kept}): if no one
 * took that buffer in between, {@link #take} returns it with its contents as they were, so
 * a reader that gives its read-ahead buffer back after every read still reads ahead.
 *
 * <p>A hot sequential reader may instead keep its buffer between reads, skipping the take
 * and the give, but only while it holds one of the pool's {@value #MAX_KEPT} keep permits
 * ({@link #tryKeep}, given back with {@link #unkeep}): what readers keep between reads is
 * bounded by {@value #MAX_KEPT} read-ahead buffers per process, whatever the number of
 * readers, and each reader gives its permit back once it stops reading (see
 * {@code ReadWindow} in the read package). Thread-safe.
 */
public final class BufferPool {
  /** Smallest buffer handed out. */
  public static final int MIN_SIZE = 4096;

  /** Most readers of the process that may keep a buffer between reads at once. */
  public static final int MAX_KEPT = 64;

  /** Largest buffer pooled; larger requests get a buffer of their own, never retained. */
  public static final int MAX_SIZE = 4 << 20;

  /** About how many bytes of spare buffers each size keeps. */
  public static final int RETAIN_PER_SIZE = 1 << 20;

  private static final int MIN_SHIFT = 12;
  private static final int CLASSES = 11; // 4 KiB .. 4 MiB

  /** Spare buffers: size class {@code c} owns {@code count[c]} slots from {@code base[c]}. */
  private final AtomicReferenceArray<Lease> slots;

  private final int[] base = new int[CLASSES];
  private final int[] count = new int[CLASSES];
  private final AtomicLong tokens = new AtomicLong();
  private final AtomicInteger kept = new AtomicInteger();

  /** A pooled direct buffer (little-endian) and its read-only view. */
  public static final class Lease {
    private final ByteBuffer buffer;
    private final ByteBuffer view;
    private final int sizeClass;

    /** The borrower that last held it (0: none), see {@link #keep}. */
    private volatile long owner;

    /** True if {@link #take} returned it to the borrower that gave it back, untouched. */
    private boolean kept;

    private Lease(int capacity, int sizeClass) {
      this.buffer = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
      this.view = buffer.asReadOnlyBuffer();
      this.sizeClass = sizeClass;
    }

    /** @return the buffer (little-endian; position and limit as the borrower left them) */
    public ByteBuffer buffer() {
      return buffer;
    }

    /** @return a read-only view of the same memory (big-endian, as any new view) */
    public ByteBuffer view() {
      return view;
    }

    /**
     * @return true if the last {@link #take} handed this buffer back to the borrower that
     *     gave it back last, with nothing written to it in between; false if its contents
     *     are anyone's
     */
    public boolean kept() {
      return kept;
    }
  }

  private static final BufferPool SHARED = new BufferPool();

  /**
   * @return the process's pool, shared by every open instance (an instance's spare buffers
   *     would otherwise multiply by the number of namespaces open)
   */
  public static BufferPool shared() {
    return SHARED;
  }

  /** A pool holding no buffer yet. */
  public BufferPool() {
    int total = 0;
    for (int c = 0; c < CLASSES; c++) {
      base[c] = total;
      count[c] = Math.max(1, Math.min(64, RETAIN_PER_SIZE / (MIN_SIZE << c))); // a power of 2
      total += count[c];
    }
    slots = new AtomicReferenceArray<>(total);
  }

  /** @return a borrower identity for {@link #take}, unique within this pool (never 0) */
  public long newBorrower() {
    return tokens.incrementAndGet();
  }

  /**
   * Takes one of the {@value #MAX_KEPT} permits to keep a borrowed buffer between
   * operations (instead of giving it back at the end of each).
   *
   * @return true if a permit was taken (give it back with {@link #unkeep}); false if all
   *     are held (then give the buffer back as usual)
   */
  public boolean tryKeep() {
    int n;
    do {
      n = kept.get();
      if (n >= MAX_KEPT) {
        return false;
      }
    } while (!kept.compareAndSet(n, n + 1));
    return true;
  }

  /** Gives back a permit {@link #tryKeep} took. */
  public void unkeep() {
    kept.decrementAndGet();
  }

  /** @return how many keep permits are held now (tests, measurements) */
  public int keptNow() {
    return kept.get();
  }

  /** @return the most direct memory the pool keeps while nothing is borrowed */
  public long maxRetainedBytes() {
    long total = 0;
    for (int c = 0; c < CLASSES; c++) {
      total += (long) count[c] * (MIN_SIZE << c);
    }
    return total;
  }

  /** @return the direct memory held by spare buffers now (for tests and measurements) */
  public long retainedBytes() {
    long total = 0;
    for (int c = 0; c < CLASSES; c++) {
      for (int i = base[c]; i < base[c] + count[c]; i++) {
        if (slots.get(i) != null) {
          total += MIN_SIZE << c;
        }
      }
    }
    return total;
  }

  /**
   * Borrows a buffer of at least {@code size} bytes: the one {@code borrower} gave back last
   * if it is still spare (then {@link Lease#kept} is true and its contents, position and
   * limit are as they were), else any spare one or a new one (cleared).
   *
   * @param size the least capacity needed
   * @param borrower from {@link #newBorrower}, or 0 for a buffer whose contents do not matter
   * @return the lease; give it back with {@link #give} once the operation ends
   */
  public Lease take(int size, long borrower) {
    return take(size, borrower, -1);
  }

  /**
   * The same, looking first in {@code slotHint}, the slot {@link #give} returned when the
   * borrower gave its buffer back: a reader that borrows and gives back its read-ahead on
   * every read finds it with one read and one compare-and-set, no scan.
   *
   * @param size the least capacity needed
   * @param borrower from {@link #newBorrower}, or 0 for a buffer whose contents do not matter
   * @param slotHint what {@link #give} returned for the borrower's last buffer, or -1
   * @return the lease; give it back with {@link #give} once the operation ends
   */
  public Lease take(int size, long borrower, int slotHint) {
    if (borrower != 0 && slotHint >= 0 && slotHint < slots.length()) {
      Lease l = slots.get(slotHint);
      if (l != null
          && l.owner == borrower
          && (MIN_SIZE << l.sizeClass) >= size
          && slots.compareAndSet(slotHint, l, null)) {
        l.kept = l.owner == borrower; // as below: a taker in between set itself as owner
        return hand(l, borrower);
      }
    }
    if (size > MAX_SIZE) {
      Lease own = new Lease(size, -1);
      own.owner = borrower;
      return own;
    }
    int c = sizeClass(size);
    AtomicReferenceArray<Lease> s = slots;
    int from = base[c];
    int n = count[c];
    if (borrower != 0) {
      for (int i = from; i < from + n; i++) {
        Lease l = s.get(i);
        if (l != null && l.owner == borrower && s.compareAndSet(i, l, null)) {
          // Anyone who took it in between set its owner to themselves before giving it back.
          l.kept = l.owner == borrower;
          return hand(l, borrower);
        }
      }
    }
    int start = start(n);
    for (int k = 0; k < n; k++) {
      int i = from + ((start + k) & (n - 1));
      Lease l = s.get(i);
      if (l != null && s.compareAndSet(i, l, null)) {
        l.kept = false;
        return hand(l, borrower);
      }
    }
    Lease fresh = new Lease(MIN_SIZE << c, c);
    return hand(fresh, borrower);
  }

  private static Lease hand(Lease l, long borrower) {
    if (!l.kept) {
      l.owner = borrower;
      l.buffer.clear();
    }
    return l;
  }

  /**
   * Gives a borrowed buffer back. The borrower must not touch it (nor views of it) after
   * this; it may ask for it again with {@link #take}.
   *
   * @param l the lease, or null (nothing to give back)
   * @return the slot it now sits in (a hint for the borrower's next {@link #take}), or -1 if
   *     it was not kept
   */
  public int give(Lease l) {
    return give(l, -1);
  }

  /**
   * The same, trying {@code slotHint} first (where the borrower found it: usually still
   * free).
   *
   * @param l the lease, or null (nothing to give back)
   * @param slotHint what the last {@code give} returned for this borrower, or -1
   * @return the slot it now sits in, or -1 if it was not kept
   */
  public int give(Lease l, int slotHint) {
    if (l == null || l.sizeClass < 0) {
      return -1; // an oversized buffer: the garbage collector frees it
    }
    AtomicReferenceArray<Lease> s = slots;
    int from = base[l.sizeClass];
    int n = count[l.sizeClass];
    if (slotHint >= from
        && slotHint < from + n
        && s.get(slotHint) == null
        && s.compareAndSet(slotHint, null, l)) {
      return slotHint;
    }
    int start = start(n);
    for (int k = 0; k < n; k++) {
      int i = from + ((start + k) & (n - 1));
      if (s.get(i) == null && s.compareAndSet(i, null, l)) {
        return i;
      }
    }
    return -1; // full: dropped; the garbage collector frees it
  }

  /** Where a thread starts scanning, so threads mostly touch different slots. */
  private static int start(int n) {
    long id = Thread.currentThread().getId();
    return (int) (id * 0x9E3779B9L >>> 16) & (n - 1);
  }

  private static int sizeClass(int size) {
    int c = 32 - Integer.numberOfLeadingZeros(Math.max(size, MIN_SIZE) - 1) - MIN_SHIFT;
    return c;
  }
}
