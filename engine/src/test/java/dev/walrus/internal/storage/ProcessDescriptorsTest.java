package dev.walrus.internal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Many instances' descriptor caches share the process's bound: past it, idle caches give
 * up their descriptors first and a busy one keeps those it uses.
 */
class ProcessDescriptorsTest {
  /** A descriptor that counts whether it is open. */
  private static final class Fd implements DescriptorCache.Holder {
    final DescriptorCache cache;
    boolean open;
    boolean used;

    Fd(DescriptorCache cache) {
      this.cache = cache;
    }

    void use() {
      used = true;
      if (!open) {
        open = true;
        cache.opened(this);
      }
    }

    @Override
    public synchronized boolean takeUsed() {
      boolean u = used;
      used = false;
      return u;
    }

    @Override
    public boolean release() {
      open = false;
      return true;
    }
  }

  @Test
  void idleInstancesGiveUpDescriptorsToABusyOne() {
    ProcessDescriptors process = new ProcessDescriptors(8);
    List<Fd> idle = new ArrayList<>();
    List<DescriptorCache> caches = new ArrayList<>();
    for (int i = 0; i < 6; i++) { // six idle instances, two descriptors each
      DescriptorCache c = new DescriptorCache(64, process);
      caches.add(c);
      for (int k = 0; k < 2; k++) {
        Fd f = new Fd(c);
        f.use();
        idle.add(f);
      }
    }
    assertThat(process.registered()).isLessThanOrEqualTo(8);
    DescriptorCache busyCache = new DescriptorCache(64, process);
    List<Fd> busy = new ArrayList<>();
    for (int k = 0; k < 4; k++) {
      busy.add(new Fd(busyCache));
    }
    for (int round = 0; round < 50; round++) {
      for (Fd f : busy) {
        f.use();
      }
      assertThat(process.registered()).as("within the process bound").isLessThanOrEqualTo(8);
    }
    assertThat(busy).allMatch(f -> f.open, "the busy instance's descriptors stay open");
    long idleOpen = idle.stream().filter(f -> f.open).count();
    assertThat(idleOpen).as("idle descriptors left").isLessThanOrEqualTo(4);
    assertThat(process.registered()).isEqualTo(idleOpen + busy.size());
  }

  @Test
  void aCacheWhoseDescriptorsAreAllClosedIsForgotten() {
    ProcessDescriptors process = new ProcessDescriptors(2);
    DescriptorCache a = new DescriptorCache(64, process);
    Fd fa = new Fd(a);
    fa.use();
    a.forget(fa);
    assertThat(process.registered()).isZero();
    DescriptorCache b = new DescriptorCache(64, process);
    List<Fd> fs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Fd f = new Fd(b);
      f.use();
      fs.add(f);
    }
    assertThat(process.registered()).isLessThanOrEqualTo(2);
    for (Fd f : fs) {
      if (f.open) {
        b.forget(f);
      }
    }
    assertThat(process.registered()).isZero();
    assertThat(a.registered()).isZero();
    assertThat(b.registered()).isZero();
  }

  @Test
  void eachCacheKeepsItsOwnBoundToo() {
    ProcessDescriptors process = new ProcessDescriptors(100);
    DescriptorCache c = new DescriptorCache(3, process);
    for (int i = 0; i < 10; i++) {
      new Fd(c).use();
    }
    assertThat(c.registered()).isLessThanOrEqualTo(3);
    assertThat(process.registered()).isEqualTo(c.registered());
  }
}
