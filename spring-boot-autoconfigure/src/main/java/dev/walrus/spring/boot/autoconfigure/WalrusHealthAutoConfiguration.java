package dev.walrus.spring.boot.autoconfigure;

import dev.walrus.Walrus;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code walrus} Actuator health indicator
 * ({@link WalrusHealthIndicator}) when Spring Boot's health API
 * ({@code spring-boot-health}, brought by {@code spring-boot-starter-actuator}) is on the
 * class path, one {@link Walrus} bean exists (the auto-configured one or the
 * application's) and {@code management.health.walrus.enabled} is not {@code false}.
 * Backs off if the application defines a bean named {@code walrusHealthIndicator}.
 */
@AutoConfiguration(after = WalrusAutoConfiguration.class)
@ConditionalOnClass({Walrus.class, HealthIndicator.class})
@ConditionalOnSingleCandidate(Walrus.class)
@ConditionalOnEnabledHealthIndicator("walrus")
public class WalrusHealthAutoConfiguration {

  /** Instantiated by Spring only. */
  public WalrusHealthAutoConfiguration() {}

  /**
   * @param walrus the instance to report on
   * @return the indicator, contributed as {@code walrus}
   */
  @Bean
  @ConditionalOnMissingBean(name = "walrusHealthIndicator")
  public WalrusHealthIndicator walrusHealthIndicator(Walrus walrus) {
    return new WalrusHealthIndicator(walrus);
  }
}
