package dev.walrus.internal.config;

import dev.walrus.Backend;
import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import java.nio.file.Path;

/**
 * What the code opening an instance asked for: the builder's settings and the process-wide
 * backend switch. A null (or, for the namespace, {@code namespaceSet == false}) means "not
 * set", and the {@link ConfigResolver} looks further: system property, environment,
 * default. The other settings have no property or environment variable; the builder
 * holds them at their defaults until set.
 *
 * @param dataDir the data directory, or null
 * @param namespaceSet whether the builder named a namespace (null included: the data
 *     directory itself)
 * @param namespace the namespace key the builder named, or null
 * @param backend the builder's backend, or null
 * @param processBackend the process-wide backend switch's value, or null if it was never set
 * @param ioUringOff true if the builder turned io_uring off ({@code ioUring(false)})
 * @param quiet the builder's quiet setting, or null
 * @param consistency the read consistency model
 * @param schedule the fsync schedule
 * @param blockSize bytes per block
 * @param blocksPerFile blocks per data file
 * @param maxEntryBytes the largest payload accepted
 * @param sharedCursor whether topics have a shared cursor
 */
public record Requested(
    Path dataDir,
    boolean namespaceSet,
    String namespace,
    Backend backend,
    Backend processBackend,
    boolean ioUringOff,
    Boolean quiet,
    ReadConsistency consistency,
    FsyncSchedule schedule,
    long blockSize,
    int blocksPerFile,
    int maxEntryBytes,
    boolean sharedCursor) {}
