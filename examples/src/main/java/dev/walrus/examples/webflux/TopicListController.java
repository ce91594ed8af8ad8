package dev.walrus.examples.webflux;

import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import java.util.List;
import java.util.Objects;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code GET /topics}: every topic with its stats, sorted by name. The engine's stats
 * calls are blocking, so they run on the {@link ReactiveWalrus} scheduler, never on the
 * event loop.
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
                .map(t -> wal.stats(t).map(TopicSummary::of).orElse(null))
                .filter(Objects::nonNull)
                .toList());
  }
}
