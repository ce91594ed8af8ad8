package dev.walrus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The name rule, once, at its boundaries: {@link TopicNames} is what the engine, the
 * reactive API, the Vert.x adapter and the web application apply. The layers' own tests
 * check that they refuse with the engine's types; this one checks the rule itself.
 */
class TopicNamesTest {
  private static final String E_ACUTE = "\u00e9"; // 2 UTF-8 bytes
  private static final String EURO = "\u20ac"; // 3 UTF-8 bytes
  private static final String EMOJI = "\uD83D\uDE00"; // 4 UTF-8 bytes, a surrogate pair

  static Stream<Arguments> rows() {
    return Stream.of(
        // name, valid?, what the message says when it is not
        Arguments.of("a", true, null),
        Arguments.of("x".repeat(255), true, null),
        Arguments.of("x".repeat(256), false, "longer than 255 UTF-8 bytes (256)"),
        Arguments.of(E_ACUTE.repeat(127) + "x", true, null), // 255 bytes
        Arguments.of(E_ACUTE.repeat(128), false, "(256)"), // 128 chars, 256 bytes
        Arguments.of(EURO.repeat(85), true, null), // 255 bytes
        Arguments.of(EURO.repeat(85) + "x", false, "(256)"),
        Arguments.of(EMOJI.repeat(63) + "xxx", true, null), // 255 bytes
        Arguments.of(EMOJI.repeat(64), false, "(256)"),
        Arguments.of("", false, "must not be empty"),
        Arguments.of("\0", false, "must not contain NUL"),
        Arguments.of("a\0b", false, "must not contain NUL"),
        Arguments.of("a\uD800b", false, "unpaired surrogate"), // lone high surrogate
        Arguments.of("a\uDC00", false, "unpaired surrogate"), // lone low surrogate
        Arguments.of("\uD83D", false, "unpaired surrogate"), // high surrogate at the end
        Arguments.of("\uDE00\uD83D", false, "unpaired surrogate"), // a pair the wrong way round
        Arguments.of(" ", true, null),
        Arguments.of("../etc/passwd", true, null), // a name, never a path
        Arguments.of("a/b", true, null),
        Arguments.of("tab\there\u0001", true, null), // control characters other than NUL
        Arguments.of("\uFFFD", true, null),
        Arguments.of("~viewer-1#tail-reader", true, null)); // reserved only by the web app
  }

  @ParameterizedTest
  @MethodSource("rows")
  void theRuleHoldsAtItsBoundaries(String name, boolean valid, String problem) {
    assertThat(TopicNames.isValid(name)).as("isValid").isEqualTo(valid);
    if (valid) {
      assertThat(name.getBytes(StandardCharsets.UTF_8).length).isBetween(1, TopicNames.MAX_BYTES);
      assertThatCode(() -> TopicNames.checkTopic(name)).doesNotThrowAnyException();
      assertThatCode(() -> TopicNames.checkConsumer(name)).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> TopicNames.checkTopic(name))
          .isExactlyInstanceOf(InvalidTopicException.class)
          .hasMessageStartingWith("invalid topic '")
          .hasMessageContaining(problem);
      assertThatThrownBy(() -> TopicNames.checkConsumer(name))
          .isExactlyInstanceOf(InvalidArgumentException.class)
          .hasMessageStartingWith("invalid consumer name '")
          .hasMessageContaining(problem);
    }
  }

  @ParameterizedTest
  @MethodSource("rows")
  void theEngineAppliesTheSameRule(String name, boolean valid, String problem) {
    // the engine's own entry points go through TopicNames
    if (valid) {
      assertThatCode(() -> dev.walrus.internal.format.Names.topic(name)).doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> dev.walrus.internal.format.Names.consumer(name))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining(problem);
    }
  }

  @Test
  void nullIsInvalidAndNamedAsSuch() {
    assertThat(TopicNames.isValid(null)).isFalse();
    assertThatThrownBy(() -> TopicNames.checkTopic(null))
        .isExactlyInstanceOf(InvalidTopicException.class)
        .hasMessage("topic must not be null");
    assertThatThrownBy(() -> TopicNames.checkConsumer(null))
        .isExactlyInstanceOf(InvalidArgumentException.class)
        .hasMessage("consumer name must not be null");
  }

  @Test
  void theMessageQuotesTheValueShortenedAndEscaped() {
    assertThatThrownBy(() -> TopicNames.checkTopic("bad\0name"))
        .hasMessageContaining("'bad\\u0000name'");
    assertThatThrownBy(() -> TopicNames.checkTopic("y".repeat(10_000)))
        .hasMessageContaining("...(10000 chars)'");
  }
}
