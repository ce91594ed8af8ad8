package dev.walrus.spring.boot.starter;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A new Spring Boot application: WebFlux and Actuator, the Walrus starter, no Walrus
 * configuration of its own (only {@code walrus.data-dir}, set by the test).
 */
@SpringBootApplication
public class StarterApp {
  /** Instantiated by Spring only. */
  protected StarterApp() {}
}
