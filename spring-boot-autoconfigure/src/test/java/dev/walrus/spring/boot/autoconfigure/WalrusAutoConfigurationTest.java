package dev.walrus.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.Backend;
import dev.walrus.EntryTooLargeException;
import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.SharedCursorDisabledException;
import dev.walrus.Walrus;
import dev.walrus.WalrusHealth;
import dev.walrus.reactive.ReactiveWalrus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@link WalrusAutoConfiguration}: the beans, every property, overrides, bad values. */
class WalrusAutoConfigurationTest {
  @TempDir Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(WalrusAutoConfiguration.class))
        .withPropertyValues("walrus.data-dir=" + dir, "walrus.quiet=true");
  }

  @Test
  void withOnlyADataDirTheBeansHaveTheEngineDefaults() {
    runner()
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed().hasSingleBean(Walrus.class);
              Walrus w = ctx.getBean(Walrus.class);
              assertThat(ctx.getBean(ReactiveWalrus.class).engine()).isSameAs(w);
              assertThat(w.directory()).isEqualTo(dir.toAbsolutePath().normalize());
              assertThat(w.consistency()).isEqualTo(ReadConsistency.strictlyAtOnce());
              assertThat(w.fsyncSchedule()).isEqualTo(FsyncSchedule.milliseconds(200));
              assertThat(w.backendInfo().backend()).isEqualTo(Walrus.defaultBackend());
              // the shared cursor is on by default
              w.appendForTopic("t", new byte[] {7});
              assertThat(w.readNext("t", true)).isPresent();
            });
  }

  @Test
  void everyPropertyReachesTheEngine() {
    runner()
        .withPropertyValues(
            "walrus.namespace=orders",
            "walrus.consistency=at-least-once",
            "walrus.persist-every=7",
            "walrus.fsync=sync-each",
            "walrus.backend=mmap",
            "walrus.io-uring=false",
            "walrus.block-size=8KB",
            "walrus.blocks-per-file=3",
            "walrus.max-entry-bytes=4KB",
            "walrus.shared-cursor=false",
            "walrus.retention=36h",
            "walrus.retention-bytes=64MB")
        .run(
            ctx -> {
              assertThat(ctx).hasNotFailed();
              Walrus w = ctx.getBean(Walrus.class);
              assertThat(w.directory().getFileName().toString()).isEqualTo("orders");
              assertThat(w.directory().getParent()).isEqualTo(dir.toAbsolutePath().normalize());
              assertThat(w.consistency()).isEqualTo(ReadConsistency.atLeastOnce(7));
              assertThat(w.fsyncSchedule()).isEqualTo(FsyncSchedule.syncEach());
              assertThat(w.backendInfo().backend()).isEqualTo(Backend.MMAP);
              assertThat(w.backendInfo().ioUring()).isFalse();
              w.appendForTopic("t", new byte[4096]);
              assertThatThrownBy(() -> w.appendForTopic("t", new byte[4097]))
                  .isInstanceOf(EntryTooLargeException.class);
              assertThatThrownBy(() -> w.readNext("t", true))
                  .isInstanceOf(SharedCursorDisabledException.class);
              assertThat(w.topicConfig("any"))
                  .isEqualTo(
                      dev.walrus.TopicConfig.unlimited()
                          .withRetention(java.time.Duration.ofHours(36))
                          .withRetentionBytes(64L << 20));
              // data files are blocks-per-file blocks of block-size bytes
              assertThat(fileSizes(w.directory())).contains(3L * 8192);
            });
  }

  @Test
  void theFirstBlockSizeReachesTheEngine() {
    // Four topics, one entry each, in data files of three 8 KB blocks: with 512-byte first
    // blocks they share the first file; with 8 KB first blocks (a whole block each) they
    // cannot.
    Map<String, Long> dataFiles = new HashMap<>();
    for (String size : List.of("512B", "8KB")) {
      runner()
          .withPropertyValues(
              "walrus.namespace=first-" + size,
              "walrus.block-size=8KB",
              "walrus.blocks-per-file=3",
              "walrus.first-block-size=" + size)
          .run(
              ctx -> {
                assertThat(ctx).hasNotFailed();
                Walrus w = ctx.getBean(Walrus.class);
                for (String t : List.of("a", "b", "c", "d")) {
                  w.appendForTopic(t, new byte[100]);
                }
                try (Stream<Path> files = Files.list(w.directory())) {
                  dataFiles.put(
                      size,
                      files.filter(f -> f.getFileName().toString().startsWith("wal-")).count());
                }
              });
    }
    assertThat(dataFiles.get("512B")).as("data files with 512-byte first blocks").isEqualTo(1);
    assertThat(dataFiles.get("8KB")).as("data files with 8 KB first blocks").isGreaterThan(1);
  }

  @Test
  void theMillisecondsScheduleTakesItsInterval() {
    runner()
        .withPropertyValues("walrus.fsync=milliseconds", "walrus.fsync-interval=50ms")
        .run(
            ctx ->
                assertThat(ctx.getBean(Walrus.class).fsyncSchedule())
                    .isEqualTo(FsyncSchedule.milliseconds(50)));
  }

  @Test
  void noFsyncAndAnEmptyNamespaceMeanTheDataDirectoryItself() {
    runner()
        .withPropertyValues("walrus.fsync=no-fsync", "walrus.namespace=", "walrus.backend=fd")
        .run(
            ctx -> {
              Walrus w = ctx.getBean(Walrus.class);
              assertThat(w.fsyncSchedule()).isEqualTo(FsyncSchedule.noFsync());
              assertThat(w.directory()).isEqualTo(dir.toAbsolutePath().normalize());
              assertThat(w.backendInfo().backend()).isEqualTo(Backend.FD);
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class UserWalrus {
    @Bean(destroyMethod = "close")
    Walrus myWalrus(
        @org.springframework.beans.factory.annotation.Value("${walrus.data-dir}") Path d) {
      return Walrus.builder().dataDir(d).namespace("mine").quiet(true).open();
    }
  }

  @Test
  void theApplicationsWalrusWinsAndGetsTheReactiveBean() {
    runner()
        .withUserConfiguration(UserWalrus.class)
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(Walrus.class).hasBean("myWalrus");
              Walrus w = ctx.getBean(Walrus.class);
              assertThat(w.directory().getFileName().toString()).isEqualTo("mine");
              assertThat(ctx.getBean(ReactiveWalrus.class).engine()).isSameAs(w);
            });
  }

  @Configuration(proxyBeanMethods = false)
  static class UserReactive {
    static final AtomicReference<ReactiveWalrus> MADE = new AtomicReference<>();

    @Bean(destroyMethod = "close")
    ReactiveWalrus myReactive(Walrus w) {
      ReactiveWalrus r = ReactiveWalrus.builder(w).build();
      MADE.set(r);
      return r;
    }
  }

  @Test
  void theApplicationsReactiveWalrusWins() {
    runner()
        .withUserConfiguration(UserReactive.class)
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(ReactiveWalrus.class).hasBean("myReactive");
              assertThat(ctx.getBean(ReactiveWalrus.class)).isSameAs(UserReactive.MADE.get());
            });
  }

  @Test
  void closingTheContextClosesBothBeansAndReleasesTheNamespace() {
    AtomicReference<Walrus> seen = new AtomicReference<>();
    runner()
        .run(
            ctx -> {
              Walrus w = ctx.getBean(Walrus.class);
              seen.set(w);
              ctx.getBean(ReactiveWalrus.class).append("t", new byte[] {1}).block();
            });
    assertThat(seen.get().health().state()).isEqualTo(WalrusHealth.State.CLOSED);
    try (Walrus again = Walrus.builder().dataDir(dir).namespace(null).quiet(true).open()) {
      assertThat(again.stats("t")).get().extracting(s -> s.nextOffset()).isEqualTo(1L);
    }
  }

  @Test
  void aNamespaceInUseFailsTheStart() {
    try (Walrus owner = Walrus.builder().dataDir(dir).namespace(null).quiet(true).open()) {
      assertThat(owner.health().isOpen()).isTrue();
      runner()
          .run(
              ctx ->
                  assertThat(ctx)
                      .getFailure()
                      .rootCause()
                      .isInstanceOf(dev.walrus.NamespaceLockedException.class));
    }
  }

  @Test
  void outOfRangeValuesFailTheStartNamingThePropertyAndValue() {
    List<String[]> bad =
        List.of(
            new String[] {"walrus.block-size=1000B", "walrus.block-size=1000B"},
            new String[] {"walrus.block-size=2GB", "walrus.block-size=2147483648B"},
            new String[] {"walrus.blocks-per-file=0", "walrus.blocks-per-file=0"},
            new String[] {"walrus.first-block-size=1000B", "walrus.first-block-size=1000B"},
            new String[] {"walrus.first-block-size=2GB", "walrus.first-block-size=2147483648B"},
            new String[] {"walrus.max-entry-bytes=2GB", "walrus.max-entry-bytes=2147483648B"},
            new String[] {"walrus.fsync-interval=0ms", "walrus.fsync-interval=PT0S"},
            new String[] {"walrus.retention=-1h", "walrus.retention=PT-1H"},
            new String[] {"walrus.retention-bytes=0B", "walrus.retention-bytes=0B"});
    for (String[] b : bad) {
      runner()
          .withPropertyValues(b[0])
          .run(
              ctx ->
                  assertThat(ctx)
                      .getFailure()
                      .rootCause()
                      .isInstanceOf(InvalidWalrusPropertyException.class)
                      .hasMessageStartingWith(b[1] + " is invalid"));
    }
    runner()
        .withPropertyValues("walrus.consistency=at-least-once", "walrus.persist-every=0")
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessageStartingWith("walrus.persist-every=0 is invalid"));
  }

  @Test
  void unknownNamesAndMalformedValuesFailTheStartNamingThePropertyAndValue() {
    for (String[] b :
        List.of(
            new String[] {"walrus.consistency", "sometimes"},
            new String[] {"walrus.fsync", "weekly"},
            new String[] {"walrus.backend", "tape"},
            new String[] {"walrus.block-size", "big"},
            new String[] {"walrus.blocks-per-file", "many"})) {
      runner()
          .withPropertyValues(b[0] + "=" + b[1])
          .run(
              ctx ->
                  assertThat(ctx)
                      .getFailure()
                      // Spring Boot's binding failure; at startup its failure analysis
                      // prints "Property: walrus.x / Value: "y"" from it
                      .hasStackTraceContaining("Failed to bind properties under '" + b[0] + "'")
                      .hasStackTraceContaining("[" + b[1] + "]"));
    }
  }

  private static List<Long> fileSizes(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.filter(Files::isRegularFile)
          .map(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .toList();
    }
  }
}
