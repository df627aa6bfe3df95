package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator dashboard in a real headless Chromium (see {@link Chromium} for when these run).
 * Each test starts an admin listener from a scenario through {@link #startBackend}; screenshots go
 * to {@code target/dashboard-screenshots/}.
 */
class DashboardBrowserTest {
  private static final String TOKEN = "t0ken-of-the-tests-5f1c2a";
  private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
  private static final Instant NOW = Instant.now();
  private static final Instant HOUR = NOW.truncatedTo(ChronoUnit.HOURS);
  private static final Instant HALTED_AT = HOUR.minus(3, ChronoUnit.HOURS).plusSeconds(754);
  private static final String HALT_REASON =
      "failure rate 0.38 over 0.05 with 64 reports (install_failed 18, bad_checksum 3)";

  private static ChromeDriver browser;
  private DashboardBackend backend;

  /**
   * The one place that decides what the dashboard talks to: today a fake of the admin API that
   * serves the real {@link DashboardRoute}; with the admin listener, start the server with a
   * catalog and completions made from {@code scenario} and return an adapter over it.
   */
  private static DashboardBackend startBackend(DashboardBackend.Scenario scenario) {
    return FakeAdminListener.start(scenario, TOKEN);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @BeforeEach
  void startBrowserOnce() {
    // Started from the first test, not @BeforeAll: a skip is then reported for every test, with
    // its reason, instead of vanishing with the class.
    if (browser == null) {
      browser = Chromium.start();
    }
    browser.manage().window().setSize(new Dimension(1280, 900));
  }

  @AfterEach
  void screenshotAndStop(TestInfo test) throws IOException {
    if (browser == null) {
      return;
    }
    try {
      // Refused tokens are logged by the browser as failed loads; anything else is a defect of
      // the page, a script error or a resource the Content-Security-Policy blocked.
      assertThat(browser.manage().logs().get(LogType.BROWSER).getAll())
          .filteredOn(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
          .extracting(LogEntry::getMessage)
          .filteredOn(m -> !m.contains("status of 401"))
          .isEmpty();
      Files.createDirectories(SCREENSHOTS);
      Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(
          png,
          SCREENSHOTS.resolve(test.getTestMethod().orElseThrow().getName() + ".png"),
          StandardCopyOption.REPLACE_EXISTING);
    } finally {
      // A fresh tab state per test: no token, no selection.
      ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
      if (backend != null) {
        backend.close();
      }
    }
  }

  @Test
  void tokenForm_wrongThenRightToken_explainsRefusalThenShowsReleases_tokenNeverInAUrl() {
    backend = startBackend(scenario());
    browser.get(backend.url().toString());
    WebElement tokenInput = visible(By.id("token"));
    assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();

    tokenInput.sendKeys("not-the-token", Keys.ENTER);
    waitUntil(
        d -> d.findElement(By.id("login-message")).getText().contains("401 Unauthorized"));
    assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();

    login();
    assertThat(rowOf("demo-app", "win-x64", "2.0.0").isDisplayed()).isTrue();
    browser.navigate().refresh();
    visible(By.id("dashboard"));
    assertThat(browser.findElement(By.id("login")).isDisplayed())
        .as("the token is kept for the session")
        .isFalse();

    assertThat(browser.getCurrentUrl()).doesNotContain(TOKEN).doesNotContain("token");
    assertThat(backend.requests())
        .extracting(DashboardBackend.Request::target)
        .allSatisfy(t -> assertThat(t).doesNotContain(TOKEN).doesNotContain("not-the-token"));
    assertThat(backend.requests())
        .filteredOn(r -> r.target().startsWith("/admin/"))
        .extracting(DashboardBackend.Request::authorization)
        .contains("Bearer not-the-token", "Bearer " + TOKEN);
  }

  @Test
  void tokenRotated_nextRefreshShowsTheFormAgainWithTheReason() {
    backend = startBackend(scenario());
    openDashboard();
    backend.rotateToken("a-new-token");

    browser.findElement(By.id("refresh")).click();

    waitUntil(d -> d.findElement(By.id("login")).isDisplayed());
    assertThat(browser.findElement(By.id("login-message")).getText())
        .contains("refused the token (401 Unauthorized)");
    assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();
  }

  @Test
  void releases_showTheirNumbers_andTheHaltedOneStandsOutWithWhyAndWhen() throws IOException {
    backend = startBackend(scenario());
    openDashboard();

    WebElement live = rowOf("demo-app", "win-x64", "1.9.0");
    assertThat(cell(live, "Channels")).isEqualTo("release, beta*");
    assertThat(cell(live, "Rollout")).isEqualTo("100%");
    assertThat(cell(live, "Signed")).isEqualTo("yes");
    assertThat(cell(live, "Reports")).isEqualTo("1,200");
    assertThat(cell(live, "Successes")).isEqualTo("1,188");
    assertThat(cell(live, "Failures")).isEqualTo("12");
    assertThat(cell(live, "Failure rate")).isEqualTo("1.0%");
    assertThat(cell(live, "State")).startsWith("Live");
    assertThat(live.findElement(By.cssSelector("td.num")).getCssValue("text-align"))
        .isEqualTo("right");

    WebElement halted = rowOf("demo-app", "win-x64", "2.0.0");
    assertThat(halted.getDomAttribute("class")).contains("state-halted");
    assertThat(cell(halted, "Rollout")).isEqualTo("12.5%");
    assertThat(cell(halted, "Signed")).isEqualTo("no");
    assertThat(cell(halted, "Failure rate")).isEqualTo("37.5%");
    assertThat(cell(halted, "State")).contains("Halted").contains(HALT_REASON);
    assertThat(
            halted.findElements(By.cssSelector("td.codes li")).stream()
                .map(WebElement::getText)
                .toList())
        .containsExactly("install_failed 18", "bad_checksum 3", "download_failed 2");
    assertThat(halted.getCssValue("background-color"))
        .isNotEqualTo(live.getCssValue("background-color"));
    WebElement when = halted.findElement(By.cssSelector("td.state time"));
    assertThat(when.getDomAttribute("datetime")).isEqualTo(HALTED_AT.toString());
    assertThat(when.getDomAttribute("title"))
        .isEqualTo(
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
                .withZone(ZoneOffset.UTC)
                .format(HALTED_AT));
    assertThat(browser.findElement(By.id("attention")).getText())
        .contains("demo-app win-x64 2.0.0 halted automatically at")
        .contains(HALT_REASON)
        .contains("The last catalog load failed");
    assertThat(browser.findElement(By.id("store")).getText()).contains("jsonl").contains("ok");
    assertThat(browser.findElement(By.id("catalog-millis")).getText()).isEqualTo("42 ms");
    saveWholePage("dashboard");
  }

  @Test
  void resume_asksFirst_cancelChangesNothing_confirmResumesTheRelease() {
    backend = startBackend(scenario());
    openDashboard();

    actionButton("demo-app", "win-x64", "2.0.0", "resume").click();
    WebElement dialog = visible(By.id("confirm"));
    assertThat(dialog.getText()).contains("Resume demo-app win-x64 2.0.0?");
    browser.findElement(By.id("confirm-cancel")).click();
    waitUntil(d -> !d.findElement(By.id("confirm")).isDisplayed());
    assertThat(backend.state("demo-app", "win-x64", "2.0.0")).isEqualTo("halted");

    actionButton("demo-app", "win-x64", "2.0.0", "resume").click();
    visible(By.id("confirm-ok")).click();

    waitUntil(d -> cell(rowOf("demo-app", "win-x64", "2.0.0"), "State").startsWith("Live"));
    assertThat(backend.state("demo-app", "win-x64", "2.0.0")).isEqualTo("live");
    assertThat(actionButton("demo-app", "win-x64", "2.0.0", "halt").getText()).isEqualTo("Halt");
    assertThat(browser.findElement(By.id("status")).getText())
        .isEqualTo("Resumed demo-app win-x64 2.0.0.");
  }

  @Test
  void halt_onALiveRelease_afterConfirmationMarksItHaltedByAnOperator() {
    backend = startBackend(scenario());
    openDashboard();

    actionButton("demo-app", "win-x64", "1.9.0", "halt").click();
    visible(By.id("confirm-ok")).click();

    waitUntil(d -> cell(rowOf("demo-app", "win-x64", "1.9.0"), "State").startsWith("Halted"));
    assertThat(backend.state("demo-app", "win-x64", "1.9.0")).isEqualTo("halted");
    assertThat(cell(rowOf("demo-app", "win-x64", "1.9.0"), "State")).contains("By an operator at");
  }

  @Test
  void chart_drawsOneBarPerNonEmptyHourOfTheLastSevenDays() {
    backend = startBackend(scenario());
    openDashboard();

    select("demo-app", "win-x64", "1.9.0");

    // 1.9.0 has reports in 30 hours of the last week (6 of them with failures) and one older hour.
    assertThat(browser.findElements(By.cssSelector("#chart svg g.hour"))).hasSize(30);
    assertThat(browser.findElements(By.cssSelector("#chart svg rect.bar.success"))).hasSize(30);
    assertThat(browser.findElements(By.cssSelector("#chart svg rect.bar.failure"))).hasSize(6);
    assertThat(browser.findElement(By.id("chart-title")).getText())
        .isEqualTo("Reports per hour: demo-app win-x64 1.9.0");
    String since =
        backend.requests().stream()
            .map(DashboardBackend.Request::target)
            .filter(t -> t.startsWith("/admin/v1/stats?since="))
            .reduce((a, b) -> b)
            .orElseThrow()
            .substring("/admin/v1/stats?since=".length())
            .replace("%3A", ":");
    assertThat(Duration.between(Instant.parse(since), Instant.now()))
        .isBetween(Duration.ofDays(7).minusMinutes(2), Duration.ofDays(7).plusMinutes(2));
  }

  @Test
  void refresh_onFocusAndByButton_keepsTheSelectedRelease() {
    backend = startBackend(scenario());
    openDashboard();
    select("demo-app", "mac-arm64", "2.0.0");
    int before = refreshes();

    backend.addReports("demo-app", "mac-arm64", "2.0.0", 5, 2);
    ((JavascriptExecutor) browser).executeScript("window.dispatchEvent(new Event('focus'))");

    waitUntil(d -> refreshes() > before);
    WebElement row = rowOf("demo-app", "mac-arm64", "2.0.0");
    assertThat(cell(row, "Reports")).isEqualTo("47");
    assertThat(actionButton("demo-app", "mac-arm64", "2.0.0", "select").getDomAttribute("aria-pressed"))
        .isEqualTo("true");
    assertThat(browser.findElement(By.id("chart-title")).getText())
        .isEqualTo("Reports per hour: demo-app mac-arm64 2.0.0");
    assertThat(browser.findElements(By.cssSelector("#chart svg rect.bar.failure"))).hasSize(1);

    int afterFocus = refreshes();
    browser.findElement(By.id("refresh")).click();
    waitUntil(d -> refreshes() > afterFocus);
    assertThat(actionButton("demo-app", "mac-arm64", "2.0.0", "select").getDomAttribute("aria-pressed"))
        .isEqualTo("true");
    assertThat(actionButton("demo-app", "win-x64", "2.0.0", "select").getDomAttribute("aria-pressed"))
        .isEqualTo("false");
  }

  @Test
  void reportText_withMarkup_isShownAsTextAndNeverRun() {
    String hostile = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script><b>x</b>";
    List<DashboardBackend.Release> releases = new ArrayList<>(scenario().releases());
    releases.add(
        release(
            "<b>evil</b>",
            "app",
            "1.0<i>",
            "halted",
            new DashboardBackend.Halt(HALTED_AT, "automatic", hostile),
            Map.of("<script>window.pwned=3</script>", 4),
            hours(2, 3, 1)));
    backend =
        startBackend(
            new DashboardBackend.Scenario(
                releases, new DashboardBackend.CatalogError(HALTED_AT, hostile), "down", hostile));
    openDashboard();

    WebElement row = rowOf("<b>evil</b>", "app", "1.0<i>");
    assertThat(row.findElement(By.cssSelector(".halt-detail")).getText()).isEqualTo(hostile);
    assertThat(browser.findElement(By.id("catalog-error")).getText()).contains(hostile);
    assertThat(browser.findElement(By.id("store")).getText()).contains(hostile);
    assertThat(cell(row, "Top failure codes")).isEqualTo("<script>window.pwned=3</script> 4");
    assertThat(browser.findElements(By.cssSelector("#products h2")))
        .extracting(WebElement::getText)
        .contains("<b>evil</b>");
    assertThat(browser.findElements(By.cssSelector("main img, main b, main i, #products script")))
        .isEmpty();
    assertThat(((JavascriptExecutor) browser).executeScript("return window.pwned === undefined"))
        .isEqualTo(true);
  }

  @Test
  void narrowWindow_releasesBecomeCards_noSidewaysScrolling_buttonsStillWork() {
    backend = startBackend(scenario());
    openDashboard();
    assertThat(horizontalOverflow()).as("at 1280 px").isLessThanOrEqualTo(0L);
    List<?> overflows =
        (List<?>)
            ((JavascriptExecutor) browser)
                .executeScript(
                    "return [...document.querySelectorAll('.table-wrap')]"
                        + ".map(w => w.scrollWidth - w.clientWidth)");
    assertThat(overflows)
        .as("how far each release table overflows at 1280 px")
        .allSatisfy(o -> assertThat(((Number) o).longValue()).isLessThanOrEqualTo(0L));

    browser.manage().window().setSize(new Dimension(400, 900));
    waitUntil(d -> innerWidth() <= 400);

    assertThat(horizontalOverflow()).as("at 400 px").isLessThanOrEqualTo(0L);
    WebElement halted = rowOf("demo-app", "win-x64", "2.0.0");
    assertThat(halted.getCssValue("display")).isEqualTo("block");
    assertThat(halted.getText()).contains("37.5%").contains(HALT_REASON);
    WebElement rate = halted.findElement(By.cssSelector("[data-label='Failure rate']"));
    assertThat(
            ((JavascriptExecutor) browser)
                .executeScript("return getComputedStyle(arguments[0], '::before').content", rate))
        .as("each value is labelled")
        .isEqualTo("\"Failure rate\"");
    WebElement resume = actionButton("demo-app", "win-x64", "2.0.0", "resume");
    ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", resume);
    resume.click();
    visible(By.id("confirm-ok")).click();
    waitUntil(d -> "live".equals(backend.state("demo-app", "win-x64", "2.0.0")));
  }

  @Test
  void keyboard_tabToResume_enterAsks_escapeCancels_tabEnterConfirms() {
    backend = startBackend(scenario());
    openDashboard();
    Actions keys = new Actions(browser);

    for (int i = 0; i < 80 && !isFocused("resume"); i++) {
      keys.sendKeys(Keys.TAB).perform();
    }
    assertThat(isFocused("resume")).as("Tab reaches the resume button").isTrue();
    String key = focused().getDomAttribute("data-key");

    keys.sendKeys(Keys.ENTER).perform();
    visible(By.id("confirm"));
    assertThat(focused().getDomAttribute("id")).isEqualTo("confirm-cancel");
    keys.sendKeys(Keys.ESCAPE).perform();
    waitUntil(d -> !d.findElement(By.id("confirm")).isDisplayed());
    assertThat(focused().getDomAttribute("data-key")).isEqualTo(key);
    assertThat(backend.state("demo-app", "win-x64", "2.0.0")).isEqualTo("halted");

    keys.sendKeys(Keys.ENTER).perform();
    visible(By.id("confirm"));
    keys.sendKeys(Keys.TAB).perform();
    assertThat(focused().getDomAttribute("id")).isEqualTo("confirm-ok");
    keys.sendKeys(Keys.ENTER).perform();

    waitUntil(d -> "live".equals(backend.state("demo-app", "win-x64", "2.0.0")));
    waitUntil(d -> isFocused("halt"));
    assertThat(focused().getDomAttribute("data-key")).isEqualTo(key);
  }

  // --- the scenario ---------------------------------------------------------------------------

  private static DashboardBackend.Scenario scenario() {
    List<DashboardBackend.Hour> week = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      // 40 reports an hour, every 5 hours; 2 failures in every fifth of those hours.
      week.add(
          new DashboardBackend.Hour(
              HOUR.minus(i * 5L, ChronoUnit.HOURS), i % 5 == 0 ? 38 : 40, i % 5 == 0 ? 2 : 0));
    }
    week.add(new DashboardBackend.Hour(HOUR.minus(8, ChronoUnit.DAYS), 500, 500));
    return new DashboardBackend.Scenario(
        List.of(
            new DashboardBackend.Release(
                "demo-app",
                "win-x64",
                "1.9.0",
                List.of("release", "beta*"),
                100,
                true,
                "live",
                null,
                Map.of("download_failed", 9, "install_failed", 3),
                week),
            new DashboardBackend.Release(
                "demo-app",
                "win-x64",
                "2.0.0",
                List.of(),
                12.5,
                false,
                "halted",
                new DashboardBackend.Halt(HALTED_AT, "automatic", HALT_REASON),
                Map.of("install_failed", 18, "bad_checksum", 3, "download_failed", 2, "other", 1),
                hours(4, 10, 6)),
            release("demo-app", "mac-arm64", "2.0.0", "live", null, Map.of(), hours(4, 10, 0)),
            release("other-tool", "jar", "0.3", "paused", null, Map.of(), List.of())),
        new DashboardBackend.CatalogError(
            HOUR.minus(1, ChronoUnit.HOURS), "catalog.json: releases[3].hash_value: not hex"),
        "ok",
        null);
  }

  /** {@code count} hours of {@code successes} and {@code failures} each, ending this hour. */
  private static List<DashboardBackend.Hour> hours(int count, int successes, int failures) {
    List<DashboardBackend.Hour> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(new DashboardBackend.Hour(HOUR.minus(i, ChronoUnit.HOURS), successes, failures));
    }
    return out;
  }

  private static DashboardBackend.Release release(
      String product,
      String updateType,
      String version,
      String state,
      DashboardBackend.Halt halt,
      Map<String, Integer> byCode,
      List<DashboardBackend.Hour> hourly) {
    return new DashboardBackend.Release(
        product, updateType, version, List.of("release"), 100, true, state, halt, byCode, hourly);
  }

  // --- driving the page -----------------------------------------------------------------------

  private void openDashboard() {
    browser.get(backend.url().toString());
    visible(By.id("token"));
    login();
  }

  private void login() {
    WebElement input = visible(By.id("token"));
    input.clear();
    input.sendKeys(backend.token(), Keys.ENTER);
    visible(By.id("dashboard"));
  }

  private void select(String product, String updateType, String version) {
    actionButton(product, updateType, version, "select").click();
    String title = "Reports per hour: " + product + " " + updateType + " " + version;
    waitUntil(d -> d.findElement(By.id("chart-title")).getText().equals(title));
  }

  private static String key(String product, String updateType, String version) {
    return "[\"" + product + "\",\"" + updateType + "\",\"" + version + "\"]";
  }

  private WebElement rowOf(String product, String updateType, String version) {
    String key = key(product, updateType, version);
    return browser.findElements(By.cssSelector("#products tr[data-key]")).stream()
        .filter(r -> key.equals(r.getDomAttribute("data-key")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + key));
  }

  private WebElement actionButton(
      String product, String updateType, String version, String action) {
    return rowOf(product, updateType, version)
        .findElement(By.cssSelector("button[data-action='" + action + "']"));
  }

  private static String cell(WebElement row, String label) {
    return row.findElement(By.cssSelector("[data-label='" + label + "']")).getText().trim();
  }

  private WebElement focused() {
    return browser.switchTo().activeElement();
  }

  private boolean isFocused(String action) {
    return action.equals(focused().getDomAttribute("data-action"));
  }

  /** Saves the whole page, not just the window, as {@code name}.png beside the other screenshots. */
  private void saveWholePage(String name) throws IOException {
    List<?> size =
        (List<?>)
            ((JavascriptExecutor) browser)
                .executeScript(
                    "const e = document.documentElement; return [e.scrollWidth, e.scrollHeight]");
    // The window cannot grow past the screen: DevTools captures beyond it.
    Map<String, Object> shot =
        browser.executeCdpCommand(
            "Page.captureScreenshot",
            Map.of(
                "format",
                "png",
                "captureBeyondViewport",
                true,
                "clip",
                Map.of(
                    "x", 0, "y", 0, "width", size.get(0), "height", size.get(1), "scale", 1)));
    Files.createDirectories(SCREENSHOTS);
    Files.write(
        SCREENSHOTS.resolve(name + ".png"), Base64.getDecoder().decode((String) shot.get("data")));
  }

  private int refreshes() {
    Object n =
        ((JavascriptExecutor) browser).executeScript("return document.body.dataset.refreshes");
    return n == null ? 0 : Integer.parseInt(n.toString());
  }

  private long horizontalOverflow() {
    return (Long)
        ((JavascriptExecutor) browser)
            .executeScript(
                "return document.documentElement.scrollWidth"
                    + " - document.documentElement.clientWidth");
  }

  private long innerWidth() {
    return (Long) ((JavascriptExecutor) browser).executeScript("return window.innerWidth");
  }

  private WebElement visible(By by) {
    return waitUntil(
        d -> {
          WebElement e = d.findElement(by);
          return e.isDisplayed() ? e : null;
        });
  }

  private <T> T waitUntil(Function<WebDriver, T> condition) {
    return new WebDriverWait(browser, Duration.ofSeconds(5))
        .ignoring(org.openqa.selenium.NoSuchElementException.class)
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .ignoring(AssertionError.class)
        .until(condition);
  }
}
