package dev.walrus.examples.webflux;

import static dev.walrus.examples.webflux.AppendApiTest.problem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Entry;
import dev.walrus.TopicConfig;
import dev.walrus.Walrus;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.test.StepVerifier;

/**
 * Timestamps in the SSE events, {@code from=time:}, {@code DELETE /topics/{topic}} and
 * retention in {@code GET /topics}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class TopicLifecycleApiTest {
  private static final Path DIR = TempDirs.create("walrus-lifecycle-api");

  @DynamicPropertySource
  static void walrus(DynamicPropertyRegistry r) {
    r.add("walrus.data-dir", DIR::toString);
  }

  @Autowired WebTestClient client;
  @Autowired Walrus wal;
  @LocalServerPort int port;

  private long append(String topic, String body) {
    return wal.appendForTopic(topic, body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void eventsCarryTheEntrysTimestamp() {
    append("ts", "a");
    Entry stored = wal.readNext("ts", "probe", false).orElseThrow();
    StepVerifier.create(Sse.open(client, "/topics/ts/stream?from=earliest", null).take(1))
        .assertNext(
            e -> {
              assertThat(e.data().timestamp()).isEqualTo(stored.timestamp().toString());
              assertThat(Instant.parse(e.data().timestamp())).isEqualTo(stored.timestamp());
              assertThat(e.data().skipped()).isZero();
            })
        .verifyComplete();
  }

  @Test
  void fromTimeStartsAtTheFirstEntryAtOrAfterIt() {
    append("tt", "old");
    Instant cut = wal.readNext("tt", "probe", false).orElseThrow().timestamp().plusNanos(1_000);
    while (!Instant.now().isAfter(cut)) {
      Thread.onSpinWait();
    }
    append("tt", "new");
    StepVerifier.create(Sse.open(client, "/topics/tt/stream?from=time:" + cut, null).take(1))
        .assertNext(e -> assertThat(e.data().data()).isEqualTo("new"))
        .verifyComplete();
  }

  @Test
  void aMalformedTimeIs400NamingIt() {
    problem(
            client.get().uri("/topics/tt/stream?from=time:yesterday").exchange(),
            400,
            "invalid-request-value")
        .jsonPath("$.parameter")
        .isEqualTo("from")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("yesterday"));
  }

  @Test
  void deleteAnswers204ThenTheTopicIsGoneAnd404AfterThat() {
    append("doomed", "a");
    append("doomed", "b");
    client.delete().uri("/topics/doomed").exchange().expectStatus().isNoContent();
    assertThat(wal.topics()).doesNotContain("doomed");
    problem(client.delete().uri("/topics/doomed").exchange(), 404, "topic-not-found")
        .jsonPath("$.topic")
        .isEqualTo("doomed")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("doomed"));
    // a re-created topic continues its offsets
    assertThat(append("doomed", "c")).isEqualTo(2);
  }

  @Test
  void deleteOfAnInvalidTopicNameIs400() {
    problem(
            client
                .delete()
                .uri(URI.create("http://localhost:" + port + "/topics/caf%E9"))
                .exchange(),
            400,
            "invalid-topic")
        .jsonPath("$.topic")
        .isEqualTo("caf%E9");
  }

  @Test
  void topicListShowsEachTopicsRetention() {
    append("kept", "a");
    wal.setTopicConfig(
        "kept",
        TopicConfig.unlimited().withRetention(Duration.ofHours(24)).withRetentionBytes(1 << 20));
    client
        .get()
        .uri("/topics")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$[?(@.topic == 'kept')].retention")
        .isEqualTo("PT24H")
        .jsonPath("$[?(@.topic == 'kept')].retentionBytes")
        .isEqualTo(1 << 20);
  }
}
