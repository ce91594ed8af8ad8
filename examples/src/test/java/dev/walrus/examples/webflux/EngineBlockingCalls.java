package dev.walrus.examples.webflux;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Teaches BlockHound that every engine call is blocking. BlockHound's defaults do not
 * flag {@code FileChannel} positional I/O or uncontended locks, so without this a
 * synchronous engine call on a non-blocking thread could go unnoticed. Loaded through
 * {@code META-INF/services} when blockhound-junit-platform installs BlockHound (a copy of
 * reactive-api's test class of the same name: test classes are not shared between modules).
 */
public final class EngineBlockingCalls implements BlockHoundIntegration {
  private static final String WALRUS = "dev.walrus.Walrus";

  @Override
  public void applyTo(BlockHound.Builder builder) {
    String[][] methods = {
        {"appendForTopic", "(Ljava/lang/String;[B)J"},
        {"batchAppendForTopic", "(Ljava/lang/String;Ljava/util/List;)J"},
        {"readNext", "(Ljava/lang/String;Z)Ljava/util/Optional;"},
        {"readNext", "(Ljava/lang/String;Ljava/lang/String;Z)Ljava/util/Optional;"},
        {"batchReadForTopic", "(Ljava/lang/String;JZ)Ljava/util/List;"},
        {"batchReadForTopic", "(Ljava/lang/String;Ljava/lang/String;JZ)Ljava/util/List;"},
        {"checkpoint", "(Ljava/lang/String;Ljava/lang/String;J)V"},
        {"checkpoint", "(Ljava/lang/String;J)V"},
        {"position", "(Ljava/lang/String;Ljava/lang/String;)J"},
        {"removeConsumer", "(Ljava/lang/String;Ljava/lang/String;)Z"},
        {"addAppendListener", "(Ljava/lang/String;Ldev/walrus/AppendListener;)Ljava/lang/AutoCloseable;"},
        {"stats", "(Ljava/lang/String;)Ljava/util/Optional;"},
        {"sync", "()V"},
        {"close", "()V"},
    };
    for (String[] m : methods) {
      builder.markAsBlocking(WALRUS, m[0], m[1]);
    }
  }
}
