package dev.walrus.reactive.crash;

import dev.walrus.FsyncSchedule;
import dev.walrus.ReadConsistency;
import dev.walrus.Walrus;
import dev.walrus.reactive.CheckpointMode;
import dev.walrus.reactive.ReactiveWalrus;
import dev.walrus.reactive.ReceivedEntry;
import dev.walrus.reactive.TailOptions;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The process {@link TailCrashPropertyTest} crashes: tails topic {@code t} as consumer
 * {@code p} under a demand pattern and halts ({@code Runtime.halt}, no shutdown hooks, no
 * close) right after entry {@code crashAt} reached the tail's subscriber. Prints
 * {@code D k} for every entry delivered (from a {@code doOnNext} right after the tail) and,
 * in MANUAL mode, {@code C k} once a checkpoint of entry k completed; one unbuffered write per
 * line. Optionally appends {@code live} more entries while tailing.
 *
 * <p>Arguments: data dir, consistency ({@code strict} or {@code alo:N}), mode
 * ({@code AUTO}/{@code MANUAL}), demand pattern (0 to 5), crashAt, live, seed, and
 * {@code shared} to tail the topic's shared cursor instead of consumer {@code p} (AUTO).
 */
public final class TailCrashChild {
  static final String TOPIC = "t";
  static final String CONSUMER = "p";
  static final int PATTERNS = 6;
  private static final FileOutputStream OUT = new FileOutputStream(FileDescriptor.out);

  private TailCrashChild() {}

  static Walrus open(Path dir, String consistency) {
    ReadConsistency c =
        consistency.equals("strict")
            ? ReadConsistency.strictlyAtOnce()
            : ReadConsistency.atLeastOnce(Integer.parseInt(consistency.substring(4)));
    return Walrus.builder()
        .dataDir(dir)
        .namespace(null)
        .blockSize(4096)
        .blocksPerFile(4)
        .consistency(c)
        .fsyncSchedule(FsyncSchedule.noFsync())
        .quiet(true)
        .open();
  }

  private static synchronized void line(String s) {
    try {
      OUT.write((s + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void main(String[] args) throws Exception {
    Walrus w = open(Path.of(args[0]), args[1]);
    CheckpointMode mode = CheckpointMode.valueOf(args[2]);
    int pattern = Integer.parseInt(args[3]);
    long crashAt = Long.parseLong(args[4]);
    int live = Integer.parseInt(args[5]);
    Random rnd = new Random(Long.parseLong(args[6]));
    ReactiveWalrus rw = ReactiveWalrus.create(w);
    boolean shared = args.length > 7 && args[7].equals("shared");
    TailOptions opts =
        (shared ? TailOptions.defaults() : TailOptions.forConsumer(CONSUMER)).checkpointMode(mode);
    Flux<ReceivedEntry> flux =
        rw.tail(TOPIC, opts)
            .doOnNext(
                r -> {
                  line("D " + r.offset());
                  if (r.offset() == crashAt) {
                    Runtime.getRuntime().halt(0);
                  }
                });
    if (mode == CheckpointMode.MANUAL) {
      Random checkpoints = new Random(rnd.nextLong());
      flux =
          flux.concatMap(
              r ->
                  checkpoints.nextInt(3) == 0
                      ? r.checkpoint()
                          .then(Mono.fromRunnable(() -> line("C " + r.offset())))
                          .thenReturn(r)
                      : Mono.just(r));
    }
    if (live > 0) {
      Thread t =
          new Thread(
              () -> {
                for (int i = 0; i < live; i++) {
                  rw.append(TOPIC, new byte[] {(byte) i}).block();
                }
              });
      t.setDaemon(true);
      t.start();
    }
    Duration limit = Duration.ofSeconds(50);
    switch (pattern) {
      case 0: // unbounded
        flux.take(limit).blockLast();
        break;
      case 1: // request(1) at a time
      case 2:
        { // bursts of random size
          Random bursts = new Random(rnd.nextLong());
          Object done = new Object();
          flux.take(limit)
              .subscribe(
                  new BaseSubscriber<>() {
                    long outstanding;

                    private long size() {
                      return pattern == 1 ? 1 : 1 + bursts.nextInt(3000);
                    }

                    @Override
                    protected void hookOnSubscribe(Subscription s) {
                      outstanding = size();
                      s.request(outstanding);
                    }

                    @Override
                    protected void hookOnNext(ReceivedEntry r) {
                      if (--outstanding == 0) {
                        outstanding = size();
                        request(outstanding);
                      }
                    }
                  });
          synchronized (done) {
            done.wait(limit.toMillis());
          }
          break;
        }
      case 3:
        flux.limitRate(1 + rnd.nextInt(300)).take(limit).blockLast();
        break;
      case 4:
        flux.take(crashAt + 1 + rnd.nextInt(50)).take(limit).blockLast();
        break;
      default: // concatMap with asynchronous work
        flux.concatMap(r -> Mono.delay(Duration.ofNanos(rnd.nextInt(50_000))).thenReturn(r))
            .take(limit)
            .blockLast();
        break;
    }
    System.exit(3); // the crash point was never delivered
  }
}
