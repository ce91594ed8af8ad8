package dev.walrus.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.InvalidTopicException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exposed topic names follow the engine's rule ({@link dev.walrus.TopicNames}). */
class BindOptionsNamesTest {
  @Test
  void anInvalidTopicNameIsRefusedWhenExposedNamingIt() {
    for (String bad : List.of("", "a\0b", "x".repeat(256), "\uD800")) {
      assertThatThrownBy(() -> BindOptions.defaults().exposeTopics("ok", bad))
          .isInstanceOf(InvalidTopicException.class)
          .hasMessageStartingWith("invalid topic '");
    }
    assertThat(BindOptions.defaults().exposeTopics("a/b", "x".repeat(255)).isExposed("a/b"))
        .isTrue();
  }
}
