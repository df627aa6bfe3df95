package dev.appupdate.server;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumDriverLogLevel;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Starts a headless Chromium for browser tests. They run whenever a Chromium and its chromedriver
 * are on the {@code PATH}; {@code APPUPDATE_BROWSER_TESTS=required} (set by {@code .ci/run}) makes
 * a missing browser a failure instead of a skip, so CI cannot pass without having run them.
 */
final class Chromium {
  static final String MODE_VARIABLE = "APPUPDATE_BROWSER_TESTS";
  private static final System.Logger LOG = System.getLogger(Chromium.class.getName());
  private static final AtomicBoolean warned = new AtomicBoolean();

  private Chromium() {}

  /** Starts a browser, or aborts the calling tests (skipped) when none is installed. */
  static ChromeDriver start() {
    return start(System.getenv());
  }

  /** Starts a browser as {@link #start()} does, with {@code env} as the environment. */
  static ChromeDriver start(Map<String, String> env) {
    String mode = env.get(MODE_VARIABLE);
    if (mode != null && !mode.isEmpty() && !mode.equals("required")) {
      throw new IllegalStateException(
          MODE_VARIABLE + " is '" + mode + "'; it must be 'required' or unset");
    }
    boolean required = "required".equals(mode);
    String path = env.get("PATH");
    Optional<Path> browser = onPath(path, "chromium", "chromium-browser", "google-chrome");
    Optional<Path> driver = onPath(path, "chromedriver");
    if (browser.isEmpty() || driver.isEmpty()) {
      String missing =
          (browser.isEmpty() ? "no chromium" : "no chromedriver")
              + " on the PATH: install the Debian packages chromium and chromium-driver";
      if (required) {
        Assertions.fail(missing + " (" + MODE_VARIABLE + "=required)");
      }
      if (!warned.getAndSet(true)) {
        LOG.log(System.Logger.Level.WARNING, "browser tests skipped: {0}", missing);
      }
      Assumptions.abort(
          missing
              + " to run the dashboard's browser tests (skipped; "
              + MODE_VARIABLE
              + "=required makes this a failure)");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.get().toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--lang=en-US",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions");
    // The page's console, for tests that check it runs without errors (CSP violations among them).
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    // An explicit driver: Selenium Manager would otherwise try to download one.
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(driver.get().toFile())
            .usingAnyFreePort()
            .withLogLevel(ChromiumDriverLogLevel.OFF)
            .build();
    return new ChromeDriver(service, options);
  }

  private static Optional<Path> onPath(String path, String... names) {
    if (path == null) {
      return Optional.empty();
    }
    for (String name : names) {
      for (String dir : path.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }
}
