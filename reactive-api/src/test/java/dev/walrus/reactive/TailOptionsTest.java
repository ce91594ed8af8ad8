package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.InvalidArgumentException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class TailOptionsTest {

  @Test
  void defaultsAreTheSharedCursorFromTheCheckpointedPositionInAutoMode() {
    TailOptions d = TailOptions.defaults();
    assertThat(d.consumerName()).isEmpty();
    assertThat(d.startPosition()).isEqualTo(StartPosition.checkpointed());
    assertThat(d.mode()).isEqualTo(CheckpointMode.AUTO);
    assertThat(d.maxBatchBytesValue()).isEqualTo(TailOptions.DEFAULT_MAX_BATCH_BYTES);
    assertThat(d.waitStrategyValue()).isEqualTo(WaitStrategy.park());
    assertThat(d.waitStrategyValue().spinDuration()).isZero();
  }

  @Test
  void theWaitStrategyIsPartOfTheOptions() {
    WaitStrategy spin = WaitStrategy.spinThenPark(Duration.ofNanos(50_000));
    TailOptions s = TailOptions.forConsumer("c").waitStrategy(spin);
    assertThat(s.waitStrategyValue()).isEqualTo(spin);
    assertThat(spin.spinDuration()).isEqualTo(Duration.ofNanos(50_000));
    assertThat(s).isNotEqualTo(TailOptions.forConsumer("c"));
    assertThat(s)
        .isEqualTo(
            TailOptions.forConsumer("c")
                .waitStrategy(WaitStrategy.spinThenPark(Duration.ofNanos(50_000))));
    assertThat(s.hashCode())
        .isEqualTo(
            TailOptions.forConsumer("c")
                .waitStrategy(WaitStrategy.spinThenPark(Duration.ofNanos(50_000)))
                .hashCode());
    assertThat(s.consumer("d").checkpointMode(CheckpointMode.MANUAL).waitStrategyValue())
        .isEqualTo(spin);
    assertThat(s.toString()).contains("spinThenPark(PT0.00005S)");
    assertThat(WaitStrategy.spinThenPark(ChronoUnit.FOREVER.getDuration()).spinDuration())
        .isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
  }

  @Test
  void everySettingReturnsANewInstanceAndLeavesTheOriginalAlone() {
    TailOptions d = TailOptions.defaults();
    TailOptions m =
        d.consumer("c")
            .startAt(StartPosition.offset(5))
            .checkpointMode(CheckpointMode.MANUAL)
            .maxBatchBytes(10);
    assertThat(d).isEqualTo(TailOptions.defaults());
    assertThat(m.consumerName()).contains("c");
    assertThat(m.startPosition().kind()).isEqualTo(StartPosition.Kind.OFFSET);
    assertThat(m.startPosition().offsetValue()).isEqualTo(5);
    assertThat(m.mode()).isEqualTo(CheckpointMode.MANUAL);
    assertThat(m.sharedCursor().consumerName()).isEmpty();
    assertThat(m)
        .isEqualTo(
            TailOptions.forConsumer("c")
                .startAt(StartPosition.offset(5))
                .checkpointMode(CheckpointMode.MANUAL)
                .maxBatchBytes(10));
  }

  @Test
  void badValuesAreRefusedWithTheEngineExceptionType() {
    assertThatThrownBy(() -> TailOptions.forConsumer(""))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> TailOptions.forConsumer("a\0b"))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> TailOptions.forConsumer("x".repeat(256)))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> TailOptions.defaults().startAt(null))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> TailOptions.defaults().checkpointMode(null))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> TailOptions.defaults().maxBatchBytes(-1))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> StartPosition.offset(-1)).isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> TailOptions.defaults().waitStrategy(null))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> WaitStrategy.spinThenPark(null))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> WaitStrategy.spinThenPark(Duration.ZERO))
        .isInstanceOf(InvalidArgumentException.class);
    assertThatThrownBy(() -> WaitStrategy.spinThenPark(Duration.ofNanos(-1)))
        .isInstanceOf(InvalidArgumentException.class);
  }
}
