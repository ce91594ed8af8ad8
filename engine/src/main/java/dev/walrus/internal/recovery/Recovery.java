package dev.walrus.internal.recovery;

import dev.walrus.CorruptNamespaceException;
import dev.walrus.internal.core.Block;
import dev.walrus.internal.core.DataFile;
import dev.walrus.internal.core.EngineConfig;
import dev.walrus.internal.core.OffsetLimit;
import dev.walrus.internal.core.Topic;
import dev.walrus.internal.format.BlockEnds;
import dev.walrus.internal.format.BlockHeader;
import dev.walrus.internal.format.BlockSeal;
import dev.walrus.internal.format.EntryFormat;
import dev.walrus.internal.meta.MetadataLog;
import dev.walrus.internal.meta.MetadataLog.TopicState;
import dev.walrus.internal.storage.StorageBackend;
import dev.walrus.internal.storage.StorageFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Rebuilds a namespace from its files at open.
 *
 * <ol>
 *   <li>Every data file is walked header by header from its start (blocks are contiguous
 *       in allocation order); the first position without a valid header ends the file.</li>
 *   <li>A block with a valid seal is trusted as the seal says; any other block is scanned
 *       entry by entry and ends at its first invalid entry: the torn tail is cut.</li>
 *   <li>Each topic's blocks are chained in sequence order by {@link ChainBuilder}, which
 *       drops batches whose last entry is missing and blocks that lie beyond a gap; each
 *       block is decided by the table in {@link ChainRule}.</li>
 *   <li>Scanned blocks are sealed and blocks outside their chain are sealed dead, after
 *       forcing the file, so later recoveries take the same decisions without rescanning.</li>
 *   <li>Each topic's next offset is the largest of its chain's end, its floor, its
 *       restart points and its cursors, so offsets never go backwards.</li>
 *   <li>Everything recovery read is made durable before anything is appended after it,
 *       as PostgreSQL does after a crash: a killed process may have left its writes in
 *       the page cache, unforced. Every data file is forced and the directory synced
 *       (data before cursors), then the seals are written, then the journal is rewritten
 *       durably ({@link MetadataLog#makeDurable}).</li>
 * </ol>
 *
 * <p>An offset on disk outside {@code [0, }{@link OffsetLimit#MAX}{@code ]} (a block's
 * first offset, a topic's resulting next offset) is corruption:
 * {@link CorruptNamespaceException}, and nothing is written. A seal that claims more
 * entries than its bytes can hold is not trusted (the block is scanned).
 *
 * <p>Appends after recovery always go to blocks of a new file: no recovered block is
 * ever written again except for its seal, so stale bytes past a cut can never be
 * mistaken for new entries.
 */
public final class Recovery {
  private final EngineConfig config;
  private final StorageBackend backend;
  private final BlockScanner scanner = new BlockScanner();

  /** The metadata of a topic the metadata log knows nothing of (only read, never changed). */
  private static final TopicState NO_STATE = new TopicState();

  /** Bytes read for a block's header: the largest header, its seal and an entry header. */
  private static final int HEADER_READ = BlockHeader.MAX_SIZE + EntryFormat.HEADER_SIZE;

  /** What recovery found. */
  public static final class Result {
    public final ConcurrentSkipListMap<Long, DataFile> files = new ConcurrentSkipListMap<>();
    public final Map<String, Topic> topics = new HashMap<>();

    /** Topic to consumer to next offset, clamped to what the topic retains. */
    public final Map<String, Map<String, Long>> cursors = new HashMap<>();

    public long nextFileSequence = 1;
    public long nextBlockSequence = 1;

    /** Entries recovery cut (torn or unterminated), for the log line. */
    public long blocksScanned;

    public long blocksDead;
  }

  public Recovery(EngineConfig config) {
    this.config = config;
    this.backend = config.backend();
  }

  public Result run(MetadataLog journal) throws IOException {
    Result r = new Result();
    try {
      return run(journal, r);
    } catch (IOException | RuntimeException e) {
      for (DataFile f : r.files.values()) { // the open fails: release what recovery opened
        try {
          f.file().close();
        } catch (IOException ignored) {
          // already failing
        }
      }
      throw e;
    }
  }

  private Result run(MetadataLog journal, Result r) throws IOException {
    Map<String, TopicState> meta = journal.snapshot();
    Map<String, List<ChainBuilder.Candidate>> byTopic = new HashMap<>();
    for (Path p : backend.list(config.directory(), DataFile.GLOB)) {
      long seq = DataFile.parseSequence(p);
      if (seq < 0) {
        continue;
      }
      // Never DSYNC: under SyncEach the writer forces what it wrote (group commit).
      StorageFile f = backend.openPreallocated(p, false);
      DataFile df = new DataFile(seq, f, f.size());
      r.files.put(seq, df);
      r.nextFileSequence = Math.max(r.nextFileSequence, seq + 1);
      for (ChainBuilder.Candidate c : walk(df, r)) {
        byTopic.computeIfAbsent(c.block.header().topic, k -> new ArrayList<>()).add(c);
        r.nextBlockSequence = Math.max(r.nextBlockSequence, c.block.header().sequence + 1);
      }
    }

    Set<String> names = new HashSet<>(byTopic.keySet());
    names.addAll(meta.keySet());
    Set<DataFile> toForce = new HashSet<>();
    for (String name : names) {
      List<ChainBuilder.Candidate> cands = byTopic.getOrDefault(name, List.of());
      if (cands.size() > 1) {
        cands.sort(Comparator.comparingLong(c -> c.block.header().sequence));
      }
      TopicState ts = meta.getOrDefault(name, NO_STATE);
      if (cands.isEmpty() && ts.onlyConfig()) {
        continue; // a configuration set before the topic's first entry: no topic yet
      }
      ChainBuilder chain = new ChainBuilder(ts.floor, ts.restarts, r.files::containsKey);
      for (ChainBuilder.Candidate c : cands) {
        chain.offer(c);
      }
      chain.finish();
      long end = chain.end();
      end = Math.max(end, ts.floor);
      end = Math.max(end, chain.beyondGap());
      if (!ts.restarts.isEmpty()) {
        end = Math.max(end, ts.restarts.last());
      }
      for (long v : ts.cursors.values()) {
        end = Math.max(end, v);
      }
      if (!OffsetLimit.isValid(end)) { // blocks' offsets run past the limit
        throw new CorruptNamespaceException(
            "topic '"
                + name
                + "' would continue at offset "
                + end
                + ", past the largest possible next offset "
                + OffsetLimit.MAX
                + " (a data block of "
                + config.directory()
                + " claims impossible offsets)");
      }
      Topic topic = new Topic(name, end, ts.floor);
      topic.useClock(config.clock());
      if (ts.deletedAt >= 0) {
        topic.hideBelow(ts.deletedAt);
      }
      if (end == 0) {
        topic.hideBelow(0); // cursors registered before any entry: unlisted until one
      }
      for (Block b : chain.accepted()) {
        topic.link(b);
        b.seal();
        if (b.header().version > 1) {
          topic.stampAtLeast(b.lastTimestamp()); // timestamps never go backwards
        }
      }
      topic.trimHead();
      r.topics.put(name, topic);
      if (end > chain.end() && end > ts.floor && !ts.restarts.contains(end)) {
        // Entries below `end` were handed out but are gone (lost with unsynced data).
        // Record where the topic restarts so the next recovery accepts the blocks that
        // follow the gap.
        // (Kept in memory: makeDurable writes it, after the data files are forced.)
        journal.recordRestart(topic.utf8(), name, end);
      }
      if (!ts.cursors.isEmpty()) { // most topics of a first restart have no cursor record
        Map<String, Long> cursors = new HashMap<>();
        for (Map.Entry<String, Long> e : ts.cursors.entrySet()) {
          cursors.put(e.getKey(), Math.max(topic.firstOffset(), Math.min(end, e.getValue())));
        }
        r.cursors.put(name, cursors);
      }

      for (ChainBuilder.Candidate c : cands) {
        if (c.dead && !c.markedDead) {
          c.pendingSeal = c.block.header().encodeDeadSeal();
          r.blocksDead++;
        }
        if (c.pendingSeal != null) {
          toForce.add(c.block.file());
        }
      }
    }
    // Crash safety at open. A previous process (NoFsync, Milliseconds, or killed) may
    // have left bytes in the page cache that never reached the disk. Recovery trusts them
    // and this session appends after them: its own acknowledged writes would survive a
    // power cut while what they follow is lost. So everything read is forced first: all
    // data files (blocks kept, and the names of files created without a directory sync),
    // then the seals recovery decided, then the journal (data before cursors).
    List<StorageFile> all = new ArrayList<>();
    for (DataFile f : r.files.values()) {
      all.add(f.file());
    }
    backend.forceAll(all);
    backend.syncDirectory(config.directory());
    persistDecisions(byTopic, toForce);
    journal.makeDurable();
    return r;
  }

  /** Writes the seals recovery decided (their files are already forced), then forces them. */
  private void persistDecisions(
      Map<String, List<ChainBuilder.Candidate>> byTopic, Set<DataFile> files) throws IOException {
    if (files.isEmpty()) {
      return;
    }
    for (List<ChainBuilder.Candidate> cands : byTopic.values()) {
      for (ChainBuilder.Candidate c : cands) {
        long at = c.block.base() + c.block.header().sealPosition;
        // A block of a file cut short inside its seal keeps no seal: it is scanned again
        // next time, with the same result (nothing is ever appended to it).
        if (c.pendingSeal != null && at + c.block.header().sealSize() <= c.block.file().size()) {
          c.block.file().file().write(c.pendingSeal, at);
        }
      }
    }
    for (DataFile f : files) {
      f.file().force();
    }
  }

  /**
   * The first entry's timestamp of a sealed block of format version 2, from its header
   * read with the block's: the seal vouches for the entry being there. Falls back to the
   * last timestamp (an upper bound) if the bytes read do not reach it or do not look like
   * the block's first entry.
   */
  private static long firstStamp(ByteBuffer hb, int got, BlockHeader h, long last) {
    int at = h.entriesStart();
    if (h.version == 1 || got < at + EntryFormat.HEADER_SIZE) {
      return last;
    }
    if (EntryFormat.offset(hb, at) != h.firstOffset || EntryFormat.topicId(hb, at) != h.topicId) {
      return last;
    }
    return Math.min(last, EntryFormat.timestamp(hb, at, EntryFormat.HEADER_SIZE));
  }

  /**
   * Entries of format version 1 carry no time. Their blocks count as last written at their
   * data file's modification time (an upper bound: nothing is written to a recovered file
   * but seals), so age retention never deletes them earlier than it would have had they
   * carried timestamps; their entries report timestamp 0.
   */
  private long v1Stamp(DataFile df) {
    try {
      java.nio.file.attribute.FileTime t =
          java.nio.file.Files.getLastModifiedTime(df.file().path());
      return Math.max(0L, t.to(java.util.concurrent.TimeUnit.MICROSECONDS));
    } catch (IOException e) {
      return Math.max(0L, config.clock().getAsLong()); // as if written now
    }
  }

  private List<ChainBuilder.Candidate> walk(DataFile df, Result r) throws IOException {
    List<ChainBuilder.Candidate> out = new ArrayList<>();
    long size = df.size();
    long v1Stamp = BlockHeader.NO_TIMESTAMP; // for blocks of format version 1, see v1Stamp()
    long pos = 0;
    while (pos + 48 <= size) {
      // The header, its seal and the first entry's header (for the block's first
      // timestamp), through the scanner's window: small blocks laid end to end are read
      // many at a time, not one read each.
      ByteBuffer hb = scanner.view(df.file(), pos, HEADER_READ);
      int got = hb.remaining();
      BlockHeader h = got > 0 ? BlockHeader.decode(hb) : null;
      if (h == null || h.length < h.entriesStart()) {
        break;
      }
      if (!OffsetLimit.isValid(h.firstOffset)) {
        throw new CorruptNamespaceException(
            "data file "
                + df.file().path()
                + ": the block at "
                + pos
                + " passes its checksum but starts at offset "
                + h.firstOffset
                + ", outside [0, "
                + OffsetLimit.MAX
                + "]");
      }
      // A file cut short (truncated behind our back) keeps what it still holds: the block
      // is scanned up to the end of the file, whatever its seal says, and ends the walk.
      boolean cutShort = h.length > size - pos;
      Block b = new Block(df, pos, h);
      df.addBlock(b);
      BlockSeal seal = h.decodeSeal(hb);
      if (cutShort && seal != null && !seal.dead()) {
        seal = null;
      }
      if (seal != null
          && !seal.dead()
          && seal.ends().endOffset() - h.firstOffset
              > (seal.ends().endPos() - h.entriesStart())
                  / EntryFormat.frameSize(0, h.entryHeaderSize())) {
        seal = null; // more entries than its bytes can hold: scan the block instead
      }
      ChainBuilder.Candidate c;
      boolean holdsEntries = false;
      if (seal != null && seal.dead()) {
        c = ChainBuilder.Candidate.markedDead(b, seal.ends());
        b.seal();
      } else if (seal != null) {
        c = ChainBuilder.Candidate.sealed(b, seal.ends());
        holdsEntries = seal.ends().endOffset() > h.firstOffset;
        if (holdsEntries) {
          b.setTimestamps(firstStamp(hb, got, h, seal.lastTimestamp()), seal.lastTimestamp());
        }
      } else {
        BlockEnds ends = scanner.scan(df.file(), pos, h);
        c = ChainBuilder.Candidate.scanned(b, ends, h.encodeSeal(ends, scanner.lastTimestamp));
        holdsEntries = ends.endOffset() > h.firstOffset;
        if (holdsEntries) {
          b.setTimestamps(scanner.firstTimestamp, scanner.lastTimestamp);
        }
        r.blocksScanned++;
      }
      if (h.version == 1 && holdsEntries) {
        if (v1Stamp == BlockHeader.NO_TIMESTAMP) {
          v1Stamp = v1Stamp(df);
        }
        b.setTimestamps(0L, v1Stamp);
      }
      out.add(c);
      if (cutShort) {
        break;
      }
      pos += h.length;
    }
    return out;
  }
}
