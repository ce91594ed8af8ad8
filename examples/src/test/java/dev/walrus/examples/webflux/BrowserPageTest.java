package dev.walrus.examples.webflux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.walrus.Walrus;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The web page end to end in a real headless Chromium: it loads the existing topics,
 * appends a message from the form, and shows entries appended by others live through
 * its EventSource, with per-topic counts. Leaves a screenshot of the page in use at
 * {@code target/webflux-page.png} (and copies it to the path in the system property
 * {@code walrus.screenshot}, if set).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class BrowserPageTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Path DIR = TempDirs.create("walrus-browser");

  @DynamicPropertySource
  static void walrus(DynamicPropertyRegistry r) {
    r.add("walrus.data-dir", DIR::toString);
  }

  @Autowired WebTestClient client;
  @LocalServerPort int port;

  private ChromeDriver browser;
  private WebDriverWait wait;

  @BeforeEach
  void startBrowser() throws IOException {
    Chromium.assumeInstalled();
    browser = Chromium.start(Files.createTempDirectory(DIR, "chromium-profile"));
    wait = new WebDriverWait(browser, WAIT);
  }

  @AfterEach
  void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @Test
  void appendFromTheFormAndWatchTopicsUpdateLive() throws IOException {
    append("orders", "order #1");
    append("orders", "order #2");

    browser.get("http://localhost:" + port + "/");
    // the existing topic is listed and watched, with its count and recent entries
    wait.until(ExpectedConditions.textToBe(card("orders", ".count"), "2"));
    wait.until(ExpectedConditions.textToBe(card("orders", ".state"), "live"));
    assertThat(browser.findElement(card("orders", "li:first-child .text")).getText())
        .isEqualTo("order #2");

    // append from the form to a new topic: it is created, watched and shows the message
    WebElement topic = browser.findElement(By.id("topic-input"));
    topic.clear();
    topic.sendKeys("chat");
    browser.findElement(By.id("message-input")).sendKeys("hello from the browser");
    browser.findElement(By.id("append-button")).click();
    wait.until(
        ExpectedConditions.textToBe(By.id("append-status"), "Appended to “chat” at offset 0."));
    wait.until(
        ExpectedConditions.textToBe(
            card("chat", "li:first-child .text"), "hello from the browser"));
    wait.until(ExpectedConditions.textToBe(card("chat", ".count"), "1"));

    // entries appended by someone else arrive live through the EventSource
    append("orders", "order #3");
    append("chat", "hello from curl");
    wait.until(ExpectedConditions.textToBe(card("orders", ".count"), "3"));
    wait.until(ExpectedConditions.textToBe(card("orders", "li:first-child .text"), "order #3"));
    wait.until(
        ExpectedConditions.textToBe(card("chat", "li:first-child .text"), "hello from curl"));
    wait.until(ExpectedConditions.textToBe(card("chat", ".count"), "2"));
    // and the topic table counts them
    wait.until(
        ExpectedConditions.textToBe(
            By.cssSelector("#topics tr[data-topic='orders'] .entries"), "3"));
    wait.until(
        ExpectedConditions.textToBe(By.cssSelector("#topics tr[data-topic='chat'] .entries"), "2"));
    // the periodic GET /topics refresh brings the rest of the stats up to date
    wait.until(
        ExpectedConditions.textToBe(
            By.cssSelector("#topics tr[data-topic='orders'] td:nth-child(3)"), "3"));

    screenshot();
  }

  /**
   * Issue 12 item 5: a page whose EventSource gave up (the server answered 503 while it
   * was being restarted) resumes after the last entry it showed, not at the newest one:
   * entries appended meanwhile all appear, none twice. The app runs on a fixed port so
   * that the page can reconnect to its restarted instance; between the two instances a
   * stand-in answers every request with 503, and entries are appended to the log
   * directly, before the second instance serves.
   */
  @Test
  @SuppressWarnings("try") // the second app only has to be running while the page reconnects
  void afterTheStreamBreaksThePageResumesFromTheLastEntryItSaw() throws IOException {
    Path dir = Files.createTempDirectory(DIR, "restarted");
    int fixedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      fixedPort = probe.getLocalPort();
    }
    ConfigurableApplicationContext first = start(dir, fixedPort);
    WebTestClient direct =
        WebTestClient.bindToServer()
            .baseUrl("http://localhost:" + fixedPort)
            .responseTimeout(WAIT)
            .build();
    for (int i = 0; i < 3; i++) {
      direct
          .post()
          .uri("/topics/orders")
          .bodyValue("order #" + i)
          .exchange()
          .expectStatus()
          .isCreated();
    }
    browser.get("http://localhost:" + fixedPort + "/");
    wait.until(ExpectedConditions.textToBe(card("orders", ".count"), "3"));
    wait.until(ExpectedConditions.textToBe(card("orders", ".state"), "live"));

    // the server goes away; while it is down, requests get 503, so the EventSource gives up
    first.close();
    DisposableServer unavailable =
        HttpServer.create()
            .port(fixedPort)
            // Connection: close, so that the browser keeps no connection to the stand-in
            .handle((req, res) -> res.status(503).keepAlive(false).send())
            .bindNow();
    try {
      wait.until(
          d ->
              Long.valueOf(2)
                  .equals(
                      browser.executeScript(
                          "return watched.get('orders').source.readyState"))); // EventSource.CLOSED
    } finally {
      unavailable.disposeNow();
    }
    // entries appended while the page is not connected (straight to the log)
    try (Walrus wal = Walrus.builder().dataDir(dir).open()) {
      for (int i = 3; i < 6; i++) {
        wal.appendForTopic("orders", ("order #" + i).getBytes(StandardCharsets.UTF_8));
      }
    }
    try (ConfigurableApplicationContext second = start(dir, fixedPort)) {
      try {
        wait.until(ExpectedConditions.textToBe(card("orders", ".count"), "6"));
      } catch (RuntimeException e) {
        System.out.println(
            "page state (readyState, url, lastId, count): "
                + browser.executeScript(
                    "const w = watched.get('orders');"
                        + " return [w.source.readyState, w.source.url, w.lastId, w.count]"));
        throw e;
      }
      wait.until(ExpectedConditions.textToBe(card("orders", ".state"), "live"));
      wait.until(ExpectedConditions.textToBe(card("orders", "li:first-child .text"), "order #5"));
      List<String> shown =
          browser.findElements(card("orders", "li .off")).stream()
              .map(WebElement::getText)
              .toList();
      assertThat(shown)
          .as("every entry once, newest first")
          .containsExactly("#5", "#4", "#3", "#2", "#1", "#0");
    }
  }

  private static ConfigurableApplicationContext start(Path dir, int port) {
    return new SpringApplicationBuilder(WalrusWebApplication.class)
        .run("--server.port=" + port, "--walrus.data-dir=" + dir);
  }

  private static By card(String topic, String inner) {
    return By.cssSelector(".card[data-topic='" + topic + "'] " + inner);
  }

  private void append(String topic, String text) {
    client.post().uri("/topics/" + topic).bodyValue(text).exchange().expectStatus().isCreated();
  }

  private void screenshot() throws IOException {
    Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
    Path target = Paths.get("target", "webflux-page.png");
    Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
    String extra = System.getProperty("walrus.screenshot");
    if (extra != null && !extra.isBlank()) {
      Files.copy(shot, Paths.get(extra), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
