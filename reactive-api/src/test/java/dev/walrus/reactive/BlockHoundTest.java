package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.reactive.testkit.WalrusFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

/**
 * BlockHound is installed for the whole suite (blockhound-junit-platform). These tests
 * subscribe, request and cancel from {@code Schedulers.parallel()} threads, which
 * BlockHound treats as non-blocking: any blocking call there fails the pipeline.
 */
class BlockHoundTest extends WalrusFixture {

  @Test
  void blockHoundIsActiveInThisSuite() {
    Mono<String> blocking =
        Mono.fromCallable(
                () -> {
                  new CountDownLatch(1)
                      .await(
                          Duration.ofMillis(1).toNanos(),
                          java.util.concurrent.TimeUnit.NANOSECONDS);
                  return "never";
                })
            .subscribeOn(Schedulers.parallel());
    StepVerifier.create(blocking).verifyError(BlockingOperationError.class);
  }

  /** {@link WalrusBlockHoundIntegration}, loaded from the class path, flags engine calls. */
  @Test
  void aSynchronousEngineCallOnAParallelThreadIsCaught() {
    open();
    Mono<Long> append =
        Mono.fromCallable(() -> wal.appendForTopic("t", new byte[1]))
            .subscribeOn(Schedulers.parallel());
    StepVerifier.create(append)
        .verifyErrorSatisfies(
            e ->
                org.assertj.core.api.Assertions.assertThat(e)
                    .isInstanceOf(BlockingOperationError.class)
                    .hasMessageContaining("dev.walrus.Walrus#appendForTopic"));
  }

  @Test
  void appendingFromAParallelThreadNeverBlocksIt() {
    open();
    Flux<Long> appends =
        Flux.range(0, 200)
            .flatMap(
                i ->
                    Mono.defer(() -> rw.append("t", bytes("e" + i)))
                        .subscribeOn(Schedulers.parallel()),
                200);
    StepVerifier.create(appends.collectList())
        .assertNext(l -> assertThat(l).hasSize(200).doesNotHaveDuplicates())
        .verifyComplete();
  }

  @Test
  void batchAppendingFromAParallelThreadNeverBlocksIt() {
    open();
    Mono<List<Long>> batch =
        Mono.defer(() -> rw.appendBatch("t", List.of(bytes("a"), bytes("b"))))
            .subscribeOn(Schedulers.parallel());
    StepVerifier.create(batch).expectNext(List.of(0L, 1L)).verifyComplete();
  }

  @Test
  void appendAllFromAParallelSourceNeverBlocksIt() {
    open();
    Flux<byte[]> source =
        Flux.range(0, 3000).map(i -> bytes("e" + i)).publishOn(Schedulers.parallel(), 64);
    StepVerifier.create(
            rw.appendAll("t", source)
                .publishOn(Schedulers.parallel(), 32) // requests come from a parallel thread
                .subscribeOn(Schedulers.parallel()))
        .expectNextCount(3000)
        .verifyComplete();
  }

  @Test
  void tailingFromAParallelThreadNeverBlocksIt() {
    open();
    for (int i = 0; i < 100; i++) {
      wal.appendForTopic("t", bytes("h" + i));
    }
    Flux<Long> tail =
        rw.tail("t", TailOptions.forConsumer("c").checkpointMode(CheckpointMode.MANUAL))
            .publishOn(Schedulers.parallel(), 8) // request(n) and cancel from parallel threads
            .concatMap(
                r -> r.checkpoint().thenReturn(r.offset())) // checkpoint from a parallel thread
            .subscribeOn(Schedulers.parallel())
            .take(300);
    Flux<Long> live =
        Flux.range(0, 200)
            .concatMap(i -> rw.append("t", bytes("l" + i)))
            .subscribeOn(Schedulers.parallel());
    StepVerifier.create(Flux.merge(tail, live.thenMany(Flux.<Long>empty())))
        .expectNextCount(300)
        .verifyComplete();
  }

  @Test
  void readingFromAParallelThreadNeverBlocksIt() {
    open();
    wal.appendForTopic("t", bytes("a"));
    StepVerifier.create(
            Mono.defer(() -> rw.readNext("t", true))
                .subscribeOn(Schedulers.parallel())
                .map(e -> e.offset()))
        .expectNext(0L)
        .verifyComplete();
  }
}
