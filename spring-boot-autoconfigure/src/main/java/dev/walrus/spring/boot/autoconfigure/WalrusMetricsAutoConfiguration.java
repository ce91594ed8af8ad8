package dev.walrus.spring.boot.autoconfigure;

import dev.walrus.Walrus;
import dev.walrus.micrometer.WalrusMeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of Walrus's Micrometer metrics: when Micrometer and
 * {@code walrus-micrometer} are on the class path and one {@link Walrus} bean exists, a
 * {@link WalrusMeterBinder} bean over it, which Spring Boot binds to every
 * {@code MeterRegistry} ({@code walrus.*} meters, under {@code /actuator/metrics} with
 * Actuator). Backs off if the application defines its own {@code WalrusMeterBinder}. The
 * binder is closed (its meters removed) when the context closes, before the engine.
 */
@AutoConfiguration(after = WalrusAutoConfiguration.class)
@ConditionalOnClass(
    name = {
      "io.micrometer.core.instrument.MeterRegistry",
      "dev.walrus.micrometer.WalrusMeterBinder"
    })
@ConditionalOnSingleCandidate(Walrus.class)
public class WalrusMetricsAutoConfiguration {

  /** Instantiated by Spring only. */
  public WalrusMetricsAutoConfiguration() {}

  /**
   * @param walrus the instance to meter
   * @return the binder, bound to the registries by Spring Boot, closed on shutdown
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public WalrusMeterBinder walrusMeterBinder(Walrus walrus) {
    return new WalrusMeterBinder(walrus);
  }
}
