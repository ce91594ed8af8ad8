package dev.walrus.internal.write;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.internal.core.DataFile;
import dev.walrus.internal.core.EngineConfig;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.storage.FileChannelBackend;
import dev.walrus.internal.storage.ForwardingBackend;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression (found by the power-loss suite): right after a restart there is no current
 * file; a reclamation pass that read "no current file" and then listed the files while the
 * first allocation was creating one saw a file without blocks — nothing unconsumed in it —
 * and deleted it under the writer (whose append then failed, and so did its rollback).
 * The reclaimer now asks for the completed files in one step under the allocation lock.
 */
class CompletedFilesTest {
  @TempDir Path dir;

  @Test
  void aFileBeingCreatedByAnAllocationIsNeverAmongTheCompletedFiles() throws Exception {
    CompletableFuture<List<DataFile>> seenDuringCreate = new CompletableFuture<>();
    BlockAllocator[] allocator = new BlockAllocator[1];
    ForwardingBackend backend =
        new ForwardingBackend(new FileChannelBackend()) {
          @Override
          public String name() {
            return "hooked-fd";
          }

          @Override
          public StorageFile create(Path path, long size, boolean syncWrites) throws IOException {
            StorageFile f = delegate.create(path, size, syncWrites);
            // a reclamation pass asks while this allocation is half way through
            CompletableFuture.runAsync(
                () -> seenDuringCreate.complete(allocator[0].completedFiles()));
            return f;
          }
        };
    EngineConfig config =
        new EngineConfig(
            dir,
            4096,
            4 * 4096,
            1 << 20,
            ReadConsistency.strictlyAtOnce(),
            FsyncSchedule.noFsync(),
            backend,
            true);
    ConcurrentSkipListMap<Long, DataFile> files = new ConcurrentSkipListMap<>();
    allocator[0] = new BlockAllocator(config, files, 1, 1);
    assertThat(allocator[0].currentFile()).as("no current file yet, as after a restart").isNull();

    allocator[0].allocate(new Topic("t", 0, 0), 0, 64);

    List<DataFile> completed = seenDuringCreate.get(10, TimeUnit.SECONDS);
    assertThat(files).hasSize(1);
    assertThat(completed)
        .as("the file the allocation created and is filling")
        .doesNotContain(files.firstEntry().getValue())
        .isEmpty();
    for (DataFile f : files.values()) {
      f.file().close();
    }
  }
}
