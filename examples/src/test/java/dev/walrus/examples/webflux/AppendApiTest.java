package dev.walrus.examples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.test.StepVerifier;

/**
 * {@code POST /topics/{topic}}, {@code POST /topics/{topic}/batch} and
 * {@code GET /topics} over real HTTP, and every error as an RFC 9457 problem body.
 * One application (one temporary log) for the class; each test uses its own topics.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.codec.max-in-memory-size=64KB")
@AutoConfigureWebTestClient
class AppendApiTest {
  private static final Path DIR = TempDirs.create("walrus-append-api");

  @DynamicPropertySource
  static void walrus(DynamicPropertyRegistry r) {
    r.add("walrus.data-dir", DIR::toString);
  }

  @Autowired WebTestClient client;

  @Test
  void appendAnswers201WithTheOffsetAndOffsetsContinue() {
    for (long expected = 0; expected < 3; expected++) {
      client
          .post()
          .uri("/topics/orders")
          .contentType(MediaType.APPLICATION_OCTET_STREAM)
          .bodyValue(("order " + expected).getBytes())
          .exchange()
          .expectStatus()
          .isCreated()
          .expectHeader()
          .location("/topics/orders/stream?from=" + expected)
          .expectBody(AppendResult.class)
          .isEqualTo(new AppendResult("orders", expected));
    }
    assertThat(texts("orders", 0, 3)).containsExactly("order 0", "order 1", "order 2");
  }

  @Test
  void curlStyleFormBodyAndEmptyBodyAreAppendedVerbatim() {
    client
        .post()
        .uri("/topics/form")
        .contentType(MediaType.APPLICATION_FORM_URLENCODED)
        .bodyValue("hello=world&x")
        .exchange()
        .expectStatus()
        .isCreated()
        .expectBody()
        .jsonPath("$.offset")
        .isEqualTo(0);
    client
        .post()
        .uri("/topics/form")
        .exchange()
        .expectStatus()
        .isCreated()
        .expectBody()
        .jsonPath("$.offset")
        .isEqualTo(1);
    assertThat(texts("form", 0, 2)).containsExactly("hello=world&x", "");
  }

  @Test
  void jsonArrayBatchGetsConsecutiveOffsets() {
    client
        .post()
        .uri("/topics/batch-json/batch")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("[\"a\", {\"b\": 1}, 3, [true, null]]")
        .exchange()
        .expectStatus()
        .isCreated()
        .expectHeader()
        .location("/topics/batch-json/stream?from=0")
        .expectBody(BatchResult.class)
        .isEqualTo(new BatchResult("batch-json", 0L, 3L, 4));
    assertThat(texts("batch-json", 0, 4)).containsExactly("a", "{\"b\":1}", "3", "[true,null]");
  }

  @Test
  void ndjsonBatchSkipsBlankLines() {
    client
        .post()
        .uri("/topics/batch-nd/batch")
        .contentType(MediaType.APPLICATION_NDJSON)
        .bodyValue("{\"id\":1}\r\n\n\"two\"\n{\"id\":3}\n")
        .exchange()
        .expectStatus()
        .isCreated()
        .expectBody(BatchResult.class)
        .isEqualTo(new BatchResult("batch-nd", 0L, 2L, 3));
    assertThat(texts("batch-nd", 0, 3)).containsExactly("{\"id\":1}", "two", "{\"id\":3}");
  }

  @Test
  void emptyBatchWritesNothing() {
    client
        .post()
        .uri("/topics/batch-empty/batch")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("[]")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody(BatchResult.class)
        .isEqualTo(new BatchResult("batch-empty", null, null, 0));
  }

  @Test
  void batchOverTheEntryLimitIsRefusedWholeWith413() {
    String body =
        IntStream.range(0, 2001).mapToObj(i -> "1").collect(Collectors.joining(",", "[", "]"));
    problem(
            client
                .post()
                .uri("/topics/batch-big/batch")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange(),
            413,
            "batch-too-large")
        .jsonPath("$.topic")
        .isEqualTo("batch-big")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("2001"));
    // all or nothing: the topic got no entry
    client
        .post()
        .uri("/topics/batch-big")
        .bodyValue("after")
        .exchange()
        .expectBody()
        .jsonPath("$.offset")
        .isEqualTo(0);
  }

  @Test
  void malformedBatchBodiesAre400NamingWhatIsWrong() {
    problem(
            client
                .post()
                .uri("/topics/bad/batch")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"not\":\"an array\"}")
                .exchange(),
            400,
            "invalid-request-value")
        .jsonPath("$.parameter")
        .isEqualTo("body")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("JSON object"));
    problem(
            client
                .post()
                .uri("/topics/bad/batch")
                .contentType(MediaType.APPLICATION_NDJSON)
                .bodyValue("{\"ok\":1}\n{broken\n")
                .exchange(),
            400,
            "invalid-request-value")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).startsWith("line 2 "));
    problem(
        client
            .post()
            .uri("/topics/bad/batch")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("[1, 2")
            .exchange(),
        400,
        "invalid-request-value");
    client
        .post()
        .uri("/topics/bad/batch")
        .contentType(MediaType.TEXT_PLAIN)
        .bodyValue("x")
        .exchange()
        .expectStatus()
        .isEqualTo(415)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON);
  }

  @Test
  void invalidTopicIs400NamingTheTopic() {
    String longName = "t".repeat(256);
    problem(
            client.post().uri("/topics/" + longName).bodyValue("x").exchange(),
            400,
            "invalid-topic")
        .jsonPath("$.topic")
        .isEqualTo(longName)
        .jsonPath("$.instance")
        .isEqualTo("/topics/" + longName);
  }

  @Test
  void bodyOverTheConfiguredLimitIs413() {
    problem(
        client.post().uri("/topics/huge").bodyValue(new byte[100 * 1024]).exchange(),
        413,
        "body-too-large");
  }

  @Test
  void topicsListsEveryTopicWithStatsAndNamedConsumers() {
    client
        .post()
        .uri("/topics/listed/batch")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue("[\"1\",\"2\",\"3\"]")
        .exchange()
        .expectStatus()
        .isCreated();
    // a named consumer reads the three entries, then two more are appended
    StepVerifier.create(Sse.open(client, "/topics/listed/stream?consumer=billing", null).take(3))
        .expectNextCount(3)
        .verifyComplete();
    client
        .post()
        .uri("/topics/listed/batch")
        .contentType(MediaType.APPLICATION_NDJSON)
        .bodyValue("4\n5\n")
        .exchange()
        .expectStatus()
        .isCreated();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                client
                    .get()
                    .uri("/topics")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$[?(@.topic == 'listed')].firstOffset")
                    .isEqualTo(0)
                    .jsonPath("$[?(@.topic == 'listed')].nextOffset")
                    .isEqualTo(5)
                    .jsonPath("$[?(@.topic == 'listed')].retainedEntries")
                    .isEqualTo(5)
                    .jsonPath("$[?(@.topic == 'listed')].consumers.billing")
                    .isEqualTo(2));
    List<String> names = new ArrayList<>();
    client
        .get()
        .uri("/topics")
        .exchange()
        .expectBodyList(TopicSummary.class)
        .value(l -> l.forEach(t -> names.add(t.topic())));
    assertThat(names).contains("listed").isSorted();
  }

  private List<String> texts(String topic, long from, int n) {
    List<String> out = new ArrayList<>();
    StepVerifier.create(Sse.open(client, "/topics/" + topic + "/stream?from=" + from, null).take(n))
        .thenConsumeWhile(e -> out.add(e.data().data()))
        .verifyComplete();
    return out;
  }

  static WebTestClient.BodyContentSpec problem(
      WebTestClient.ResponseSpec response, int status, String type) {
    return response
        .expectStatus()
        .isEqualTo(status)
        .expectHeader()
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo(status)
        .jsonPath("$.type")
        .isEqualTo("tag:walrus.dev,2026:problem/" + type)
        .jsonPath("$.title")
        .exists()
        .jsonPath("$.detail")
        .exists();
  }
}
