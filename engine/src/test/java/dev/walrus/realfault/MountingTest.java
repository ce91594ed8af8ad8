package dev.walrus.realfault;

import org.junit.jupiter.api.BeforeEach;

/**
 * A real-fault test that mounts file system images: each test is skipped (or, with
 * {@code WALRUS_REAL_FAULTS=required}, fails) unless this execution should and can mount
 * them ({@link RealFaultMachine#assumeMounting()}).
 */
abstract class MountingTest {
  @BeforeEach
  void machine() {
    RealFaultMachine.assumeMounting();
  }
}
