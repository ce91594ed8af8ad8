package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.InvalidArgumentException;
import dev.walrus.InvalidTopicException;
import dev.walrus.reactive.testkit.WalrusFixture;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class ReadTest extends WalrusFixture {

  @Test
  void readNextIsEmptyWhenNothingIsThere() {
    open();
    StepVerifier.create(rw.readNext("t", true)).verifyComplete();
    StepVerifier.create(rw.readNext("t", "c", true)).verifyComplete();
    StepVerifier.create(rw.batchRead("t", 100, true)).expectNext(List.of()).verifyComplete();
  }

  @Test
  void readNextPeeksAndConsumesLikeTheEngine() {
    open();
    wal.appendForTopic("t", bytes("a"));
    wal.appendForTopic("t", bytes("b"));
    StepVerifier.create(rw.readNext("t", false).map(Entry::dataAsString))
        .expectNext("a")
        .verifyComplete();
    StepVerifier.create(rw.readNext("t", true).map(Entry::dataAsString))
        .expectNext("a")
        .verifyComplete();
    StepVerifier.create(rw.readNext("t", true).map(Entry::offset)).expectNext(1L).verifyComplete();
    StepVerifier.create(rw.readNext("t", true)).verifyComplete();
  }

  @Test
  void namedConsumersHaveTheirOwnCursors() {
    open();
    wal.appendForTopic("t", bytes("a"));
    StepVerifier.create(rw.readNext("t", "x", true).map(Entry::dataAsString))
        .expectNext("a")
        .verifyComplete();
    StepVerifier.create(rw.readNext("t", "y", true).map(Entry::dataAsString))
        .expectNext("a")
        .verifyComplete();
    StepVerifier.create(rw.readNext("t", "x", true)).verifyComplete();
  }

  @Test
  void batchReadHonoursTheBudgetAndReturnsAtLeastOne() {
    open();
    for (int i = 0; i < 10; i++) {
      wal.appendForTopic("t", new byte[10]);
    }
    StepVerifier.create(rw.batchRead("t", 35, true).map(List::size)).expectNext(3).verifyComplete();
    StepVerifier.create(rw.batchRead("t", 0, false).map(List::size)).expectNext(1).verifyComplete();
    StepVerifier.create(rw.batchRead("t", "c", 1 << 20, true).map(List::size))
        .expectNext(10)
        .verifyComplete();
    StepVerifier.create(rw.batchRead("t", 1 << 20, true).map(l -> l.get(0).offset()))
        .expectNext(3L)
        .verifyComplete();
  }

  @Test
  void readsAreLazyAndErrorsAreTyped() {
    open();
    wal.appendForTopic("t", bytes("a"));
    Mono<Entry> consume = rw.readNext("t", true);
    assertThat(wal.readNext("t", false)).isPresent();
    StepVerifier.create(consume).expectNextCount(1).verifyComplete();
    StepVerifier.create(rw.readNext("", true)).verifyError(InvalidTopicException.class);
    StepVerifier.create(rw.batchRead("t", -1, true)).verifyError(InvalidArgumentException.class);
    StepVerifier.create(rw.readNext("t", "", true)).verifyError(InvalidArgumentException.class);
  }
}
