package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.walrus.internal.storage.uring.IoUringSupport;
import dev.walrus.testkit.ChildJvm;
import dev.walrus.testkit.IoUringMachine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 4: an application that did not add Netty's io_uring transport (an
 * optional dependency of the engine) has no Netty at all on its class path. The engine
 * opens, works on positional I/O, logs one line saying why, and never throws a
 * {@link NoClassDefFoundError}. Runs in the {@code no-io_uring} surefire execution, which
 * removes every Netty jar from the class path ({@link IoUringMachine#CLASSES_ABSENT}); it
 * runs the rest of the suite there too.
 */
class NoIoUringTransportTest {
  @TempDir Path dir;

  @Test
  void withoutNettyTheEngineUsesPositionalIoAndTheLogSaysWhy() throws Exception {
    assumeTrue(
        IoUringMachine.classesAbsentByDesign(),
        "runs in the no-io_uring execution (Netty removed from the class path)");
    assertThatThrownBy(() -> Class.forName("io.netty.channel.uring.IoUring"))
        .as("the execution really removed the io_uring transport")
        .isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("io.netty.util.Version"))
        .as("and the rest of Netty, which only the transport brings")
        .isInstanceOf(ClassNotFoundException.class);
    assertThat(IoUringSupport.unavailabilityReason()).isEqualTo(IoUringSupport.TRANSPORT_MISSING);

    try (Walrus w = Walrus.builder().dataDir(dir).backend(Backend.FD).open()) {
      assertThat(w.backendInfo().ioUring()).isFalse();
      assertThat(w.backendInfo()).isEqualTo(new BackendInfo(Backend.FD, false));
      w.appendForTopic("t", "x".getBytes(StandardCharsets.UTF_8));
      assertThat(w.readNext("t", true).orElseThrow().dataAsString()).isEqualTo("x");
    }

    // the log line is once per process: a fresh child JVM (on this class path) shows it
    Path out = dir.resolve("child.out");
    ChildJvm c =
        ChildJvm.builder(IoUringChild.class)
            .args(dir.resolve("child").toString())
            .stdoutTo(out)
            .killAfterSeconds(120)
            .start();
    assertThat(c.awaitExit(150)).as("child finished").isTrue();
    String log = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(c.exitValue()).as(log).isZero();
    assertThat(log)
        .contains("BACKEND fd", "READ hello")
        .contains(
            "INFO dev.walrus.internal.config.BackendChoice - io_uring not used ("
                + IoUringSupport.TRANSPORT_MISSING
                + "): batches use positional I/O")
        .doesNotContain("WARN", "NoClassDefFoundError");
  }

  @Test
  void withoutNettyRequiringIoUringFailsTheOpenWithTheReason() {
    assumeTrue(
        IoUringMachine.classesAbsentByDesign(),
        "runs in the no-io_uring execution (Netty removed from the class path)");
    String was = System.getProperty("walrus.io_uring");
    System.setProperty("walrus.io_uring", "required");
    try {
      assertThatThrownBy(() -> Walrus.builder().dataDir(dir).backend(Backend.FD).open())
          .isInstanceOf(WalrusIOException.class)
          .hasMessage(
              "io_uring is required (walrus.io_uring=required) but "
                  + IoUringSupport.TRANSPORT_MISSING);
    } finally {
      if (was == null) {
        System.clearProperty("walrus.io_uring");
      } else {
        System.setProperty("walrus.io_uring", was);
      }
    }
  }
}
