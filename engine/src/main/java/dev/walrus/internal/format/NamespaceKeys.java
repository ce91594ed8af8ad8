package dev.walrus.internal.format;

import dev.walrus.InvalidNamespaceKeyException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Turns a namespace key into a directory name under the data directory: keep {@code [A-Za-z0-9._-]} and replace
 * every other <em>character</em> (Unicode code point, so a supplementary character such
 * as an emoji, two UTF-16 units, gives one {@code _}; an unpaired surrogate also gives
 * one) with {@code _}; a result that is empty or all {@code _} becomes
 * {@code ns_<checksum>}, where the checksum is the FNV-1a 64 hash of the key's UTF-8
 * bytes in lower-case hexadecimal without leading zeros. So that the directory cannot be
 * the data directory itself or its parent, {@code .} and {@code ..} also become
 * {@code ns_<checksum>}, and a result longer than 200 characters keeps its first 200
 * characters and gains {@code _<checksum>}. The result never contains a separator.
 */
public final class NamespaceKeys {
  private static final int MAX_DIR_NAME = 200;

  private NamespaceKeys() {}

  /**
   * @param key the namespace key
   * @return the sanitised directory name
   * @throws InvalidNamespaceKeyException if the key is null
   */
  public static String sanitize(String key) {
    if (key == null) {
      throw new InvalidNamespaceKeyException("namespace key must not be null");
    }
    StringBuilder sb = new StringBuilder(key.length());
    boolean onlyUnderscore = true;
    for (int i = 0; i < key.length(); ) {
      int c = key.codePointAt(i);
      i += Character.charCount(c);
      boolean keep =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      char out = keep ? (char) c : '_';
      if (out != '_') {
        onlyUnderscore = false;
      }
      sb.append(out);
    }
    String s = sb.toString();
    if (s.isEmpty() || onlyUnderscore || s.equals(".") || s.equals("..")) {
      return "ns_" + checksum(key);
    }
    if (s.length() > MAX_DIR_NAME) {
      return s.substring(0, MAX_DIR_NAME) + "_" + checksum(key);
    }
    return s;
  }

  /**
   * Resolves the namespace directory and checks that it stays inside the data directory.
   *
   * @throws InvalidNamespaceKeyException if the result would leave {@code dataDir}
   */
  public static Path resolve(Path dataDir, String key) {
    Path base = dataDir.toAbsolutePath().normalize();
    Path dir = base.resolve(sanitize(key)).normalize();
    if (!dir.startsWith(base) || dir.equals(base)) {
      throw new InvalidNamespaceKeyException(
          "namespace key " + Names.quote(key) + " resolves outside the data directory " + base);
    }
    return dir;
  }

  private static String checksum(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xFF;
      h *= 0x100000001b3L;
    }
    return Long.toHexString(h);
  }
}
