package dev.walrus.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Walrus;
import dev.walrus.micrometer.WalrusMeterBinder;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The meter binder is configured
 * with Micrometer and walrus-micrometer on the class path, and only then.
 */
class WalrusMetricsAutoConfigurationTest {
  @TempDir Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                WalrusAutoConfiguration.class, WalrusMetricsAutoConfiguration.class))
        .withPropertyValues("walrus.data-dir=" + dir, "walrus.quiet=true");
  }

  @Test
  void aBinderOverTheWalrusBean() {
    runner().run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(WalrusMeterBinder.class));
  }

  @Test
  void noBinderWithoutMicrometerOrWalrusMicrometer() {
    runner()
        .withClassLoader(new FilteredClassLoader(WalrusMeterBinder.class))
        .run(
            ctx ->
                assertThat(ctx)
                    .hasSingleBean(Walrus.class)
                    .doesNotHaveBean(WalrusMeterBinder.class));
    runner()
        .withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .run(
            ctx ->
                assertThat(ctx)
                    .hasSingleBean(Walrus.class)
                    .doesNotHaveBean(WalrusMeterBinder.class));
  }

  @Configuration(proxyBeanMethods = false)
  static class UserBinder {
    @Bean(destroyMethod = "close")
    WalrusMeterBinder myBinder(Walrus walrus) {
      return new WalrusMeterBinder(walrus);
    }
  }

  @Test
  void theApplicationsBinderWins() {
    runner()
        .withUserConfiguration(UserBinder.class)
        .run(ctx -> assertThat(ctx).hasSingleBean(WalrusMeterBinder.class).hasBean("myBinder"));
  }
}
