package dev.walrus.examples.webflux;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

/** Opens topic streams the way a browser's EventSource does, for tests. */
final class Sse {
  private static final ParameterizedTypeReference<ServerSentEvent<EntryEvent>> EVENT =
      new ParameterizedTypeReference<>() {};

  private Sse() {}

  /**
   * @param client the client
   * @param uri the stream's URI
   * @param lastEventId the Last-Event-ID header, or null
   * @return the entry events (keep-alive comments dropped); cancel to disconnect
   */
  static Flux<ServerSentEvent<EntryEvent>> open(
      WebTestClient client, String uri, String lastEventId) {
    WebTestClient.RequestHeadersSpec<?> spec =
        client.get().uri(uri).accept(MediaType.TEXT_EVENT_STREAM);
    if (lastEventId != null) {
      spec = spec.header("Last-Event-ID", lastEventId);
    }
    return spec.exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
        .returnResult(EVENT)
        .getResponseBody()
        .filter(e -> e.data() != null);
  }

  /** @return the event's offset, checking that its id is the same offset */
  static long offset(ServerSentEvent<EntryEvent> e) {
    long offset = e.data().offset();
    if (!Long.toString(offset).equals(e.id()) || !"entry".equals(e.event())) {
      throw new AssertionError("event id/name do not match the entry: " + e);
    }
    return offset;
  }
}
