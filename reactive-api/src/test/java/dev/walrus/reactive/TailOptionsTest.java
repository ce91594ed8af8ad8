package dev.walrus.reactive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.walrus.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class TailOptionsTest {

  @Test
  void defaultsAreTheSharedCursorFromTheCheckpointedPositionInAutoMode() {
    TailOptions d = TailOptions.defaults();
    assertThat(d.consumerName()).isEmpty();
    assertThat(d.startPosition()).isEqualTo(StartPosition.checkpointed());
    assertThat(d.mode()).isEqualTo(CheckpointMode.AUTO);
    assertThat(d.maxBatchBytesValue()).isEqualTo(TailOptions.DEFAULT_MAX_BATCH_BYTES);
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
  }
}
