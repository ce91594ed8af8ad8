package dev.walrus.bench.peer;

import java.nio.file.Path;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The Java peer: an open-source Chronicle Queue used the way a write-ahead log is used —
 * opaque byte entries appended by one {@link ExcerptAppender} and read back, copied into a
 * fresh {@code byte[]} as {@code Walrus.readNext} does, by an {@link ExcerptTailer}.
 *
 * <p>What the peer does not have: no fsync per append (the open-source queue leaves
 * flushing to the OS; its {@code syncMode} syncs a mapped chunk when the writer leaves it),
 * no periodic fsync schedule, no atomic multi-entry batch (a "batch" here is 1,000
 * appends), no persisted per-read cursor with a durability schedule, no reactive API.
 */
public final class ChroniclePeer implements AutoCloseable {
  /**
   * What Chronicle Queue needs on Java 17 (it reaches into JDK internals for off-heap
   * memory, cleaners and the JIT-compiled marshallers), plus the switch that stops its
   * usage analytics. Passed to every benchmark JVM, ours too, so both run alike.
   */
  public static final List<String> JVM_ARGS =
      List.of(
          "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
          "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "-Dchronicle.analytics.disable=true",
          "-Dchronicle.announcer.disable=true");

  private final ChronicleQueue queue;
  private final ExcerptAppender appender;
  private final ExcerptTailer tailer;

  private ChroniclePeer(Path dir) {
    this.queue = SingleChronicleQueueBuilder.binary(dir.toFile()).build();
    this.appender = queue.createAppender();
    this.tailer = queue.createTailer();
  }

  /**
   * Opens (or creates) a queue in {@code dir}.
   *
   * @param dir the queue's directory
   * @return the peer, with one appender and one tailer from the start
   */
  public static ChroniclePeer open(Path dir) {
    return new ChroniclePeer(dir);
  }

  /**
   * Appends one entry (one Chronicle document holding the raw bytes).
   *
   * @param payload the entry
   */
  public void append(byte[] payload) {
    try (DocumentContext dc = appender.writingDocument()) {
      dc.wire().bytes().write(payload);
    }
  }

  /**
   * @return the index of the last entry this peer appended
   */
  public long lastIndexAppended() {
    return appender.lastIndexAppended();
  }

  /**
   * Reads the next entry, copying it as {@code Walrus.readNext} does.
   *
   * @return the entry, or null when the tailer is at the end
   */
  public byte[] readNext() {
    try (DocumentContext dc = tailer.readingDocument()) {
      if (!dc.isPresent()) {
        return null;
      }
      Bytes<?> b = dc.wire().bytes();
      byte[] out = new byte[(int) b.readRemaining()];
      b.read(out);
      return out;
    }
  }

  /**
   * Reads the next entry without copying it: its first byte, where it lies.
   *
   * @return the byte, or {@link Integer#MIN_VALUE} when the tailer is at the end
   */
  public int readFirstByte() {
    try (DocumentContext dc = tailer.readingDocument()) {
      if (!dc.isPresent()) {
        return Integer.MIN_VALUE;
      }
      Bytes<?> b = dc.wire().bytes();
      return b.readByte(b.readPosition());
    }
  }

  /** Moves the tailer back to the first entry. */
  public void rewind() {
    tailer.toStart();
  }

  /**
   * @return a tailer of its own, for a reader on another thread
   */
  public ExcerptTailer newTailer() {
    return queue.createTailer();
  }

  @Override
  public void close() {
    appender.close();
    tailer.close();
    queue.close();
  }
}
