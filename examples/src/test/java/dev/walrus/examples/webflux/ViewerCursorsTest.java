package dev.walrus.examples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.reactive.ReceivedEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * A viewer's cursors against the orders in which a disconnect can reach it, with a real
 * engine and reactive API (no web server). The storm ({@link SseStormTest}) finds such
 * orders at random; these replay one deterministically.
 */
class ViewerCursorsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /**
   * The start's value has been handed on when the start is cancelled (a client leaving
   * just then: WebFlux cancels the start and the tail), and the tail is subscribed after
   * the release began. Its tail, had it joined, would leave its group by checkpointing its
   * start under the viewer's name: the guard, recreated after the release removed it, and
   * left for good. (It was, 2 of 3,000 viewers in a long storm, seed 7.)
   */
  @Test
  void aStartCancelledAsItsValueArrivesLeavesNoCursorEvenIfItsTailIsThenSubscribed() {
    Path dir = TempDirs.create("walrus-viewer-cursors");
    try (Walrus wal = Walrus.builder().dataDir(dir).open();
        ReactiveWalrus rw = ReactiveWalrus.create(wal)) {
      for (int i = 0; i < 10; i++) {
        wal.appendForTopic("t", ("e" + i).getBytes(StandardCharsets.UTF_8));
      }
      ViewerCursors viewers = new ViewerCursors(rw);
      AtomicReference<Flux<ReceivedEntry>> tail = new AtomicReference<>();
      viewers
          .tail("t", StreamStart.parse("5", null, null))
          .subscribe(
              new BaseSubscriber<>() {
                @Override
                protected void hookOnNext(Flux<ReceivedEntry> value) {
                  tail.set(value);
                  cancel();
                }
              });
      Awaitility.await("the start's value").atMost(WAIT).until(() -> tail.get() != null);
      Awaitility.await("the first release done").atMost(WAIT).until(() -> viewers.pending() == 0);

      AtomicBoolean ended = new AtomicBoolean();
      Disposable d = tail.get().subscribe(e -> {}, e -> ended.set(true), () -> ended.set(true));
      // either the tail ends at once or it has joined its group (its reader is there)
      Awaitility.await("the tail ended or joined")
          .atMost(WAIT)
          .until(
              () ->
                  ended.get()
                      || viewerCursors(wal).stream().anyMatch(c -> c.endsWith("#tail-reader")));
      d.dispose();

      Awaitility.await("no viewer cursor left")
          .atMost(WAIT)
          .untilAsserted(() -> assertThat(viewerCursors(wal)).isEmpty());
      assertThat(viewers.pending()).as("viewers not cleaned up").isZero();
    }
  }

  private static List<String> viewerCursors(Walrus wal) {
    return wal.stats("t")
        .map(s -> s.unread().keySet().stream().filter(ViewerCursors::isViewer).toList())
        .orElse(List.of());
  }
}
