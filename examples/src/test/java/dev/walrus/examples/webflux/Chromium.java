package dev.walrus.examples.webflux;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian {@code chromium} driven through the system {@code chromedriver}: nothing
 * is downloaded (Selenium Manager is never asked, the network may be closed). Where the
 * packages are missing the browser test is skipped, unless
 * {@code WALRUS_BROWSER_TEST=required} (set by {@code .ci/run}) makes that a failure.
 */
final class Chromium {
  static final Path BROWSER = Paths.get("/usr/bin/chromium");
  static final Path DRIVER = Paths.get("/usr/bin/chromedriver");

  private Chromium() {}

  /** Skips the calling test if Chromium is missing and not required, fails if required. */
  static void assumeInstalled() {
    boolean installed = Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    if (!installed && "required".equals(System.getenv("WALRUS_BROWSER_TEST"))) {
      throw new AssertionError(
          "WALRUS_BROWSER_TEST=required but "
              + BROWSER
              + " or "
              + DRIVER
              + " is missing (apt-get install chromium chromium-driver)");
    }
    Assumptions.assumeTrue(
        installed,
        "browser test skipped: install Debian's chromium and"
            + " chromium-driver to run it (it is required in CI)");
  }

  /**
   * @param profile a fresh, empty user-data directory
   * @return a headless browser; quit it when done
   */
  static ChromeDriver start(Path profile) {
    System.setProperty("webdriver.chrome.driver", DRIVER.toString());
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER.toString()))
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1200,1000",
        "--user-data-dir=" + profile);
    return new ChromeDriver(service, options);
  }
}
