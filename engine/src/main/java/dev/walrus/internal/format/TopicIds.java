package dev.walrus.internal.format;

import java.util.zip.CRC32C;

/** Topic ids: the CRC32C of the topic's UTF-8 name, a cheap identity check per entry. */
public final class TopicIds {
  private TopicIds() {}

  /**
   * @param utf8Name the topic's name as UTF-8
   * @return its id
   */
  public static int of(byte[] utf8Name) {
    CRC32C crc = new CRC32C();
    crc.update(utf8Name, 0, utf8Name.length);
    return (int) crc.getValue();
  }
}
