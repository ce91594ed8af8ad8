package dev.walrus.examples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Walrus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * Stopping and starting the application on the same data directory: shutdown ends open
 * streams promptly and releases the log, offsets continue after the restart, and a named
 * consumer and a reconnecting browser resume where they were.
 */
class RestartTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void offsetsAndConsumersSurviveARestartAndShutdownEndsOpenStreams() {
    Path dir = TempDirs.create("walrus-restart");

    ConfigurableApplicationContext first = start(dir);
    WebTestClient client = client(first);
    for (int i = 0; i < 3; i++) {
      client
          .post()
          .uri("/topics/jobs")
          .bodyValue("job " + i)
          .exchange()
          .expectStatus()
          .isCreated()
          .expectBody()
          .jsonPath("$.offset")
          .isEqualTo(i);
    }
    StepVerifier.create(Sse.open(client, "/topics/jobs/stream?consumer=worker", null).take(3))
        .expectNextCount(3)
        .expectComplete()
        .verify(WAIT);
    for (int i = 0; i < 3; i++) {
      client
          .post()
          .uri("/topics/events")
          .bodyValue("event " + i)
          .exchange()
          .expectStatus()
          .isCreated();
    }
    // a stream still open when the application stops is completed, not left hanging
    Flux<ServerSentEvent<EntryEvent>> open =
        Sse.open(client, "/topics/jobs/stream", null)
            .mergeWith(Sse.open(client, "/topics/events/stream", null));
    StepVerifier.create(open).expectNextCount(6).then(first::close).expectComplete().verify(WAIT);
    assertThat(first.isActive()).isFalse();

    // the same directory again: the namespace lock was released, offsets continue
    try (ConfigurableApplicationContext second = start(dir)) {
      WebTestClient again = client(second);
      again
          .post()
          .uri("/topics/jobs")
          .bodyValue("job 3")
          .exchange()
          .expectStatus()
          .isCreated()
          .expectBody()
          .jsonPath("$.offset")
          .isEqualTo(3);
      // the named consumer resumes after the entries it had been sent
      StepVerifier.create(Sse.open(again, "/topics/jobs/stream?consumer=worker", null).take(1))
          .assertNext(e -> assertThat(e.data().data()).isEqualTo("job 3"))
          .expectComplete()
          .verify(WAIT);
      // a browser that had seen offset 1 of "events" reconnects with Last-Event-ID: 1;
      // while it reads, the files behind it are kept: a viewer reclaims nothing
      again.post().uri("/topics/events").bodyValue("event 3").exchange().expectStatus().isCreated();
      Walrus wal = second.getBean(Walrus.class);
      List<Long> seen = new CopyOnWriteArrayList<>();
      Disposable viewer =
          Sse.open(again, "/topics/events/stream", "1").subscribe(e -> seen.add(Sse.offset(e)));
      try {
        Awaitility.await().atMost(WAIT).until(() -> seen.size() == 2);
        assertThat(seen).containsExactly(2L, 3L);
        wal.reclaim();
        assertThat(wal.stats("events").orElseThrow().firstOffset()).isZero();
      } finally {
        viewer.dispose();
      }
      // and once it is gone it has left no cursor behind
      Awaitility.await()
          .atMost(WAIT)
          .untilAsserted(() -> assertThat(wal.stats("events").orElseThrow().unread()).isEmpty());
      again
          .get()
          .uri("/topics")
          .accept(MediaType.APPLICATION_JSON)
          .exchange()
          .expectBody()
          .jsonPath("$[?(@.topic == 'events')].firstOffset")
          .isEqualTo(0)
          .jsonPath("$[?(@.topic == 'events')].nextOffset")
          .isEqualTo(4)
          .jsonPath("$[?(@.topic == 'jobs')].nextOffset")
          .isEqualTo(4)
          .jsonPath("$[?(@.topic == 'jobs')].consumers.worker")
          .isEqualTo(0);
    }
  }

  private static ConfigurableApplicationContext start(Path dir) {
    // command-line arguments: they win over application.yml (builder properties do not)
    return new SpringApplicationBuilder(WalrusWebApplication.class)
        .run("--server.port=0", "--walrus.data-dir=" + dir);
  }

  private static WebTestClient client(ConfigurableApplicationContext context) {
    String port = context.getEnvironment().getProperty("local.server.port");
    return WebTestClient.bindToServer()
        .baseUrl("http://localhost:" + port)
        .responseTimeout(WAIT)
        .build();
  }
}
