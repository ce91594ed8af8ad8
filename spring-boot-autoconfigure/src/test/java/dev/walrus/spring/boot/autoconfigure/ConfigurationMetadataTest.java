package dev.walrus.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * IDEs complete {@code walrus.*} from the generated
 * {@code META-INF/spring-configuration-metadata.json}: every property is in it, with the
 * description its field's Javadoc gives.
 */
class ConfigurationMetadataTest {
  @Test
  void everyPropertyIsDescribed() throws IOException {
    String json;
    try (InputStream in =
        getClass()
            .getClassLoader()
            .getResourceAsStream("META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("generated metadata on the class path").isNotNull();
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> names =
        List.of(
            "data-dir",
            "namespace",
            "consistency",
            "persist-every",
            "fsync",
            "fsync-interval",
            "backend",
            "io-uring",
            "block-size",
            "first-block-size",
            "blocks-per-file",
            "max-entry-bytes",
            "shared-cursor",
            "quiet",
            "retention",
            "retention-bytes");
    for (String n : names) {
      int at = json.indexOf("\"name\": \"walrus." + n + "\"");
      assertThat(at).as("walrus." + n).isNotNegative();
      String entry = json.substring(at, json.indexOf('}', at));
      assertThat(entry).as("walrus." + n).contains("\"description\": \"");
    }
    assertThat(json)
        .contains("\"defaultValue\": \"strictly-at-once\"")
        .contains("\"description\": \"Blocks per data file, at least 1.\"");
  }
}
