package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
  @TempDir Path dir;

  @Test
  void appendReadReopen() {
    try (Walrus w = Walrus.builder().dataDir(dir).blockSize(4096).blocksPerFile(4).open()) {
      for (int i = 0; i < 1000; i++) {
        assertThat(w.appendForTopic("t", ("e" + i).getBytes(StandardCharsets.UTF_8))).isEqualTo(i);
      }
      for (int i = 0; i < 10; i++) {
        assertThat(w.readNext("t", true).orElseThrow().dataAsString()).isEqualTo("e" + i);
      }
    }
    try (Walrus w = Walrus.builder().dataDir(dir).blockSize(4096).blocksPerFile(4).open()) {
      assertThat(w.readNext("t", true).orElseThrow().dataAsString()).isEqualTo("e10");
      assertThat(w.appendForTopic("t", new byte[3])).isEqualTo(1000);
      int n = 11;
      while (true) {
        var e = w.readNext("t", true);
        if (e.isEmpty()) {
          break;
        }
        assertThat(e.get().offset()).isEqualTo(n);
        n++;
      }
      assertThat(n).isEqualTo(1001);
    }
  }
}
