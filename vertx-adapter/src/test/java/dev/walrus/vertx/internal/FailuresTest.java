package dev.walrus.vertx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.BatchTooLargeException;
import dev.walrus.CorruptEntryException;
import dev.walrus.EntryTooLargeException;
import dev.walrus.FatalIOException;
import dev.walrus.InvalidArgumentException;
import dev.walrus.InvalidTopicException;
import dev.walrus.SharedCursorDisabledException;
import dev.walrus.WalrusClosedException;
import dev.walrus.WalrusIOException;
import dev.walrus.WalrusPoisonedException;
import dev.walrus.WriteRolledBackException;
import dev.walrus.vertx.FailureCodes;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each engine failure class of the README's error table gets its failure code. */
class FailuresTest {
  private static final IOException CAUSE = new IOException("No space left on device");

  static Stream<Arguments> rows() {
    return Stream.of(
        Arguments.of(new InvalidTopicException("invalid topic ''"), FailureCodes.BAD_TOPIC),
        Arguments.of(new EntryTooLargeException("too large"), FailureCodes.TOO_LARGE),
        Arguments.of(new BatchTooLargeException("too many"), FailureCodes.TOO_LARGE),
        Arguments.of(new InvalidArgumentException("bad"), FailureCodes.BAD_REQUEST),
        Arguments.of(new SharedCursorDisabledException("off"), FailureCodes.BAD_REQUEST),
        Arguments.of(new WriteRolledBackException("rolled back", CAUSE), FailureCodes.ROLLED_BACK),
        Arguments.of(new FatalIOException("fsync failed", CAUSE), FailureCodes.INTERNAL),
        Arguments.of(new WalrusPoisonedException("poisoned", CAUSE), FailureCodes.UNAVAILABLE),
        Arguments.of(new WalrusClosedException("closed"), FailureCodes.UNAVAILABLE),
        Arguments.of(new CorruptEntryException("corrupt"), FailureCodes.INTERNAL),
        Arguments.of(new WalrusIOException("other"), FailureCodes.INTERNAL));
  }

  @ParameterizedTest
  @MethodSource("rows")
  void eachFailureClassHasItsCode(Throwable failure, int code) {
    assertThat(Failures.code(failure)).as(FailureCodes.name(code)).isEqualTo(code);
    assertThat(FailureCodes.name(code)).doesNotStartWith("UNKNOWN");
  }
}
