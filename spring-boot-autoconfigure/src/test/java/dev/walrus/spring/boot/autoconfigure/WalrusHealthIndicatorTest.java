package dev.walrus.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.PoisonedWalrus;
import dev.walrus.Walrus;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code walrus} health indicator: when it is configured, UP with details, DOWN. */
class WalrusHealthIndicatorTest {
  @TempDir Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                WalrusAutoConfiguration.class, WalrusHealthAutoConfiguration.class))
        .withPropertyValues("walrus.data-dir=" + dir, "walrus.quiet=true");
  }

  @Test
  void upWithDirectoryBackendTopicsDiskUseAndLag() {
    runner()
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(WalrusHealthIndicator.class);
              Walrus w = ctx.getBean(Walrus.class);
              w.appendForTopic("a", new byte[100]);
              w.appendForTopic("a", new byte[100]);
              w.appendForTopic("b", new byte[10]);
              w.readNext("b", true); // b: nothing unread

              Health h = ctx.getBean(WalrusHealthIndicator.class).health();
              assertThat(h.getStatus()).isEqualTo(Status.UP);
              Map<String, Object> d = h.getDetails();
              assertThat(d)
                  .containsEntry("directory", w.directory().toString())
                  .containsEntry("backend", w.backendInfo().toString())
                  .containsEntry("topics", 2)
                  .containsEntry("lag", Map.of("a", 2L));
              long disk =
                  w.stats("a").orElseThrow().retainedBytes()
                      + w.stats("b").orElseThrow().retainedBytes();
              assertThat(d).containsEntry("diskBytes", disk);
              assertThat(disk).isGreaterThanOrEqualTo(210);
            });
  }

  @Test
  void lagListsTheMostLaggingTopicsOnly() {
    runner()
        .run(
            ctx -> {
              Walrus w = ctx.getBean(Walrus.class);
              int n = WalrusHealthIndicator.MAX_LAG_TOPICS + 5;
              for (int i = 1; i <= n; i++) {
                for (int k = 0; k < i; k++) {
                  w.appendForTopic("t" + i, new byte[] {1});
                }
              }
              Health h = ctx.getBean(WalrusHealthIndicator.class).health();
              assertThat(h.getDetails()).containsEntry("topics", n);
              @SuppressWarnings("unchecked")
              Map<String, Long> lag = (Map<String, Long>) h.getDetails().get("lag");
              assertThat(lag).hasSize(WalrusHealthIndicator.MAX_LAG_TOPICS);
              assertThat(lag.keySet()).startsWith("t" + n, "t" + (n - 1)).doesNotContain("t5");
              assertThat(lag).containsEntry("t" + n, (long) n);
            });
  }

  @Test
  void downOnceClosed() {
    runner()
        .run(
            ctx -> {
              ctx.getBean(Walrus.class).close();
              Health h = ctx.getBean(WalrusHealthIndicator.class).health();
              assertThat(h.getStatus()).isEqualTo(Status.DOWN);
              assertThat(h.getDetails()).containsEntry("state", "CLOSED");
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class Poisoned {
    @Bean(destroyMethod = "close")
    Walrus walrus(
        @org.springframework.beans.factory.annotation.Value("${walrus.data-dir}") Path d) {
      return PoisonedWalrus.open(d);
    }
  }

  @Test
  void downWithTheCauseWhenPoisoned() {
    runner()
        .withUserConfiguration(Poisoned.class)
        .run(
            ctx -> {
              Health h = ctx.getBean(WalrusHealthIndicator.class).health();
              assertThat(h.getStatus()).isEqualTo(Status.DOWN);
              assertThat(h.getDetails()).containsEntry("state", "POISONED");
              assertThat(String.valueOf(h.getDetails().get("error")))
                  .contains("Input/output error");
            });
  }

  @Test
  void offWhenDisabledOrWithoutTheHealthApiAndTheApplicationsIndicatorWins() {
    runner()
        .withPropertyValues("management.health.walrus.enabled=false")
        .run(
            ctx ->
                assertThat(ctx)
                    .hasSingleBean(Walrus.class)
                    .doesNotHaveBean("walrusHealthIndicator"));
    runner()
        .withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(
            ctx ->
                assertThat(ctx)
                    .hasSingleBean(Walrus.class)
                    .doesNotHaveBean("walrusHealthIndicator"));
    runner()
        .withBean(
            "walrusHealthIndicator", HealthIndicator.class, () -> () -> Health.unknown().build())
        .run(ctx -> assertThat(ctx).doesNotHaveBean(WalrusHealthIndicator.class));
  }
}
