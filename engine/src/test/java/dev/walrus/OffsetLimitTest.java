package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 6: offsets never wrap. A forged RESTART record (valid checksum) used to
 * make appends return {@code Long.MAX_VALUE}, then {@code Long.MIN_VALUE}. An offset past
 * {@link Walrus#MAX_OFFSET} is now a typed error at open, and an append that would pass
 * it is refused with a typed error, writing nothing.
 */
class OffsetLimitTest {
  @TempDir Path dir;

  private Walrus open() {
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(4)
        .quiet(true)
        .open();
  }

  /** Appends a RESTART record for topic "t" at {@code offset}, as a forger would. */
  private void forgeRestart(long offset) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 + 10).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0)
        .putShort((short) 10)
        .put((byte) 3)
        .put((byte) 0)
        .put((byte) 1)
        .put((byte) 't')
        .putLong(offset);
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 4, 14);
    b.putInt(0, (int) crc.getValue());
    Files.write(dir.resolve("cursors.log"), b.array(), StandardOpenOption.APPEND);
  }

  @Test
  void aForgedRestartPastTheLimitIsATypedErrorAtOpen() throws Exception {
    try (Walrus w = open()) {
      w.appendForTopic("t", new byte[10]);
    }
    forgeRestart(Long.MAX_VALUE);
    assertThatThrownBy(this::open)
        .isInstanceOf(CorruptNamespaceException.class)
        .hasMessageContaining(Long.toString(Long.MAX_VALUE));
  }

  @Test
  void appendsAtTheLimitAreRefusedNeverWrapped() throws Exception {
    try (Walrus w = open()) {
      w.appendForTopic("t", new byte[10]);
    }
    forgeRestart(Walrus.MAX_OFFSET - 2);
    try (Walrus w = open()) {
      assertThat(w.appendForTopic("t", new byte[1])).isEqualTo(Walrus.MAX_OFFSET - 2);
      assertThatThrownBy(() -> w.batchAppendForTopic("t", List.of(new byte[1], new byte[1])))
          .isInstanceOf(CorruptNamespaceException.class)
          .hasMessageContaining(Long.toString(Walrus.MAX_OFFSET - 1));
      assertThat(w.appendForTopic("t", new byte[1])).isEqualTo(Walrus.MAX_OFFSET - 1);
      assertThatThrownBy(() -> w.appendForTopic("t", new byte[1]))
          .isInstanceOf(CorruptNamespaceException.class);
      assertThat(w.stats("t").orElseThrow().nextOffset()).isEqualTo(Walrus.MAX_OFFSET);
    }
    try (Walrus w = open()) {
      assertThat(w.stats("t").orElseThrow().nextOffset())
          .as("nothing written by the refusals")
          .isEqualTo(Walrus.MAX_OFFSET);
    }
  }
}
