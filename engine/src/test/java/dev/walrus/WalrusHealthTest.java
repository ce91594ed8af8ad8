package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Walrus#health()}: what a health check reads, on an open, a closed and a poisoned
 * instance; it never throws.
 */
class WalrusHealthTest {
  @TempDir Path dir;

  private Walrus.Builder builder() {
    return Walrus.builder().dataDir(dir).namespace(null).quiet(true);
  }

  @Test
  void anOpenInstanceIsOpenWithoutCause() {
    try (Walrus w = builder().open()) {
      w.appendForTopic("t", new byte[] {1});
      WalrusHealth h = w.health();
      assertThat(h.state()).isEqualTo(WalrusHealth.State.OPEN);
      assertThat(h.isOpen()).isTrue();
      assertThat(h.cause()).isEmpty();
    }
  }

  @Test
  void aClosedInstanceIsClosedAndAskingDoesNotThrow() {
    Walrus w = builder().open();
    w.close();
    WalrusHealth h = w.health();
    assertThat(h.state()).isEqualTo(WalrusHealth.State.CLOSED);
    assertThat(h.isOpen()).isFalse();
    assertThat(h.cause()).isEmpty();
  }

  @Test
  void aFailedFsyncPoisonsWithItsCauseAndClosingKeepsTheCause() {
    FaultyStorage s = new FaultyStorage();
    Walrus w = builder().fsyncSchedule(FsyncSchedule.syncEach()).storageBackend(s).open();
    try {
      w.appendForTopic("t", new byte[] {1});
      s.failForceIn.set(1);
      assertThatThrownBy(w::sync).isInstanceOf(FatalIOException.class);

      WalrusHealth h = w.health();
      assertThat(h.state()).isEqualTo(WalrusHealth.State.POISONED);
      assertThat(h.isOpen()).isFalse();
      assertThat(h.cause())
          .get()
          .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
          .hasMessageContaining("Input/output error");
    } finally {
      w.close();
    }
    WalrusHealth closed = w.health();
    assertThat(closed.state()).isEqualTo(WalrusHealth.State.CLOSED);
    assertThat(closed.cause()).isPresent();
  }

  @Test
  void aPoisonedHealthNeedsItsCause() {
    assertThatThrownBy(() -> new WalrusHealth(WalrusHealth.State.POISONED, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new WalrusHealth(null, null)).isInstanceOf(NullPointerException.class);
  }
}
