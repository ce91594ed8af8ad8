package dev.walrus.reactive.crash;

import dev.walrus.FsyncSchedule;
import dev.walrus.TopicStats;
import dev.walrus.Walrus;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.testkit.Payloads;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import reactor.core.publisher.Flux;

/**
 * The process {@link ReactiveCrashTest} kills: streams payloads into topics with
 * {@link ReactiveWalrus#appendAll} (and single {@link ReactiveWalrus#append}s) forever.
 * Before a stream it prints {@code s t first n}; for every offset the Flux emits (the entry
 * is durable per the schedule) it prints {@code A t off}, one unbuffered write per line.
 * Arguments: data dir, schedule ({@code nofsync}, {@code ms200}, {@code synceach}), seed.
 */
public final class ReactiveCrashChild {
  static final String[] TOPICS = {"r0", "r1"};
  private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);

  private ReactiveCrashChild() {}

  /** @return the payload of {@code topic} at {@code offset}: 0 to 199 bytes */
  static byte[] payload(String topic, long offset) {
    return Payloads.of(topic, offset, 200);
  }

  static Walrus open(Path dir, String schedule) {
    FsyncSchedule s =
        schedule.equals("nofsync")
            ? FsyncSchedule.noFsync()
            : schedule.equals("synceach")
                ? FsyncSchedule.syncEach()
                : FsyncSchedule.milliseconds(200);
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(4)
        .fsyncSchedule(s)
        .quiet(true)
        .open();
  }

  private static void line(String s) {
    try {
      OUT.write((s + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void main(String[] args) {
    Walrus w = open(Path.of(args[0]), args[1]);
    ReactiveWalrus rw = ReactiveWalrus.create(w);
    Random rnd = new Random(Long.parseLong(args[2]));
    long[] next = new long[TOPICS.length];
    for (int i = 0; i < TOPICS.length; i++) {
      next[i] = w.stats(TOPICS[i]).map(TopicStats::nextOffset).orElse(0L);
    }
    line("S");
    while (true) {
      int i = rnd.nextInt(TOPICS.length);
      String t = TOPICS[i];
      int n = rnd.nextInt(4) == 0 ? 1 : 1 + rnd.nextInt(300);
      long first = next[i];
      List<byte[]> ps = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        ps.add(payload(t, first + k));
      }
      line("s " + t + " " + first + " " + n);
      if (n == 1 && rnd.nextBoolean()) {
        long off = rw.append(t, ps.get(0)).block();
        line("A " + t + " " + off);
      } else {
        rw.appendAll(t, Flux.fromIterable(ps))
            .doOnNext(off -> line("A " + t + " " + off))
            .blockLast();
      }
      next[i] += n;
    }
  }
}
