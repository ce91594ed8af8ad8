package dev.walrus.examples.webflux;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.Set;

/**
 * Recognises the errors a request gets when its client closes the connection early
 * (Reactor Netty's {@code AbortedException} and {@code PrematureCloseException}, a
 * closed channel, a reset or broken connection, an answer written to a channel Netty has
 * already deregistered). Stateless.
 */
final class ClientAbort {
  private static final Set<String> NAMES =
      Set.of("AbortedException", "PrematureCloseException", "ClientAbortException", "EofException");

  private ClientAbort() {}

  /**
   * @param e an error
   * @return whether it, or one of its causes, says the client went away
   */
  static boolean is(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (NAMES.contains(t.getClass().getSimpleName())
          || t instanceof EOFException
          || t.getClass() == ClosedChannelException.class) {
        return true;
      }
      if (t instanceof IllegalStateException
          && t.getMessage() != null
          && t.getMessage().contains("not registered to an event loop")) {
        return true; // Netty, answering on a channel already closed and deregistered
      }
      if (t instanceof IOException && t.getMessage() != null) {
        String m = t.getMessage().toLowerCase(Locale.ROOT);
        if (m.contains("connection reset")
            || m.contains("broken pipe")
            || m.contains("connection has been closed")) {
          return true;
        }
      }
    }
    return false;
  }
}
