package dev.walrus.internal.format;

import dev.walrus.InvalidNamespaceKeyException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Turns a namespace key into a directory name under the data directory, as the seed
 * does: keep {@code [A-Za-z0-9._-]}, replace every other character with {@code _}; a
 * result that is empty, all {@code _}, {@code .} or {@code ..} becomes
 * {@code ns_<16 hex digits of the key's FNV-1a 64 checksum>}. A result longer than 200
 * characters keeps its first 200 characters and gains {@code _<checksum>}. The result
 * never contains a separator and is never {@code .} or {@code ..}, so it cannot leave
 * the data directory.
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
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      char out = keep ? c : '_';
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
    return String.format("%016x", h);
  }
}
