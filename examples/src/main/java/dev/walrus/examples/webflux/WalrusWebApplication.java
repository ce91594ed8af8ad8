package dev.walrus.examples.webflux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot WebFlux application over a {@link dev.walrus.reactive.ReactiveWalrus}:
 * HTTP appends, Server-Sent-Event streams of topics, topic stats, and a web page at
 * {@code /} that appends and watches topics live. The README's first command runs it on
 * {@code ./wal_files}, port 8080; see {@code docs/WEBFLUX.md} for endpoints and settings.
 * The {@code Walrus} and {@code ReactiveWalrus} beans come from the Walrus Spring Boot
 * starter, configured by the {@code walrus.*} keys of {@code application.yml} (see
 * {@code docs/SPRING.md}); the application has no Walrus wiring of its own.
 */
@SpringBootApplication
public class WalrusWebApplication {

  /** Instantiated by Spring only. */
  protected WalrusWebApplication() {}

  /**
   * Starts the application and returns once the server listens; it runs until the JVM
   * is stopped (Ctrl-C), which closes the log cleanly.
   *
   * @param args Spring Boot arguments, e.g. {@code --server.port=9090} or
   *     {@code --walrus.data-dir=/tmp/wal}
   */
  public static void main(String[] args) {
    SpringApplication.run(WalrusWebApplication.class, args);
  }
}
