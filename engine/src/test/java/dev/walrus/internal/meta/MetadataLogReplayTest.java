package dev.walrus.internal.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.CorruptNamespaceException;
import dev.walrus.internal.core.OffsetLimit;
import dev.walrus.internal.storage.FileChannelBackend;
import dev.walrus.internal.storage.ForwardingBackend;
import dev.walrus.internal.storage.StorageFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay of the cursor journal (issue 13 items 4, 5, 6): bounded memory whatever the
 * journal's size; a fresh journal whose header was cut short or never written is
 * recreated; records that pass their checksum but cannot be right are a typed error,
 * never a wrapped offset. The journals are built byte by byte from docs/FORMAT.md.
 */
class MetadataLogReplayTest {
  @TempDir Path dir;

  /** Records the largest read any journal file is asked for. */
  private static final class ReadSizes extends ForwardingBackend {
    final AtomicLong largest = new AtomicLong();

    ReadSizes() {
      super(new FileChannelBackend());
    }

    @Override
    public String name() {
      return "read-sizes";
    }

    @Override
    public StorageFile open(Path path, boolean create, boolean syncWrites) throws IOException {
      StorageFile f = delegate.open(path, create, syncWrites);
      return new StorageFile() {
        @Override
        public Path path() {
          return f.path();
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
          f.write(src, position);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
          largest.accumulateAndGet(dst.remaining(), Math::max);
          return f.read(dst, position);
        }

        @Override
        public void force() throws IOException {
          f.force();
        }

        @Override
        public long size() throws IOException {
          return f.size();
        }

        @Override
        public void truncate(long size) throws IOException {
          f.truncate(size);
        }

        @Override
        public void close() throws IOException {
          f.close();
        }
      };
    }
  }

  // ------------------------------------------------------------------ encoding

  /** A version-1 header: still read (and rewritten as version 2 at open). */
  private static final byte[] HEADER = {0x57, 0x41, 0x4C, 0x43, 1, 0, 0, 0};

  /** The header written now. */
  private static final byte[] HEADER_V2 = {0x57, 0x41, 0x4C, 0x43, 2, 0, 0, 0};

  private static byte[] record(int type, byte[] body) {
    ByteBuffer b = ByteBuffer.allocate(8 + body.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0).putShort((short) body.length).put((byte) type).put((byte) 0).put(body);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 4, 4 + body.length);
    b.putInt(0, (int) crc.getValue());
    return b.array();
  }

  private static byte[] cursor(String topic, String consumer, long next) {
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    byte[] c = consumer.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(2 + t.length + c.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) t.length).put(t).put((byte) c.length).put(c).putLong(next);
    return record(1, b.array());
  }

  private static byte[] offsetRecord(int type, String topic, long value) {
    byte[] t = topic.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + t.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) t.length).put(t).putLong(value);
    return record(type, b.array());
  }

  private Path journal(byte[]... parts) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(HEADER);
    for (byte[] p : parts) {
      out.write(p);
    }
    Path p = dir.resolve(MetadataLog.FILE);
    Files.write(p, out.toByteArray());
    return p;
  }

  private MetadataLog open(ReadSizes backend) throws IOException {
    return MetadataLog.open(backend, dir, false, 16L << 20);
  }

  // ------------------------------------------------------------------ item 5

  @Test
  void aJournalLargerThanTheReplayBufferIsStreamedThroughIt() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(HEADER);
    int n = 100_000; // ~3 MiB of records: many times the buffer
    for (int i = 0; i < n; i++) {
      out.write(cursor("topic-" + (i % 7), "consumer-" + (i % 13), i));
    }
    Files.write(dir.resolve(MetadataLog.FILE), out.toByteArray());
    ReadSizes backend = new ReadSizes();
    try (MetadataLog j = open(backend)) {
      Map<String, MetadataLog.TopicState> s = j.snapshot();
      assertThat(s).hasSize(7);
      for (int i = n - 91; i < n; i++) { // the last record per key wins
        assertThat(s.get("topic-" + (i % 7)).cursors)
            .containsEntry("consumer-" + (i % 13), (long) i);
      }
    }
    assertThat(backend.largest.get())
        .as("largest read of the journal")
        .isLessThanOrEqualTo(MetadataLogReplay.BUFFER);
  }

  @Test
  void aThreeGibSparseJournalOpensInBoundedMemoryAndIsRewrittenSmall() throws Exception {
    Path p = journal(cursor("t", "", 42), offsetRecord(2, "t", 7));
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(3L << 30); // sparse: a hole of zeros, as a file system leaves it
    }
    ReadSizes backend = new ReadSizes();
    try (MetadataLog j = open(backend)) {
      assertThat(j.snapshot().get("t").cursors).containsEntry("", 42L);
      assertThat(j.snapshot().get("t").floor).isEqualTo(7);
    }
    assertThat(backend.largest.get())
        .as("largest read of the journal")
        .isLessThanOrEqualTo(MetadataLogReplay.BUFFER);
    assertThat(Files.size(p)).as("the journal rewritten at open").isLessThan(4096);
  }

  // ------------------------------------------------------------------ item 4

  @Test
  void aFreshJournalWithAZeroOrShortHeaderIsRecreated() throws Exception {
    for (byte[] found : new byte[][] {new byte[8], new byte[3], {0x57, 0x41, 0x4C}, {}}) {
      Path p = dir.resolve(MetadataLog.FILE);
      Files.write(p, found);
      try (MetadataLog j = open(new ReadSizes())) {
        assertThat(j.snapshot()).isEmpty();
        j.recordCursor(new byte[] {'t'}, "t", new byte[0], "", 3);
      }
      assertThat(Files.readAllBytes(p)).startsWith(HEADER_V2);
      try (MetadataLog j = open(new ReadSizes())) {
        assertThat(j.snapshot().get("t").cursors).containsEntry("", 3L);
      }
      Files.delete(p);
    }
  }

  @Test
  void aZeroHeaderBeforeValidRecordsKeepsThem() throws Exception {
    Path p = journal(cursor("t", "c", 9));
    byte[] b = Files.readAllBytes(p);
    java.util.Arrays.fill(b, 0, 8, (byte) 0); // the header's sector was lost
    Files.write(p, b);
    try (MetadataLog j = open(new ReadSizes())) {
      assertThat(j.snapshot().get("t").cursors).containsEntry("c", 9L);
    }
  }

  @Test
  void aNonZeroUnknownHeaderIsATypedErrorAndChangesNothing() throws Exception {
    for (byte[] header :
        new byte[][] {
          "GARBAGE!".getBytes(StandardCharsets.US_ASCII),
          {0x57, 0x41, 0x4C, 0x43, 3, 0, 0, 0},
          {0x57, 0x41, 0x58}
        }) {
      Path p = dir.resolve(MetadataLog.FILE);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(header);
      if (header.length == 8) {
        out.write(cursor("t", "c", 9));
      }
      Files.write(p, out.toByteArray());
      assertThatThrownBy(() -> open(new ReadSizes()))
          .isInstanceOf(CorruptNamespaceException.class)
          .hasMessageContaining("cursors.log");
      assertThat(Files.readAllBytes(p)).as("left as found").isEqualTo(out.toByteArray());
    }
  }

  // ------------------------------------------------------------------ item 6

  @Test
  void impossibleOffsetsAreATypedErrorNamingTheValue() throws Exception {
    long[] bad = {Long.MAX_VALUE, -1, Long.MIN_VALUE, OffsetLimit.MAX + 1};
    for (int type : new int[] {1, 2, 3}) {
      for (long v : bad) {
        byte[] rec = type == 1 ? cursor("t", "c", v) : offsetRecord(type, "t", v);
        Path p = journal(cursor("t", "", 1), rec);
        byte[] before = Files.readAllBytes(p);
        assertThatThrownBy(() -> open(new ReadSizes()))
            .as("type %d value %d", type, v)
            .isInstanceOf(CorruptNamespaceException.class)
            .hasMessageContaining(Long.toString(v))
            .hasMessageContaining("byte 27");
        assertThat(Files.readAllBytes(p)).as("left as found").isEqualTo(before);
      }
    }
    journal(offsetRecord(3, "t", OffsetLimit.MAX), cursor("t", "", 0));
    try (MetadataLog j = open(new ReadSizes())) { // the limit itself is a possible next offset
      assertThat(j.snapshot().get("t").restarts).containsExactly(OffsetLimit.MAX);
    }
  }

  @Test
  void recordsWithForgedLengthsTypesOrNamesAreATypedError() throws Exception {
    byte[][] forged = {
      record(9, new byte[] {1, 't', 0, 0, 0, 0, 0, 0, 0, 0}), // unknown type
      record(3, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0}), // empty topic name
      record(3, new byte[] {(byte) 200, 't', 0, 0, 0, 0, 0, 0, 0, 0}), // name runs past the body
      record(1, new byte[] {1, 't', (byte) 250, 'c', 0, 0, 0, 0, 0, 0, 0, 0}), // consumer length
      record(2, new byte[] {1, 't', 0, 0, 0, 0}), // short FLOOR body
      record(3, new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0}), // NUL in the name
      record(3, new byte[] {2, (byte) 0xC3, (byte) 0x28, 0, 0, 0, 0, 0, 0, 0, 0}), // bad UTF-8
    };
    for (byte[] f : forged) {
      journal(cursor("t", "", 1), f);
      assertThatThrownBy(() -> open(new ReadSizes()))
          .isInstanceOf(CorruptNamespaceException.class)
          .hasMessageContaining("byte 27");
    }
  }

  @Test
  void aTornRecordEndsReplayAndIsCutByTheRewrite() throws Exception {
    byte[] torn = cursor("t", "", 5);
    torn[torn.length - 1] ^= 1; // fails its checksum
    Path p = journal(cursor("t", "", 4), torn, cursor("t", "", 6));
    try (MetadataLog j = open(new ReadSizes())) {
      assertThat(j.snapshot().get("t").cursors).containsEntry("", 4L);
    }
    assertThat(Files.size(p)).isEqualTo(8 + cursor("t", "", 4).length);
  }
}
