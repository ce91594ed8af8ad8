package dev.walrus.internal.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** The numeric user the process runs as, and the owner of a path, where the OS has them. */
final class ProcessUser {
  private static final Integer UID = lookUp();

  private ProcessUser() {}

  private static Integer lookUp() {
    try {
      return (int) new com.sun.security.auth.module.UnixSystem().getUid();
    } catch (Throwable notUnix) { // no such class or native library: not a Unix system
      return null;
    }
  }

  /** @return the process's user id, or null where there is none (not Unix) */
  static Integer uid() {
    return UID;
  }

  /** @return the owner's user id of {@code p} (not following a link), or null if unknown */
  static Integer uidOf(Path p) throws IOException {
    try {
      return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    }
  }
}
