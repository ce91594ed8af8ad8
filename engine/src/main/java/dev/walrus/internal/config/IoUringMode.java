package dev.walrus.internal.config;

/** Whether the FD backend submits its batches and periodic fsyncs through io_uring. */
public enum IoUringMode {
  /** Use io_uring when it is available, else fall back to positional I/O and say why. */
  AUTO,
  /** Never use io_uring. */
  OFF,
  /** Use io_uring or fail the open: no silent fallback. */
  REQUIRED
}
