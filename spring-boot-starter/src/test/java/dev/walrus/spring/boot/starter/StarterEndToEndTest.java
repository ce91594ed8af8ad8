package dev.walrus.spring.boot.starter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The "done when": an application that adds only the starter and
 * {@code walrus.data-dir} gets working beans, {@code /actuator/health} and
 * {@code /actuator/metrics/walrus.*} over HTTP.
 */
@SpringBootTest(
    classes = StarterApp.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "management.endpoint.health.show-details=always",
      "management.endpoints.web.exposure.include=health,metrics"
    })
@AutoConfigureWebTestClient
class StarterEndToEndTest {
  private static final Path DIR = tempDir();

  @DynamicPropertySource
  static void walrus(DynamicPropertyRegistry r) {
    r.add("walrus.data-dir", DIR::toString);
  }

  @Autowired WebTestClient client;
  @Autowired Walrus walrus;
  @Autowired ReactiveWalrus reactive;

  @Test
  void theBeansWorkAndHealthShowsWalrusUp() {
    assertThat(reactive.engine()).isSameAs(walrus);
    assertThat(walrus.directory()).isEqualTo(DIR.toAbsolutePath().normalize());
    assertThat(reactive.append("orders", new byte[] {1, 2, 3}).block()).isZero();

    client
        .get()
        .uri("/actuator/health")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.status")
        .isEqualTo("UP")
        .jsonPath("$.components.walrus.status")
        .isEqualTo("UP")
        .jsonPath("$.components.walrus.details.topics")
        .isEqualTo(1)
        .jsonPath("$.components.walrus.details.lag.orders")
        .isEqualTo(1)
        .jsonPath("$.components.walrus.details.backend")
        .isEqualTo(walrus.backendInfo().toString());

    client
        .get()
        .uri("/actuator/metrics/walrus.append.entries")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.measurements[0].value")
        .isEqualTo(1.0);
  }

  /** @return a new directory, deleted when the JVM exits (the cached context owns it) */
  private static Path tempDir() {
    try {
      Path dir = Files.createTempDirectory("walrus-starter");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
      return dir;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException ignored) {
      // best effort
    }
  }
}
