package dev.walrus.examples.webflux;

import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import java.util.List;
import java.util.Objects;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /topics}: every topic with its stats and retention, sorted by name;
 * {@code DELETE /topics/{topic}}: deletes a topic. The engine's calls are blocking, so
 * they run on the {@link ReactiveWalrus} scheduler, never on the event loop.
 */
@RestController
public class TopicListController {
  private final ReactiveWalrus walrus;

  /** @param walrus the log */
  public TopicListController(ReactiveWalrus walrus) {
    this.walrus = walrus;
  }

  /** @return the topics' summaries, by name; empty if there are none */
  @GetMapping("/topics")
  public Mono<List<TopicSummary>> topics() {
    Walrus wal = walrus.engine();
    return walrus.call(
        w ->
            wal.topics().stream()
                .sorted()
                .map(
                    t -> wal.stats(t).map(s -> TopicSummary.of(s, wal.topicConfig(t))).orElse(null))
                .filter(Objects::nonNull)
                .toList());
  }

  /**
   * Deletes a topic: its entries, its cursors and its own retention, atomically across a
   * crash ({@code Walrus.deleteTopic}); a topic appended to afterwards continues its
   * offsets. Open streams of the topic stay open and carry what is appended later.
   *
   * @param topic the topic
   * @param request the request (its raw path is checked for UTF-8)
   * @return 204 once the delete is durable; problem bodies: 400 for an invalid topic name,
   *     404 topic-not-found if the topic does not exist
   */
  @DeleteMapping("/topics/{topic}")
  public Mono<ResponseEntity<Void>> delete(@PathVariable String topic, ServerHttpRequest request) {
    TopicPath.check(topic, request);
    return walrus
        .deleteTopic(topic)
        .map(
            existed -> {
              if (!existed) {
                throw new UnknownTopicException(topic);
              }
              return ResponseEntity.noContent().<Void>build();
            });
  }
}
