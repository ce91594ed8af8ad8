package dev.walrus.examples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Walrus;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A log that is gone (closed under the running app) answers 503 unavailable with a
 * sentence, not the engine's message naming library classes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@DirtiesContext
class UnavailableLogTest {
  private static final Path DIR = TempDirs.create("walrus-unavailable");

  @DynamicPropertySource
  static void walrus(DynamicPropertyRegistry r) {
    r.add("walrus.data-dir", DIR::toString);
  }

  @Autowired WebTestClient client;
  @Autowired Walrus wal;

  @Test
  void aClosedLogIs503WithASentence() {
    client.post().uri("/topics/t").bodyValue("x").exchange().expectStatus().isCreated();
    wal.close();
    AppendApiTest.problem(
            client.post().uri("/topics/t").bodyValue("y").exchange(), 503, "unavailable")
        .jsonPath("$.detail")
        .isEqualTo("the log is closed: the application is shutting down");
    AppendApiTest.problem(
            client
                .get()
                .uri("/topics/t/stream?from=0")
                .accept(MediaType.TEXT_EVENT_STREAM)
                .exchange(),
            503,
            "unavailable")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).doesNotContain("Exception"));
  }
}
