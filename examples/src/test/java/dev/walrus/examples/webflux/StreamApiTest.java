package dev.walrus.examples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Walrus;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.test.StepVerifier;

/**
 * {@code GET /topics/{topic}/stream}: Server-Sent Events with the offset as the event id,
 * history then live entries, {@code Last-Event-ID} resume, named consumers, viewers that
 * leave no cursor, and refused start positions as problem bodies.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class StreamApiTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Path DIR = TempDirs.create("walrus-stream-api");

  @DynamicPropertySource
  static void walrus(DynamicPropertyRegistry r) {
    r.add("walrus.data-dir", DIR::toString);
  }

  @Autowired WebTestClient client;
  @Autowired Walrus wal;
  @LocalServerPort int port;

  @Test
  void streamDeliversHistoryThenEntriesAppendedWhileReading() {
    append("live", "before-0");
    append("live", "before-1");
    WebClient producer = WebClient.create("http://localhost:" + port);
    StepVerifier.create(Sse.open(client, "/topics/live/stream", null).take(4), 1)
        .assertNext(e -> assertThat(Sse.offset(e)).isEqualTo(0))
        .thenRequest(1)
        .assertNext(e -> assertThat(e.data().data()).isEqualTo("before-1"))
        // the stream is now waiting at the end of the topic: append over HTTP, without
        // blocking the thread that delivers the events
        .then(
            () ->
                producer
                    .post()
                    .uri("/topics/live")
                    .bodyValue("during-2")
                    .retrieve()
                    .toBodilessEntity()
                    .subscribe())
        .thenRequest(1)
        .assertNext(
            e -> {
              assertThat(Sse.offset(e)).isEqualTo(2);
              assertThat(e.data())
                  .usingRecursiveComparison()
                  .ignoringFields("timestamp")
                  .isEqualTo(new EntryEvent("live", 2, "", 0, "during-2", "utf-8"));
            })
        .then(
            () ->
                producer
                    .post()
                    .uri("/topics/live/batch")
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("[\"during-3\"]")
                    .retrieve()
                    .toBodilessEntity()
                    .subscribe())
        .thenRequest(1)
        .assertNext(e -> assertThat(e.data().data()).isEqualTo("during-3"))
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void lastEventIdResumesRightAfterThatOffsetAndWinsOverFrom() {
    for (int i = 0; i < 5; i++) {
      append("resume", "e" + i);
    }
    StepVerifier.create(Sse.open(client, "/topics/resume/stream?from=0", "2").take(2))
        .assertNext(e -> assertThat(Sse.offset(e)).isEqualTo(3))
        .assertNext(e -> assertThat(Sse.offset(e)).isEqualTo(4))
        .expectComplete()
        .verify(WAIT);
    // the same as a query parameter (a page opening a new EventSource); the header wins
    StepVerifier.create(Sse.open(client, "/topics/resume/stream?lastEventId=3", null).take(1))
        .assertNext(e -> assertThat(Sse.offset(e)).isEqualTo(4))
        .expectComplete()
        .verify(WAIT);
    StepVerifier.create(Sse.open(client, "/topics/resume/stream?lastEventId=0", "3").take(1))
        .assertNext(e -> assertThat(Sse.offset(e)).isEqualTo(4))
        .expectComplete()
        .verify(WAIT);
    // an id this log never had (say, the data directory was replaced): from the start
    StepVerifier.create(Sse.open(client, "/topics/resume/stream", "999").take(1))
        .assertNext(e -> assertThat(Sse.offset(e)).isEqualTo(0))
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void fromSelectsEarliestLatestOrAnOffset() {
    for (int i = 0; i < 3; i++) {
      append("from", "f" + i);
    }
    StepVerifier.create(Sse.open(client, "/topics/from/stream?from=1", null).take(1))
        .assertNext(e -> assertThat(Sse.offset(e)).isEqualTo(1))
        .expectComplete()
        .verify(WAIT);
    StepVerifier.create(Sse.open(client, "/topics/from/stream?from=earliest", null).take(1))
        .assertNext(e -> assertThat(Sse.offset(e)).isEqualTo(0))
        .expectComplete()
        .verify(WAIT);
    WebClient producer = WebClient.create("http://localhost:" + port);
    StepVerifier.create(Sse.open(client, "/topics/from/stream?from=latest", null).take(1))
        .expectSubscription()
        .then(
            () ->
                producer
                    .post()
                    .uri("/topics/from")
                    .bodyValue("f3")
                    .retrieve()
                    .toBodilessEntity()
                    .subscribe())
        .assertNext(e -> assertThat(Sse.offset(e)).isEqualTo(3))
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void namedConsumerResumesWhereItWasAndLastEventIdRepositionsIt() {
    for (int i = 0; i < 3; i++) {
      append("consumed", "c" + i);
    }
    StepVerifier.create(Sse.open(client, "/topics/consumed/stream?consumer=reports", null).take(3))
        .expectNextCount(3)
        .expectComplete()
        .verify(WAIT);
    // a viewer reads everything meanwhile and moves nobody's cursor
    StepVerifier.create(Sse.open(client, "/topics/consumed/stream", null).take(3))
        .expectNextCount(3)
        .expectComplete()
        .verify(WAIT);
    append("consumed", "c3");
    Awaitility.await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(wal.stats("consumed").orElseThrow().unread())
                    .as("only the named consumer's cursor is left, with the new entry unread")
                    .containsOnlyKeys("reports")
                    .containsEntry("reports", 1L));
    // reconnecting without Last-Event-ID: the consumer's checkpointed position
    StepVerifier.create(Sse.open(client, "/topics/consumed/stream?consumer=reports", null).take(1))
        .assertNext(e -> assertThat(Sse.offset(e)).isEqualTo(3))
        .expectComplete()
        .verify(WAIT);
    // a browser that only got offset 1 before losing the connection gets 2 next
    StepVerifier.create(Sse.open(client, "/topics/consumed/stream?consumer=reports", "1").take(1))
        .assertNext(e -> assertThat(Sse.offset(e)).isEqualTo(2))
        .expectComplete()
        .verify(WAIT);
  }

  @Test
  void badStartPositionsAreProblemsNamingTheValue() {
    append("bounds", "only");
    AppendApiTest.problem(
            client
                .get()
                .uri("/topics/bounds/stream?from=abc")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange(),
            400,
            "invalid-request-value")
        .jsonPath("$.parameter")
        .isEqualTo("from")
        .jsonPath("$.value")
        .isEqualTo("abc");
    AppendApiTest.problem(
            client
                .get()
                .uri("/topics/bounds/stream?from=checkpointed")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange(),
            400,
            "invalid-request-value")
        .jsonPath("$.parameter")
        .isEqualTo("from");
    AppendApiTest.problem(
            client
                .get()
                .uri("/topics/bounds/stream")
                .header("Last-Event-ID", "-4")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange(),
            400,
            "invalid-request-value")
        .jsonPath("$.parameter")
        .isEqualTo("Last-Event-ID");
    AppendApiTest.problem(
            client
                .get()
                .uri("/topics/bounds/stream?from=99")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange(),
            400,
            "invalid-request-value")
        .jsonPath("$.parameter")
        .isEqualTo("from")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("[0, 1]"));
    AppendApiTest.problem(
            client
                .get()
                .uri("/topics/bounds/stream?consumer=~viewer-1")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange(),
            400,
            "invalid-request-value")
        .jsonPath("$.parameter")
        .isEqualTo("consumer");
    AppendApiTest.problem(
            client
                .get()
                .uri("/topics/" + "x".repeat(256) + "/stream")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange(),
            400,
            "invalid-topic")
        .jsonPath("$.topic")
        .isEqualTo("x".repeat(256));
  }

  private void append(String topic, String text) {
    client.post().uri("/topics/" + topic).bodyValue(text).exchange().expectStatus().isCreated();
  }
}
