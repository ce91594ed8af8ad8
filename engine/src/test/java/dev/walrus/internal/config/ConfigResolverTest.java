package dev.walrus.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.Backend;
import dev.walrus.FsyncSchedule;
import dev.walrus.InvalidArgumentException;
import dev.walrus.ReadConsistency;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The stated precedence, setting by setting: builder, then (backend only) the process-wide
 * switch, then the system property, then the environment, then the default. Properties and
 * environment are given as maps: nothing of the real process is read or changed.
 */
class ConfigResolverTest {
  private final Map<String, String> props = new HashMap<>();
  private final Map<String, String> env = new HashMap<>();
  private final ConfigResolver resolver = new ConfigResolver(props::get, env::get);

  /** Nothing set on the builder. */
  private static Requested unset() {
    return requested(null, false, null, null, null, false, null);
  }

  private static Requested requested(
      Path dataDir,
      boolean namespaceSet,
      String namespace,
      Backend backend,
      Backend processBackend,
      boolean ioUringOff,
      Boolean quiet) {
    return new Requested(
        dataDir,
        namespaceSet,
        namespace,
        backend,
        processBackend,
        ioUringOff,
        quiet,
        ReadConsistency.strictlyAtOnce(),
        FsyncSchedule.defaultSchedule(),
        4096,
        2,
        100,
        true);
  }

  @Test
  void withNothingSetEverySettingIsItsDefault() {
    ResolvedConfig c = resolver.resolve(unset());
    assertThat(c.dataDir()).isEqualTo(Path.of(ConfigResolver.DEFAULT_DATA_DIR));
    assertThat(c.namespaceKey()).isNull();
    assertThat(c.backend()).isEqualTo(Backend.FD);
    assertThat(c.ioUring()).isEqualTo(IoUringMode.AUTO);
    assertThat(c.maxOpenFiles()).isEqualTo(ConfigResolver.DEFAULT_MAX_OPEN_FILES);
    assertThat(c.quiet()).isFalse();
    assertThat(c.sources())
        .containsEntry("dataDir", "default")
        .containsEntry("backend", "default")
        .containsEntry("io_uring", "default")
        .containsEntry("quiet", "default");
  }

  @Test
  void theDataDirectoryComesFromTheBuilderThenTheEnvironment() {
    env.put("WALRUS_DATA_DIR", "/from/env");
    assertThat(resolver.resolve(unset()).dataDir()).isEqualTo(Path.of("/from/env"));
    assertThat(
            resolver
                .resolve(requested(Path.of("/built"), false, null, null, null, false, null))
                .dataDir())
        .isEqualTo(Path.of("/built"));
    env.put("WALRUS_DATA_DIR", "");
    assertThat(resolver.resolve(unset()).dataDir())
        .as("an empty variable is unset")
        .isEqualTo(Path.of(ConfigResolver.DEFAULT_DATA_DIR));
  }

  @Test
  void aNamespaceSetOnTheBuilderWinsEvenWhenItIsNull() {
    env.put("WALRUS_INSTANCE_KEY", "env-key");
    assertThat(resolver.resolve(unset()).namespaceKey()).isEqualTo("env-key");
    assertThat(
            resolver
                .resolve(requested(null, true, "built", null, null, false, null))
                .namespaceKey())
        .isEqualTo("built");
    assertThat(
            resolver.resolve(requested(null, true, null, null, null, false, null)).namespaceKey())
        .as("namespace(null): the data directory itself")
        .isNull();
  }

  @Test
  void theBackendComesFromTheBuilderThenTheSwitchThenTheProperty() {
    props.put("walrus.backend", "mmap");
    assertThat(resolver.resolve(unset()).backend()).isEqualTo(Backend.MMAP);
    assertThat(resolver.resolve(unset()).sources()).containsEntry("backend", "-Dwalrus.backend");
    assertThat(
            resolver.resolve(requested(null, false, null, null, Backend.FD, false, null)).backend())
        .as("the process-wide switch beats the property")
        .isEqualTo(Backend.FD);
    assertThat(
            resolver
                .resolve(requested(null, false, null, Backend.MMAP, Backend.FD, false, null))
                .backend())
        .as("the builder beats the switch")
        .isEqualTo(Backend.MMAP);
    assertThat(resolver.defaultBackend(null)).isEqualTo(Backend.MMAP);
    assertThat(resolver.defaultBackend(Backend.FD)).isEqualTo(Backend.FD);
    props.put("walrus.backend", "fd");
    assertThat(resolver.resolve(unset()).backend()).isEqualTo(Backend.FD);
  }

  @Test
  void ioUringIsTurnedOffByTheBuilderThenThePropertyThenTheEnvironment() {
    env.put("WALRUS_DISABLE_IO_URING", "1");
    assertThat(resolver.resolve(unset()).ioUring()).isEqualTo(IoUringMode.OFF);
    props.put("walrus.io_uring", "required");
    assertThat(resolver.resolve(unset()).ioUring())
        .as("the property beats the environment")
        .isEqualTo(IoUringMode.REQUIRED);
    assertThat(resolver.resolve(requested(null, false, null, null, null, true, null)).ioUring())
        .as("ioUring(false) beats both")
        .isEqualTo(IoUringMode.OFF);
    props.put("walrus.io_uring", "false");
    env.remove("WALRUS_DISABLE_IO_URING");
    assertThat(resolver.resolve(unset()).ioUring()).isEqualTo(IoUringMode.OFF);
    props.put("walrus.io_uring", "true");
    assertThat(resolver.resolve(unset()).ioUring())
        .as("any other value is the default")
        .isEqualTo(IoUringMode.AUTO);
  }

  @Test
  void quietComesFromTheBuilderThenTheEnvironment() {
    env.put("WALRUS_QUIET", "1");
    assertThat(resolver.resolve(unset()).quiet()).isTrue();
    assertThat(resolver.resolve(requested(null, false, null, null, null, false, false)).quiet())
        .isFalse();
    env.put("WALRUS_QUIET", "yes");
    assertThat(resolver.resolve(unset()).quiet()).as("only 1 means quiet").isFalse();
  }

  @Test
  void theDescriptorBoundComesFromThePropertyAndABadOneIsRefusedNamingIt() {
    props.put("walrus.maxOpenFiles", " 7 ");
    assertThat(resolver.resolve(unset()).maxOpenFiles()).isEqualTo(7);
    for (String bad : new String[] {"0", "-1", "many"}) {
      props.put("walrus.maxOpenFiles", bad);
      assertThatThrownBy(() -> resolver.resolve(unset()))
          .isInstanceOf(InvalidArgumentException.class)
          .hasMessageContaining("walrus.maxOpenFiles")
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void theDescriptionNamesEverySettingAndWhereItCameFrom() {
    props.put("walrus.backend", "mmap");
    env.put("WALRUS_QUIET", "1");
    String d = resolver.resolve(unset()).describe();
    assertThat(d)
        .contains(
            "backend=mmap (-Dwalrus.backend)",
            "quiet=true (WALRUS_QUIET=1)",
            "io_uring=auto (default)",
            "maxOpenFiles=64 (default)",
            "blockSize=4096",
            "blocksPerFile=2",
            "maxEntryBytes=100",
            "sharedCursor=true");
  }

  @Test
  void theEngineConfigurationCarriesTheResolvedValues() {
    ResolvedConfig c = resolver.resolve(unset());
    var e = c.engineConfig(Path.of("/ns"), null);
    assertThat(e.directory()).isEqualTo(Path.of("/ns"));
    assertThat(e.fileSize()).isEqualTo(4096L * 2);
    assertThat(e.maxEntryBytes()).isEqualTo(100);
    assertThat(e.sharedCursor()).isTrue();
  }
}
