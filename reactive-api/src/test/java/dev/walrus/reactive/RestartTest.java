package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import dev.walrus.reactive.testkit.WalrusFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

/**
 * Restarts: a MANUAL tail resumes right after the last checkpointed entry; an AUTO tail per
 * the read consistency model. A "crash" is simulated by copying the namespace while the
 * instance is live (what a kill -9 would leave, since every write is in the page cache)
 * and opening the copy.
 */
class RestartTest extends WalrusFixture {

  private void appendN(int n) {
    for (int i = 0; i < n; i++) {
      wal.appendForTopic("t", bytes("e" + i));
    }
  }

  private long firstOffsetAfterRestart(Walrus reopened, TailOptions options) {
    try (ReactiveWalrus again = ReactiveWalrus.create(reopened)) {
      return again.tail("t", options).map(ReceivedEntry::offset).take(1).blockFirst(TIMEOUT);
    }
  }

  @Test
  void aManualTailResumesRightAfterTheLastCheckpointedEntry() {
    open();
    appendN(20);
    TailOptions manual = TailOptions.forConsumer("m").checkpointMode(CheckpointMode.MANUAL);
    StepVerifier.create(rw.tail("t", manual), 8)
        .expectNextCount(4)
        .consumeNextWith(r -> StepVerifier.create(r.checkpoint()).verifyComplete()) // offset 4
        .expectNextCount(3) // delivered, never acknowledged
        .thenCancel()
        .verify(TIMEOUT);
    closeAll();
    try (Walrus reopened = engine().open()) {
      assertThat(firstOffsetAfterRestart(reopened, manual)).isEqualTo(5);
    }
  }

  @Test
  void aManualTailsAcknowledgedProgressSurvivesCancelAndRestart() {
    open();
    appendN(20);
    TailOptions manual = TailOptions.forConsumer("m").checkpointMode(CheckpointMode.MANUAL);
    StepVerifier.create(
            rw.tail("t", manual)
                .doOnNext(
                    r -> {
                      if (r.offset() < 6) {
                        r.acknowledge();
                      }
                    }),
            9)
        .expectNextCount(9)
        .thenCancel()
        .verify(TIMEOUT);
    closeAll(); // waits for the cancelled tail's final checkpoint
    try (Walrus reopened = engine().open()) {
      assertThat(firstOffsetAfterRestart(reopened, manual)).isEqualTo(6);
    }
  }

  @Test
  void anAutoTailUnderStrictlyAtOnceResumesAfterTheLastDeliveredEntryEvenAfterACrash() {
    open(ReadConsistency.strictlyAtOnce(), FsyncSchedule.milliseconds(200));
    appendN(20);
    Path crashed = dir.resolveSibling(dir.getFileName() + "-crash");
    StepVerifier.create(rw.tail("t", TailOptions.forConsumer("a")), 7)
        .expectNextCount(7)
        .then(() -> copy(wal.directory(), crashed))
        .thenCancel()
        .verify(TIMEOUT);
    try (Walrus reopened =
        Walrus.builder()
            .dataDir(crashed)
            .blockSize(64 * 1024)
            .blocksPerFile(16)
            .quiet(true)
            .open()) {
      assertThat(firstOffsetAfterRestart(reopened, TailOptions.forConsumer("a"))).isEqualTo(7);
    } finally {
      delete(crashed);
    }
  }

  @Test
  void anAutoTailUnderAtLeastOnceReplaysAtMostPersistEveryEntriesAfterACrash() {
    int persistEvery = 5;
    open(ReadConsistency.atLeastOnce(persistEvery), FsyncSchedule.milliseconds(200));
    appendN(20);
    Path crashed = dir.resolveSibling(dir.getFileName() + "-crash");
    StepVerifier.create(rw.tail("t", TailOptions.forConsumer("a")), 7)
        .expectNextCount(7)
        .then(() -> copy(wal.directory(), crashed))
        .thenCancel()
        .verify(TIMEOUT);
    try (Walrus reopened =
        Walrus.builder()
            .dataDir(crashed)
            .blockSize(64 * 1024)
            .blocksPerFile(16)
            .quiet(true)
            .consistency(ReadConsistency.atLeastOnce(persistEvery))
            .open()) {
      long resume = firstOffsetAfterRestart(reopened, TailOptions.forConsumer("a"));
      assertThat(resume).isBetween(7L - persistEvery, 7L);
    } finally {
      delete(crashed);
    }
    // A clean shutdown persists every cursor: the AUTO tail resumes exactly.
    closeAll();
    try (Walrus reopened = engine().consistency(ReadConsistency.atLeastOnce(persistEvery)).open()) {
      assertThat(firstOffsetAfterRestart(reopened, TailOptions.forConsumer("a"))).isEqualTo(7);
    }
  }

  private static void copy(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals("LOCK")) {
          Files.copy(p, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      files
          .sorted((a, b) -> b.getNameCount() - a.getNameCount())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
