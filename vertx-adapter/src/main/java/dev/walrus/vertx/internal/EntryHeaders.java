package dev.walrus.vertx.internal;

import dev.walrus.Entry;
import dev.walrus.vertx.WalrusHeaders;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;

/**
 * The headers that carry an entry's metadata on the bus ({@link WalrusHeaders#OFFSET},
 * {@link WalrusHeaders#TIMESTAMP}), written by the server and read by the client in one
 * place. Stateless; thread-safe.
 */
public final class EntryHeaders {
  private EntryHeaders() {}

  /**
   * @param o the delivery options of a message carrying {@code e}'s payload
   * @param e the entry
   * @return {@code o}, with the offset and timestamp headers added
   */
  public static DeliveryOptions add(DeliveryOptions o, Entry e) {
    return o.addHeader(WalrusHeaders.OFFSET, Long.toString(e.offset()))
        .addHeader(WalrusHeaders.TIMESTAMP, Long.toString(e.timestampMicros()));
  }

  /**
   * @param headers a reply's or delivery's headers
   * @return the entry timestamp they carry, {@link Entry#TIMESTAMP_UNKNOWN} if none (a
   *     server of an earlier version)
   * @throws NumberFormatException if the header is not a decimal number
   */
  public static long timestamp(MultiMap headers) {
    String t = headers.get(WalrusHeaders.TIMESTAMP);
    return t == null ? Entry.TIMESTAMP_UNKNOWN : Long.parseLong(t);
  }
}
