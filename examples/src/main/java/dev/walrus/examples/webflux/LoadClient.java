package dev.walrus.examples.webflux;

import dev.walrus.examples.Progress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalTime;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * Appends many entries to a running {@link WalrusWebApplication} over HTTP, showing
 * progress (count and rate), so that the web page has something to show:
 *
 * <pre>
 * mvn -q -B -pl examples -am compile exec:java -Dexec.mainClass=dev.walrus.examples.webflux.LoadClient \
 *   -Dexec.args="--topic load --count 20000"
 * </pre>
 *
 * <p>Options: {@code --url} (default {@code http://localhost:8080}), {@code --topic}
 * ({@code load}), {@code --count} (10,000), {@code --concurrency} requests in flight (32),
 * {@code --batch} entries per request (1: single appends; more: JSON batches). Exits with
 * status 1 if a request fails, after printing the server's problem body.
 */
public final class LoadClient {
  private LoadClient() {}

  /**
   * @param args the options above
   */
  public static void main(String[] args) {
    String url = "http://localhost:8080";
    String topic = "load";
    int count = 10_000;
    int concurrency = 32;
    int batch = 1;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--url":
          url = args[i + 1];
          break;
        case "--topic":
          topic = args[i + 1];
          break;
        case "--count":
          count = Integer.parseInt(args[i + 1]);
          break;
        case "--concurrency":
          concurrency = Integer.parseInt(args[i + 1]);
          break;
        case "--batch":
          batch = Integer.parseInt(args[i + 1]);
          break;
        default:
          throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (count < 1 || concurrency < 1 || batch < 1 || batch > 2000) {
      throw new IllegalArgumentException(
          "--count and --concurrency must be at least 1," + " --batch between 1 and 2000");
    }
    WebClient client = WebClient.create(url);
    Progress progress = new Progress("append", count);
    System.out.printf(
        "appending %,d entries to '%s' at %s (%d requests in flight, %d per" + " request)%n",
        count, topic, url, concurrency, batch);
    final String t = topic;
    final int per = batch;
    final int total = count;
    try {
      Flux.range(0, (count + batch - 1) / batch)
          .flatMap(
              req ->
                  send(client, t, req * per, Math.min(per, total - req * per))
                      .doOnSuccess(n -> progress.add(n)),
              concurrency)
          .blockLast(Duration.ofHours(1));
    } catch (RuntimeException e) {
      System.out.println();
      System.err.println("failed: " + e.getMessage());
      System.exit(1);
    }
    progress.done();
    System.out.printf("done: watch them at %s/ (topic '%s')%n", url, topic);
  }

  private static reactor.core.publisher.Mono<Integer> send(
      WebClient client, String topic, int first, int n) {
    if (n == 1) {
      return client
          .post()
          .uri("/topics/{topic}", topic)
          .contentType(MediaType.TEXT_PLAIN)
          .bodyValue(message(first).getBytes(StandardCharsets.UTF_8))
          .retrieve()
          .toBodilessEntity()
          .thenReturn(1);
    }
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      json.append(i == 0 ? "" : ",").append('"').append(message(first + i)).append('"');
    }
    return client
        .post()
        .uri("/topics/{topic}/batch", topic)
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(json.append(']').toString())
        .retrieve()
        .toBodilessEntity()
        .thenReturn(n);
  }

  private static String message(int i) {
    return "load #" + i + " at " + LocalTime.now();
  }
}
