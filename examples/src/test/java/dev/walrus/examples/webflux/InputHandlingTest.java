package dev.walrus.examples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Walrus;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.util.UriUtils;
import reactor.test.StepVerifier;

/**
 * Issue 12 item 6: how the app handles awkward input. A {@code Location} resolves for
 * any topic name; percent-encoded bytes that are not UTF-8 are refused; odd
 * {@code Last-Event-ID} and {@code from} values get correct answers or messages; every
 * problem body names the bad value and has a {@code type}; no message names a library
 * class; internal cursor names are reserved.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "spring.codec.max-in-memory-size=64KB")
@AutoConfigureWebTestClient
class InputHandlingTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Path DIR = TempDirs.create("walrus-input");

  /** A fully qualified Java class name. */
  private static final Pattern CLASS_NAME =
      Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*");

  private static final List<String> PROBLEMS = new ArrayList<>();

  @DynamicPropertySource
  static void walrus(DynamicPropertyRegistry r) {
    r.add("walrus.data-dir", DIR::toString);
  }

  @Autowired WebTestClient client;
  @Autowired Walrus wal;
  @LocalServerPort int port;

  @Test
  void locationResolvesToTheTopicsStreamWhateverTheNameHolds() {
    for (String topic :
        List.of("a/b", "../etc/passwd", "a/../b", "..", ".", "x y?z#w%v&from=9", "ü/é")) {
      String location =
          client
              .post()
              .uri(uri("/topics/" + encode(topic)))
              .bodyValue("in " + topic)
              .exchange()
              .expectStatus()
              .isCreated()
              .expectBody(AppendResult.class)
              .isEqualTo(new AppendResult(topic, 0))
              .returnResult()
              .getResponseHeaders()
              .getLocation()
              .toString();
      assertThat(location)
          .as("Location of %s", topic)
          .startsWith("/topics/")
          .endsWith("/stream?from=0")
          .doesNotContain("/../", "/./");
      // following it, as an HTTP client does (RFC 3986 resolution against the request)
      URI followed = uri("/topics/" + encode(topic)).resolve(location);
      StepVerifier.create(open(followed).take(1))
          .assertNext(
              e ->
                  assertThat(e.data())
                      .usingRecursiveComparison()
                      .ignoringFields("timestamp")
                      .isEqualTo(new EntryEvent(topic, 0, "", 0, "in " + topic, "utf-8")))
          .expectComplete()
          .verify(WAIT);
    }
    String batch =
        client
            .post()
            .uri(uri("/topics/" + encode("b/c") + "/batch"))
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("[\"x\"]")
            .exchange()
            .expectStatus()
            .isCreated()
            .returnResult(BatchResult.class)
            .getResponseHeaders()
            .getLocation()
            .toString();
    assertThat(batch).isEqualTo("/topics/b%2Fc/stream?from=0");
  }

  @Test
  void percentEncodedBytesThatAreNotUtf8Are400NotU_FFFD() {
    problem(
            client.post().uri(uri("/topics/caf%E9")).bodyValue("x").exchange(),
            400,
            "invalid-topic")
        .jsonPath("$.topic")
        .isEqualTo("caf%E9")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("caf%E9").contains("UTF-8"));
    problem(
            client
                .post()
                .uri(uri("/topics/%FF%FE/batch"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("[1]")
                .exchange(),
            400,
            "invalid-topic")
        .jsonPath("$.topic")
        .isEqualTo("%FF%FE");
    problem(
        client
            .get()
            .uri(uri("/topics/%C3%28/stream"))
            .accept(MediaType.TEXT_EVENT_STREAM)
            .exchange(),
        400,
        "invalid-topic");
    assertThat(wal.topics()).noneMatch(t -> t.indexOf('\uFFFD') >= 0);
    // a real U+FFFD, sent as its UTF-8 bytes, is a valid name
    client
        .post()
        .uri(uri("/topics/%EF%BF%BD"))
        .bodyValue("x")
        .exchange()
        .expectStatus()
        .isCreated()
        .expectBody()
        .jsonPath("$.topic")
        .isEqualTo("\uFFFD");
  }

  @Test
  void oddLastEventIdsAndOffsetsGetCorrectAnswersOrMessages() {
    append("ids", "e0");
    append("ids", "e1");
    problem(stream("/topics/ids/stream", "latest"), 400, "invalid-request-value")
        .jsonPath("$.parameter")
        .isEqualTo("Last-Event-ID")
        .jsonPath("$.value")
        .isEqualTo("latest")
        .jsonPath("$.detail")
        .value(
            d ->
                assertThat((String) d)
                    .contains("id of an event")
                    .doesNotContain("earliest, latest"));
    // the largest offset: no entry can follow it, so it is an id this log never sent,
    // and the stream starts at the earliest retained entry (as for any unknown id)
    StepVerifier.create(Sse.open(client, "/topics/ids/stream", "9223372036854775807").take(1))
        .assertNext(e -> assertThat(Sse.offset(e)).isZero())
        .expectComplete()
        .verify(WAIT);
    problem(
            stream("/topics/ids/stream?from=9223372036854775807", null),
            400,
            "invalid-request-value")
        .jsonPath("$.parameter")
        .isEqualTo("from")
        .jsonPath("$.detail")
        .value(
            d ->
                assertThat((String) d)
                    .contains("9223372036854775807 is outside the retained entries [0, 2]"));
    problem(
            stream("/topics/ids/stream?from=99999999999999999999", null),
            400,
            "invalid-request-value")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("larger than the largest offset"));
    problem(stream("/topics/ids/stream", "99999999999999999999"), 400, "invalid-request-value")
        .jsonPath("$.parameter")
        .isEqualTo("Last-Event-ID");
    problem(stream("/topics/ids/stream?from=-1", null), 400, "invalid-request-value")
        .jsonPath("$.value")
        .isEqualTo("-1");
  }

  @Test
  void badConsumerNamesAreNamedAndInternalNamesAreReserved() {
    append("named", "e0");
    problem(stream("/topics/named/stream?consumer=", null), 400, "invalid-request-value")
        .jsonPath("$.parameter")
        .isEqualTo("consumer")
        .jsonPath("$.value")
        .isEqualTo("")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("consumer"));
    problem(
            stream("/topics/named/stream?consumer=" + "c".repeat(256), null),
            400,
            "invalid-request-value")
        .jsonPath("$.parameter")
        .isEqualTo("consumer");
    for (String reserved :
        List.of("~viewer-1", "~anything", "billing#tail-reader", "~1f#tail-reader-9")) {
      problem(
              client
                  .get()
                  .uri(uri("/topics/named/stream?consumer=" + encode(reserved)))
                  .accept(MediaType.TEXT_EVENT_STREAM)
                  .exchange(),
              400,
              "invalid-request-value")
          .jsonPath("$.parameter")
          .isEqualTo("consumer")
          .jsonPath("$.value")
          .isEqualTo(reserved)
          .jsonPath("$.detail")
          .value(d -> assertThat((String) d).contains("reserved"));
    }
    assertThat(wal.stats("named").orElseThrow().unread()).as("nothing was created").isEmpty();
    // internal cursors (a viewer's, while it reads) are not listed
    List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    reactor.core.Disposable viewer =
        Sse.open(client, "/topics/named/stream", null).subscribe(e -> seen.add(Sse.offset(e)));
    try {
      org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !seen.isEmpty());
      assertThat(wal.stats("named").orElseThrow().unread()).isNotEmpty();
      client
          .get()
          .uri("/topics")
          .exchange()
          .expectBody()
          .jsonPath("$[?(@.topic == 'named')].consumers")
          .isEqualTo(List.of(java.util.Map.of()));
    } finally {
      viewer.dispose();
    }
  }

  @Test
  void everyProblemHasATypeAndNamesTheValueOrTheLimit() {
    problem(
            client.post().uri("/topics/huge").bodyValue(new byte[100 * 1024]).exchange(),
            413,
            "body-too-large")
        .jsonPath("$.limit")
        .isEqualTo(64 * 1024)
        .jsonPath("$.parameter")
        .isEqualTo("body")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("65536 bytes"));
    problem(client.get().uri("/no/such/thing").exchange(), 404, "not-found")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("/no/such/thing"));
    problem(
            client
                .post()
                .uri("/topics/t/batch")
                .contentType(MediaType.TEXT_PLAIN)
                .bodyValue("x")
                .exchange(),
            415,
            "unsupported-media-type")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("text/plain").contains("application/x-ndjson"));
    client.put().uri("/topics/t").exchange().expectHeader().exists("Allow");
    problem(client.put().uri("/topics/t").exchange(), 405, "method-not-allowed")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("PUT"));
    problem(
            client.get().uri("/topics").accept(MediaType.IMAGE_PNG).exchange(),
            406,
            "not-acceptable")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("image/png"));
    problem(
        client
            .post()
            .uri("/topics/t/batch")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue("{\"a\":")
            .exchange(),
        400,
        "invalid-request-value");
    problem(
            client
                .post()
                .uri("/topics/t/batch")
                .contentType(MediaType.APPLICATION_NDJSON)
                .bodyValue("[1]\n\"\\u12\"\n")
                .exchange(),
            400,
            "invalid-request-value")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).startsWith("line 2 "));
    // a parser limit: Jackson's message names its setting's class, the detail does not
    problem(
            client
                .post()
                .uri("/topics/t/batch")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("[".repeat(1500) + "]".repeat(1500))
                .exchange(),
            400,
            "invalid-request-value")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("(500)"));
  }

  @AfterAll
  static void noMessageNamesALibraryClass() {
    assertThat(PROBLEMS).isNotEmpty();
    assertThat(PROBLEMS)
        .allSatisfy(
            p ->
                assertThat(p)
                    .doesNotContainPattern(CLASS_NAME)
                    .doesNotContainPattern("\\b[A-Z][A-Za-z0-9]+\\.[a-z]\\w*\\(") // Class.method(
                    .doesNotContain("Exception"));
  }

  private WebTestClient.ResponseSpec stream(String path, String lastEventId) {
    WebTestClient.RequestHeadersSpec<?> spec =
        client.get().uri(uri(path)).accept(MediaType.TEXT_EVENT_STREAM);
    return lastEventId == null
        ? spec.exchange()
        : spec.header("Last-Event-ID", lastEventId).exchange();
  }

  private reactor.core.publisher.Flux<org.springframework.http.codec.ServerSentEvent<EntryEvent>>
      open(URI uri) {
    return client
        .get()
        .uri(uri)
        .accept(MediaType.TEXT_EVENT_STREAM)
        .exchange()
        .expectStatus()
        .isOk()
        .returnResult(
            new org.springframework.core.ParameterizedTypeReference<
                org.springframework.http.codec.ServerSentEvent<EntryEvent>>() {})
        .getResponseBody()
        .filter(e -> e.data() != null);
  }

  /** The problem's checks, recording its body for {@link #noMessageNamesALibraryClass}. */
  private static WebTestClient.BodyContentSpec problem(
      WebTestClient.ResponseSpec response, int status, String type) {
    WebTestClient.BodyContentSpec body = AppendApiTest.problem(response, status, type);
    byte[] raw = body.returnResult().getResponseBody();
    synchronized (PROBLEMS) {
      PROBLEMS.add(new String(raw, StandardCharsets.UTF_8));
    }
    return body;
  }

  /** A URI sent as is (WebTestClient does not encode a URI object again). */
  private URI uri(String pathAndQuery) {
    return URI.create("http://localhost:" + port + pathAndQuery);
  }

  /** Every reserved character percent-encoded; "." and ".." with their dots encoded. */
  private static String encode(String segment) {
    String s = UriUtils.encode(segment, StandardCharsets.UTF_8);
    return s.equals(".") || s.equals("..") ? s.replace(".", "%2E") : s;
  }

  private void append(String topic, String text) {
    client.post().uri("/topics/" + topic).bodyValue(text).exchange().expectStatus().isCreated();
  }
}
