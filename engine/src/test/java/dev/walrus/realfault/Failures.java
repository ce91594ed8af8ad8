package dev.walrus.realfault;

/** Describing a failure, with its causes, on one line. */
final class Failures {
  private Failures() {}

  /** @return the class and message of {@code e} and of each of its causes, on one line */
  static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (sb.length() > 0) {
        sb.append(" <- ");
      }
      sb.append(c.getClass().getName()).append(": ").append(c.getMessage());
      if (c.getCause() == c) {
        break;
      }
    }
    return sb.toString().replace('\n', ' ');
  }
}
