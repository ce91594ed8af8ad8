package dev.walrus.internal.meta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.internal.storage.FileChannelBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record that pushes the journal over its compaction limit survives the compaction.
 * (It used to be applied to the in-memory state only after compacting, so the compacted
 * journal lacked it: a lost floor record turned a reclaimed gap into a cut tail at the
 * next recovery.)
 */
class MetadataLogCompactionTest {
  private static final byte[] T = "t".getBytes(StandardCharsets.UTF_8);
  private static final byte[] C = "c".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  /** A journal that compacts as soon as it holds more than its header and one record. */
  private MetadataLog open() throws Exception {
    return MetadataLog.open(new FileChannelBackend(), dir, false, 40);
  }

  @Test
  void everyKindOfRecordSurvivesTheCompactionItTriggers() throws Exception {
    try (MetadataLog j = open()) {
      j.recordCursor(T, "t", C, "c", 5);
      j.recordCursor(T, "t", C, "c", 7); // compacts
      j.recordFloor(T, "t", 3); // compacts
      j.recordRestart(T, "t", 9); // compacts
      j.recordCursor(T, "t", new byte[0], "", 4); // compacts
      j.dropCursor(T, "t", C, "c"); // compacts
    }
    try (MetadataLog j = open()) {
      MetadataLog.TopicState s = j.snapshot().get("t");
      assertThat(s.floor).isEqualTo(3);
      assertThat(s.restarts).containsExactly(9L);
      assertThat(s.cursors).containsExactly(java.util.Map.entry("", 4L));
    }
  }

  @Test
  void aFloorThatTriggersCompactionIsKept() throws Exception {
    try (MetadataLog j = open()) {
      j.recordCursor(T, "t", C, "c", 100);
      j.recordFloor(T, "t", 64);
    }
    try (MetadataLog j = open()) {
      assertThat(j.snapshot().get("t").floor).isEqualTo(64);
    }
  }
}
