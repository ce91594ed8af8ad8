package dev.walrus.examples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.FatalIOException;
import dev.walrus.WalrusClosedException;
import dev.walrus.WalrusPoisonedException;
import dev.walrus.WriteRolledBackException;
import java.io.IOException;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import org.springframework.web.method.annotation.ExceptionHandlerMethodResolver;

/**
 * The engine's I/O failure classes (the README's error table) get their own problems: the
 * handler Spring resolves for each, and what it answers. (A rolled-back write cannot be
 * provoked through the running app without a faulty disk; the engine's tests do that.)
 */
class ProblemHandlerTest {
  private static final IOException CAUSE =
      new IOException("No space left on device (java.io.IOException)");
  private final ProblemHandler handler = new ProblemHandler(DataSize.ofMegabytes(16));
  private final ExceptionHandlerMethodResolver resolver =
      new ExceptionHandlerMethodResolver(ProblemHandler.class);

  @SuppressWarnings("unchecked")
  private ResponseEntity<ProblemDetail> answer(Exception e) throws Exception {
    Method m = resolver.resolveMethod(e);
    assertThat(m).as("a handler for %s", e.getClass().getSimpleName()).isNotNull();
    return (ResponseEntity<ProblemDetail>) m.invoke(handler, e);
  }

  private static void assertProblem(ResponseEntity<ProblemDetail> r, int status, String type) {
    assertThat(r.getStatusCode().value()).isEqualTo(status);
    assertThat(r.getBody()).isNotNull();
    assertThat(r.getBody().getType().toString()).isEqualTo("tag:walrus.dev,2026:problem/" + type);
    assertThat(r.getBody().getDetail()).doesNotContain("java.").doesNotContain("Exception");
  }

  @Test
  void aRolledBackWriteIs507AndSaysNothingWasWritten() throws Exception {
    ResponseEntity<ProblemDetail> r =
        answer(
            new WriteRolledBackException(
                "append to topic 't' failed and was rolled back: " + CAUSE, CAUSE));
    assertProblem(r, 507, "write-rolled-back");
    assertThat(r.getBody().getDetail()).contains("nothing of this request was written");
  }

  @Test
  void theFailureThatPoisonsIsAStorageErrorAndLaterCallsAreUnavailable() throws Exception {
    assertProblem(
        answer(new FatalIOException("fsync failed: " + CAUSE, CAUSE)), 500, "storage-error");
    assertProblem(answer(new WalrusPoisonedException("refuses work", CAUSE)), 503, "unavailable");
    assertProblem(answer(new WalrusClosedException("closed")), 503, "unavailable");
  }
}
