package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.walrus.internal.storage.uring.IoUringSupport;
import dev.walrus.testkit.ChildJvm;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 4: Netty's io_uring transport is on the class path but cannot be used —
 * its native library is missing (another architecture: only the natives of other
 * architectures are there) or Netty refuses to load it (as when the kernel refuses
 * io_uring). The engine then works on positional I/O and warns once why; with
 * {@code walrus.io_uring=required} the open fails with that reason. Each case runs in a
 * child JVM, so the process-wide probe and log line start fresh. (Without the classes at
 * all: {@link NoIoUringTransportTest}.)
 */
@EnabledOnOs(OS.LINUX)
class IoUringFallbackTest {
  @TempDir Path dir;

  @Test
  void withoutTheNativeLibraryForThisMachineTheEngineFallsBackAndWarnsWhy() throws Exception {
    assumeTrue(IoUringSupport.transportPresent(), "Netty's io_uring classes are not here");
    String cp = classPathWithout("netty-transport-native-io_uring");
    String out = child(cp, List.of());
    assertThat(out)
        .contains("BACKEND fd", "READ hello")
        .containsPattern("WARN .*io_uring unavailable \\(Netty io_uring unavailable: .*\\)")
        .doesNotContain("NoClassDefFoundError", "BACKEND fd+io_uring");

    String required = child(cp, List.of("-Dwalrus.io_uring=required"));
    assertThat(required)
        .contains("REFUSED WalrusIOException: io_uring is required (walrus.io_uring=required)")
        .contains("Netty io_uring unavailable");
  }

  @Test
  void whenNettyRefusesIoUringTheEngineFallsBackAndWarnsWhy() throws Exception {
    assumeTrue(IoUringSupport.transportPresent(), "Netty's io_uring classes are not here");
    String out =
        child(System.getProperty("java.class.path"), List.of("-Dio.netty.transport.noNative=true"));
    assertThat(out)
        .contains("BACKEND fd", "READ hello")
        .containsPattern("WARN .*io_uring unavailable \\(.*noNative.*\\)")
        .doesNotContain("BACKEND fd+io_uring");
  }

  private String child(String classPath, List<String> jvmArgs) throws Exception {
    Path out = Files.createTempFile(dir, "child", ".out");
    ChildJvm c =
        ChildJvm.builder(IoUringChild.class)
            .classPath(classPath)
            .jvmArgs(jvmArgs)
            .args(Files.createTempDirectory(dir, "wal").toString())
            .stdoutTo(out)
            .killAfterSeconds(120)
            .start();
    assertThat(c.awaitExit(150)).as("child finished").isTrue();
    String log = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(c.exitValue()).as(log).isZero();
    return log;
  }

  /** @return this JVM's class path less every entry whose file name starts with {@code jar} */
  static String classPathWithout(String jar) {
    String cp = System.getProperty("java.class.path");
    List<String> kept =
        Arrays.stream(cp.split(File.pathSeparator))
            .filter(e -> !Path.of(e).getFileName().toString().startsWith(jar))
            .collect(Collectors.toList());
    assertThat(kept)
        .as("the class path had %s", jar)
        .hasSizeLessThan(cp.split(File.pathSeparator).length);
    return String.join(File.pathSeparator, kept);
  }
}
