package dev.walrus.examples.webflux;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * Captures every log event of the JVM (Logback's root logger) while open, and lowers the
 * given loggers to DEBUG for that time. Thread-safe (Logback's appenders synchronise).
 */
final class LogCapture implements AutoCloseable {
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final Map<Logger, Level> restore;

  /** @param debug names of loggers to set to DEBUG while capturing */
  LogCapture(String... debug) {
    appender.start();
    root.addAppender(appender);
    restore = new java.util.LinkedHashMap<>();
    for (String name : debug) {
      Logger l = (Logger) LoggerFactory.getLogger(name);
      restore.put(l, l.getLevel());
      l.setLevel(Level.DEBUG);
    }
  }

  /** @return a copy of the events captured so far */
  List<ILoggingEvent> events() {
    synchronized (appender) {
      return new ArrayList<>(appender.list);
    }
  }

  /** @return the events at WARN or above, or carrying a stack trace, as readable lines */
  List<String> warningsOrStackTraces() {
    return events().stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null)
        .map(
            e ->
                e.getLevel()
                    + " "
                    + e.getLoggerName()
                    + ": "
                    + e.getFormattedMessage()
                    + (e.getThrowableProxy() == null
                        ? ""
                        : " ["
                            + e.getThrowableProxy().getClassName()
                            + ": "
                            + e.getThrowableProxy().getMessage()
                            + "]"))
        .collect(Collectors.toList());
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
    restore.forEach(Logger::setLevel);
  }
}
