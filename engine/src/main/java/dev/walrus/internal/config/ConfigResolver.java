package dev.walrus.internal.config;

import dev.walrus.Backend;
import dev.walrus.InvalidArgumentException;
import dev.walrus.internal.storage.DescriptorCache;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The one place where an instance's configuration is resolved: every system property and
 * environment variable the engine reads is read here, when an instance opens, and nowhere
 * else. For each setting the first source that has a value wins:
 *
 * <ol>
 *   <li>the builder's explicit value;</li>
 *   <li>for the backend only, the process-wide switch ({@code Walrus.enableFdBackend()} /
 *       {@code disableFdBackend()});</li>
 *   <li>the system property ({@code walrus.*});</li>
 *   <li>the environment variable ({@code WALRUS_*});</li>
 *   <li>the default.</li>
 * </ol>
 *
 * <p>The code states the sources as values, so a test can give it any properties and
 * environment without touching the real ones. The table of settings is in
 * {@code docs/ARCHITECTURE.md}, "Configuration". Thread-safe (stateless).
 */
public final class ConfigResolver {
  /** System property: {@code mmap} makes the mmap backend the default ({@code fd} otherwise). */
  public static final String BACKEND = "walrus.backend";

  /** System property: {@code false} turns io_uring off, {@code required} makes it mandatory. */
  public static final String IO_URING = "walrus.io_uring";

  /** System property: most descriptors a backend keeps open for its files (default 64). */
  public static final String MAX_OPEN_FILES = "walrus.maxOpenFiles";

  /** Environment variable naming the data directory. */
  public static final String ENV_DATA_DIR = "WALRUS_DATA_DIR";

  /** Environment variable naming the namespace of instances opened without a key. */
  public static final String ENV_INSTANCE_KEY = "WALRUS_INSTANCE_KEY";

  /** Environment variable that, set to {@code 1}, silences info and debug logging. */
  public static final String ENV_QUIET = "WALRUS_QUIET";

  /** Environment variable that, set to {@code 1}, turns io_uring off. */
  public static final String ENV_DISABLE_IO_URING = "WALRUS_DISABLE_IO_URING";

  /** Default data directory. */
  public static final String DEFAULT_DATA_DIR = "./wal_files";

  /** Descriptors a backend keeps open for its files unless configured otherwise. */
  public static final int DEFAULT_MAX_OPEN_FILES = DescriptorCache.DEFAULT_CAPACITY;

  private static final String DEFAULT = "default";
  private static final String BUILDER = "builder";
  private static final ConfigResolver SYSTEM =
      new ConfigResolver(System::getProperty, System::getenv);

  private final UnaryOperator<String> properties;
  private final UnaryOperator<String> environment;

  /**
   * @param properties looks a system property up by name (null if unset)
   * @param environment looks an environment variable up by name (null if unset)
   */
  public ConfigResolver(UnaryOperator<String> properties, UnaryOperator<String> environment) {
    this.properties = properties;
    this.environment = environment;
  }

  /** @return the resolver reading this process's system properties and environment */
  public static ConfigResolver system() {
    return SYSTEM;
  }

  /**
   * @param processBackend the process-wide switch's value, or null if it was never set
   * @return the backend an instance that does not choose one gets now
   */
  public Backend defaultBackend(Backend processBackend) {
    if (processBackend != null) {
      return processBackend;
    }
    String p = properties.apply(BACKEND);
    return p != null && "mmap".equalsIgnoreCase(p.trim()) ? Backend.MMAP : Backend.FD;
  }

  /**
   * Resolves every setting once.
   *
   * @param r what the builder and the process-wide switch asked for
   * @return the immutable configuration
   * @throws InvalidArgumentException naming the property and its value if
   *     {@value #MAX_OPEN_FILES} is not a positive integer
   */
  public ResolvedConfig resolve(Requested r) {
    Map<String, String> sources = new HashMap<>();

    Path dataDir = r.dataDir();
    String env = environment.apply(ENV_DATA_DIR);
    if (dataDir != null) {
      sources.put("dataDir", BUILDER);
    } else if (env != null && !env.isEmpty()) {
      dataDir = Paths.get(env);
      sources.put("dataDir", ENV_DATA_DIR);
    } else {
      dataDir = Paths.get(DEFAULT_DATA_DIR);
      sources.put("dataDir", DEFAULT);
    }

    String key;
    if (r.namespaceSet()) {
      key = r.namespace();
      sources.put("namespace", BUILDER);
    } else {
      key = environment.apply(ENV_INSTANCE_KEY);
      sources.put("namespace", key != null ? ENV_INSTANCE_KEY : DEFAULT);
    }

    Backend backend;
    if (r.backend() != null) {
      backend = r.backend();
      sources.put("backend", BUILDER);
    } else if (r.processBackend() != null) {
      backend = r.processBackend();
      sources.put(
          "backend", "Walrus." + (backend == Backend.FD ? "enable" : "disable") + "FdBackend()");
    } else {
      backend = defaultBackend(null);
      sources.put("backend", properties.apply(BACKEND) != null ? "-D" + BACKEND : DEFAULT);
    }

    IoUringMode ioUring = IoUringMode.AUTO;
    String prop = lower(properties.apply(IO_URING));
    if (r.ioUringOff()) {
      ioUring = IoUringMode.OFF;
      sources.put("io_uring", BUILDER);
    } else if ("required".equals(prop) || "false".equals(prop)) {
      ioUring = "required".equals(prop) ? IoUringMode.REQUIRED : IoUringMode.OFF;
      sources.put("io_uring", "-D" + IO_URING + "=" + prop);
    } else if ("1".equals(environment.apply(ENV_DISABLE_IO_URING))) {
      ioUring = IoUringMode.OFF;
      sources.put("io_uring", ENV_DISABLE_IO_URING + "=1");
    } else {
      sources.put("io_uring", DEFAULT);
    }

    String files = properties.apply(MAX_OPEN_FILES);
    int maxOpenFiles = maxOpenFiles(files);
    sources.put("maxOpenFiles", files == null || files.isBlank() ? DEFAULT : "-D" + MAX_OPEN_FILES);

    boolean quiet;
    if (r.quiet() != null) {
      quiet = r.quiet();
      sources.put("quiet", BUILDER);
    } else if ("1".equals(environment.apply(ENV_QUIET))) {
      quiet = true;
      sources.put("quiet", ENV_QUIET + "=1");
    } else {
      quiet = false;
      sources.put("quiet", DEFAULT);
    }

    return new ResolvedConfig(
        dataDir,
        key,
        backend,
        ioUring,
        maxOpenFiles,
        quiet,
        r.consistency(),
        r.schedule(),
        r.blockSize(),
        r.blocksPerFile(),
        r.maxEntryBytes(),
        r.sharedCursor(),
        sources);
  }

  private static String lower(String v) {
    return v == null ? null : v.trim().toLowerCase(Locale.ROOT);
  }

  private static int maxOpenFiles(String v) {
    if (v == null || v.isBlank()) {
      return DEFAULT_MAX_OPEN_FILES;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidArgumentException(
        MAX_OPEN_FILES + " must be a positive integer, got '" + v + "'");
  }
}
