package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Backend selection and the mmap backend's mapping lifecycle. */
class BackendTest {
  @TempDir Path dir;

  @Test
  void thisSuiteRunsOnTheBackendItWasAskedFor() {
    String wanted = System.getProperty("walrus.backend", "fd");
    assertThat(Walrus.defaultBackend().name()).isEqualToIgnoringCase(wanted);
    try (Walrus w = Walrus.builder().dataDir(dir).open()) {
      assertThat(w.backendInfo().backend().name()).isEqualToIgnoringCase(wanted);
      if ("required".equals(System.getProperty("walrus.io_uring"))) {
        assertThat(w.backendInfo())
            .as("io_uring expected, no silent fallback")
            .isEqualTo(new BackendInfo(Backend.FD, true));
        assertThat(w.backendInfo()).hasToString("fd+io_uring");
      } else if ("false".equals(System.getProperty("walrus.io_uring"))) {
        assertThat(w.backendInfo().ioUring()).isFalse();
        assertThat(w.backendInfo()).hasToString(wanted.toLowerCase());
      }
    }
    try (Walrus w =
        Walrus.builder()
            .dataDir(dir)
            .namespace("no-uring")
            .backend(Backend.FD)
            .ioUring(false)
            .open()) {
      assertThat(w.backendInfo())
          .as("the builder can turn io_uring off")
          .isEqualTo(new BackendInfo(Backend.FD, false));
    }
  }

  @Test
  void theProcessWideSwitchAppliesToInstancesCreatedAfterIt() {
    Backend before = Walrus.defaultBackend();
    try {
      Walrus.disableFdBackend();
      try (Walrus w = Walrus.builder().dataDir(dir).namespace("a").open()) {
        assertThat(w.backendInfo().backend()).isEqualTo(Backend.MMAP);
        Walrus.enableFdBackend();
        assertThat(w.backendInfo().backend())
            .as("open instances keep theirs")
            .isEqualTo(Backend.MMAP);
      }
      try (Walrus w = Walrus.builder().dataDir(dir).namespace("b").open()) {
        assertThat(w.backendInfo().backend()).isEqualTo(Backend.FD);
      }
      try (Walrus w = Walrus.builder().dataDir(dir).namespace("c").backend(Backend.MMAP).open()) {
        assertThat(w.backendInfo().backend()).as("the builder wins").isEqualTo(Backend.MMAP);
      }
    } finally {
      if (before == Backend.FD) {
        Walrus.enableFdBackend();
      } else {
        Walrus.disableFdBackend();
      }
    }
  }

  @Test
  void dataWrittenWithOneBackendIsReadByTheOther() {
    try (Walrus w = Walrus.builder().dataDir(dir).backend(Backend.MMAP).blockSize(4096).open()) {
      for (int i = 0; i < 500; i++) {
        w.appendForTopic("t", ("m" + i).getBytes());
      }
    }
    try (Walrus w = Walrus.builder().dataDir(dir).backend(Backend.FD).blockSize(4096).open()) {
      for (int i = 0; i < 500; i++) {
        assertThat(w.readNext("t", true).orElseThrow().dataAsString()).isEqualTo("m" + i);
      }
      w.appendForTopic("t", "fd".getBytes());
    }
    try (Walrus w = Walrus.builder().dataDir(dir).backend(Backend.MMAP).open()) {
      assertThat(w.readNext("t", true).orElseThrow().dataAsString()).isEqualTo("fd");
    }
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void mmapReleasesTheMappingsOfReclaimedFilesAndOnClose() throws Exception {
    Path ns;
    try (Walrus w =
        Walrus.builder()
            .dataDir(dir)
            .backend(Backend.MMAP)
            .blockSize(4096)
            .blocksPerFile(2)
            .open()) {
      ns = w.directory();
      for (int i = 0; i < 2_000; i++) {
        w.appendForTopic("t", new byte[100]);
      }
      assertThat(dataFiles(ns)).hasSizeGreaterThan(10);
      assertThat(mappedFilesUnder(ns)).hasSizeGreaterThan(10);
      while (w.readNext("t", true).isPresent()) {
        // consume everything
      }
      w.reclaim();
      List<Path> left = dataFiles(ns);
      assertThat(left).hasSizeLessThanOrEqualTo(2);
      assertThat(mappedFilesUnder(ns))
          .as("every reclaimed file is unmapped, not just deleted")
          .allMatch(m -> left.stream().anyMatch(p -> m.equals(p.toString())));
    }
    assertThat(mappedFilesUnder(ns)).as("close unmaps everything").isEmpty();
  }

  private static List<Path> dataFiles(Path ns) throws IOException {
    try (Stream<Path> s = Files.list(ns)) {
      return s.filter(p -> p.getFileName().toString().startsWith("wal-"))
          .collect(Collectors.toList());
    }
  }

  /** The files under {@code ns} that this process maps, per the kernel; deleted ones included. */
  private static List<String> mappedFilesUnder(Path ns) throws IOException {
    String prefix = ns.toAbsolutePath().toString();
    return Files.readAllLines(Path.of("/proc/self/maps")).stream()
        .map(l -> l.indexOf('/') >= 0 ? l.substring(l.indexOf('/')) : "")
        .filter(p -> p.startsWith(prefix))
        .map(p -> p.replace(" (deleted)", ""))
        .distinct()
        .collect(Collectors.toList());
  }
}
