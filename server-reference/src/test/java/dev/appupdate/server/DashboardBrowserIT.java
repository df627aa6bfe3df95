package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
import org.junit.jupiter.api.io.TempDir;
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
 * The operator dashboard in a real headless Chromium (see {@link Chromium} for when these run),
 * against the runnable jar: each test starts the server with the catalog and the completions of
 * {@link DashboardBackend}. Screenshots go to {@code target/dashboard-screenshots/}.
 */
class DashboardBrowserIT {
  private static final String TOKEN = "t0ken-of-the-tests-5f1c2a";
  private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private static ChromeDriver browser;
  @TempDir Path dir;
  private DashboardBackend backend;

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @BeforeEach
  void startBrowserThenServer() throws Exception {
    // Started from the first test, not @BeforeAll: a skip is then reported for every test, with
    // its reason, instead of vanishing with the class.
    if (browser == null) {
      browser = Chromium.start();
    }
    browser.manage().window().setSize(new Dimension(1280, 900));
    backend = DashboardBackend.start(dir, TOKEN);
  }

  @AfterEach
  void screenshotAndStop(TestInfo test) throws IOException {
    try {
      if (browser == null) {
        return;
      }
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
      if (browser != null) {
        // A fresh tab state per test: no token, no selection.
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
      }
      if (backend != null) {
        backend.close();
      }
    }
  }

  @Test
  void tokenForm_wrongThenRightToken_explainsRefusalThenShowsReleases_tokenNeverInAUrl()
      throws IOException {
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
    assertThat(backend.log()).doesNotContain(TOKEN).doesNotContain("not-the-token");
  }

  @Test
  void tokenRotated_nextRefreshShowsTheFormAgainWithTheReason() throws Exception {
    openDashboard();
    backend.restartWithToken("a-new-token-of-the-tests-9d2e");

    browser.findElement(By.id("refresh")).click();

    waitUntil(d -> d.findElement(By.id("login")).isDisplayed());
    assertThat(browser.findElement(By.id("login-message")).getText())
        .contains("refused the token (401 Unauthorized)");
    assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();
    login();
    assertThat(cell(rowOf("demo-app", "win-x64", "2.0.0"), "State")).startsWith("Halted");
  }

  @Test
  void releases_showTheServersNumbers_andTheAutomaticallyHaltedOneStandsOutWithWhyAndWhen()
      throws IOException {
    openDashboard();

    WebElement live = rowOf("demo-app", "win-x64", "1.9.0");
    assertThat(cell(live, "Channels")).isEqualTo("release, beta*");
    assertThat(cell(live, "Rollout")).isEqualTo("100%");
    assertThat(cell(live, "Signed")).isEqualTo("no");
    assertThat(cell(live, "Reports")).isEqualTo("10");
    assertThat(cell(live, "Successes")).isEqualTo("9");
    assertThat(cell(live, "Failures")).isEqualTo("1");
    assertThat(cell(live, "Failure rate")).isEqualTo("10.0%");
    assertThat(cell(live, "Top failure codes")).isEqualTo("download_failed 1");
    assertThat(cell(live, "State")).isEqualTo("Live");
    assertThat(live.findElement(By.cssSelector("td.num")).getCssValue("text-align"))
        .isEqualTo("right");

    WebElement signed = rowOf("demo-app", "mac-arm64", "2.0.0");
    assertThat(cell(signed, "Signed")).isEqualTo("yes");
    assertThat(cell(signed, "Channels")).isEqualTo("all");
    assertThat(cell(signed, "Failure rate")).isEqualTo("0.0%");
    WebElement paused = rowOf("other-tool", "jar", "0.3");
    assertThat(cell(paused, "State")).isEqualTo("Paused in the catalog");
    assertThat(cell(paused, "Rollout")).isEqualTo("12.5%");
    assertThat(cell(paused, "Failure rate")).isEqualTo("—");

    // 2 successes and 4 failures of any code; the cancel counts nowhere and is no failure code.
    WebElement halted = rowOf("demo-app", "win-x64", "2.0.0");
    assertThat(halted.getDomAttribute("class")).contains("state-halted");
    assertThat(cell(halted, "Reports")).isEqualTo("6");
    assertThat(cell(halted, "Successes")).isEqualTo("2");
    assertThat(cell(halted, "Failures")).isEqualTo("4");
    assertThat(cell(halted, "Failure rate")).isEqualTo("66.7%");
    assertThat(
            halted.findElements(By.cssSelector("td.codes li")).stream()
                .map(WebElement::getText)
                .toList())
        .containsExactly("install_failed 2", "bad_checksum 1", "download_failed 1");
    assertThat(halted.findElement(By.cssSelector(".halt-detail")).getText())
        .isEqualTo(DashboardBackend.HALT_DETAIL);
    assertThat(cell(halted, "State")).startsWith("Halted\nAutomatically at");
    assertThat(halted.getCssValue("background-color"))
        .isNotEqualTo(live.getCssValue("background-color"));
    JsonNode halt = backend.release("demo-app", "win-x64", "2.0.0").get("halt");
    WebElement when = halted.findElement(By.cssSelector("td.state time"));
    assertThat(when.getDomAttribute("datetime")).isEqualTo(halt.get("at").textValue());
    assertThat(when.getDomAttribute("title"))
        .isEqualTo(UTC.format(Instant.parse(halt.get("at").textValue())));
    assertThat(browser.findElement(By.id("attention")).getText())
        .contains("demo-app win-x64 2.0.0 halted automatically at")
        .contains(DashboardBackend.HALT_DETAIL)
        .doesNotContain("catalog load failed");
    assertThat(browser.findElement(By.id("store")).getText()).isEqualTo("jsonl ok");
    assertThat(browser.findElement(By.id("catalog-millis")).getText())
        .isEqualTo(backend.stats().get("catalog").get("load_millis").asLong() + " ms");
    assertThat(browser.findElement(By.id("catalog-error")).getText()).isEqualTo("none");
    saveWholePage("dashboard");
  }

  @Test
  void resume_asksFirst_cancelChangesNothing_confirmResumes_andTheReleaseIsOfferedAgain() {
    assertThat(backend.offered("win-x64")).as("halted: clients fall back").isEqualTo("1.9.0");
    openDashboard();

    actionButton("demo-app", "win-x64", "2.0.0", "resume").click();
    WebElement dialog = visible(By.id("confirm"));
    assertThat(dialog.getText()).contains("Resume demo-app win-x64 2.0.0?");
    browser.findElement(By.id("confirm-cancel")).click();
    waitUntil(d -> !d.findElement(By.id("confirm")).isDisplayed());
    assertThat(backend.state("win-x64", "2.0.0")).isEqualTo("halted");
    assertThat(backend.offered("win-x64")).isEqualTo("1.9.0");

    actionButton("demo-app", "win-x64", "2.0.0", "resume").click();
    visible(By.id("confirm-ok")).click();

    waitUntil(d -> cell(rowOf("demo-app", "win-x64", "2.0.0"), "State").startsWith("Live"));
    assertThat(backend.state("win-x64", "2.0.0")).isEqualTo("live");
    assertThat(backend.offered("win-x64")).as("offered again").isEqualTo("2.0.0");
    assertThat(actionButton("demo-app", "win-x64", "2.0.0", "halt").getText()).isEqualTo("Halt");
    assertThat(cell(rowOf("demo-app", "win-x64", "2.0.0"), "State"))
        .as("the threshold it halts at again")
        .isEqualTo("Live\nHalts above 20.0% failures (6+ reports)");
    assertThat(browser.findElement(By.id("status")).getText())
        .isEqualTo("Resumed demo-app win-x64 2.0.0.");
  }

  @Test
  void halt_onALiveRelease_afterConfirmationMarksItHaltedByAnOperator_andItIsNoLongerOffered() {
    openDashboard();

    actionButton("demo-app", "win-x64", "1.9.0", "halt").click();
    visible(By.id("confirm-ok")).click();

    waitUntil(d -> cell(rowOf("demo-app", "win-x64", "1.9.0"), "State").startsWith("Halted"));
    assertThat(backend.state("win-x64", "1.9.0")).isEqualTo("halted");
    JsonNode halt = backend.release("demo-app", "win-x64", "1.9.0").get("halt");
    assertThat(halt.get("actor").textValue()).isEqualTo("operator");
    assertThat(cell(rowOf("demo-app", "win-x64", "1.9.0"), "State"))
        .as("the server's detail says no more than the actor")
        .isEqualTo(
            "Halted\nBy an operator at "
                + rowOf("demo-app", "win-x64", "1.9.0")
                    .findElement(By.cssSelector("td.state time"))
                    .getText());
    assertThat(backend.offered("win-x64")).as("both win-x64 releases halted").isNull();
  }

  @Test
  void chart_drawsOneBarPerHourWithReports_asTheServerCountedThem() {
    openDashboard();

    select("demo-app", "win-x64", "1.9.0");

    // The server stamps each report with its receipt time: the reports posted at start fall in
    // this hour (or this and the last, across a full hour).
    JsonNode hourly = backend.release("demo-app", "win-x64", "1.9.0").get("hourly");
    List<String> hours = new ArrayList<>();
    int withSuccesses = 0;
    int withFailures = 0;
    for (JsonNode h : hourly) {
      hours.add(h.get("hour").textValue());
      withSuccesses += h.get("successes").asInt() > 0 ? 1 : 0;
      withFailures += h.get("failures").asInt() > 0 ? 1 : 0;
    }
    assertThat(hours).hasSizeBetween(1, 2);
    assertThat(browser.findElements(By.cssSelector("#chart svg g.hour")))
        .extracting(g -> Instant.parse(g.getDomAttribute("data-hour")))
        .containsExactlyElementsOf(hours.stream().map(Instant::parse).toList());
    assertThat(browser.findElements(By.cssSelector("#chart svg rect.bar.success")))
        .hasSize(withSuccesses);
    assertThat(browser.findElements(By.cssSelector("#chart svg rect.bar.failure")))
        .hasSize(withFailures);
    assertThat(browser.findElement(By.id("chart-summary")).getText())
        .startsWith("9 successes and 1 failures in " + hours.size());
    assertThat(browser.findElement(By.id("chart-title")).getText())
        .isEqualTo("Reports per hour: demo-app win-x64 1.9.0");
    List<WebElement> times = browser.findElements(By.cssSelector("#updated time"));
    Instant since = Instant.parse(times.get(1).getDomAttribute("datetime"));
    // The page asks for the last 7 days; the server starts the window on the hour before it.
    assertThat(since).as("the window's start, as the server echoes it").isEqualTo(
        since.truncatedTo(java.time.temporal.ChronoUnit.HOURS));
    assertThat(Duration.between(since, Instant.now()))
        .as("the window the page asked for, as the server echoes it")
        .isBetween(Duration.ofDays(7).minusMinutes(2), Duration.ofDays(7).plusMinutes(62));
  }

  @Test
  void refresh_onFocusAndByButton_showsNewReports_keepsTheSelectedRelease() {
    openDashboard();
    select("demo-app", "mac-arm64", "2.0.0");
    assertThat(browser.findElements(By.cssSelector("#chart svg rect.bar.failure"))).isEmpty();
    int before = refreshes();

    backend.addReports("mac-arm64", "2.0.0", 5, 2);
    ((JavascriptExecutor) browser).executeScript("window.dispatchEvent(new Event('focus'))");

    waitUntil(d -> refreshes() > before);
    WebElement row = rowOf("demo-app", "mac-arm64", "2.0.0");
    assertThat(cell(row, "Reports")).isEqualTo("10");
    assertThat(cell(row, "Failures")).isEqualTo("2");
    assertThat(
            actionButton("demo-app", "mac-arm64", "2.0.0", "select").getDomAttribute("aria-pressed"))
        .isEqualTo("true");
    assertThat(browser.findElement(By.id("chart-title")).getText())
        .isEqualTo("Reports per hour: demo-app mac-arm64 2.0.0");
    assertThat(browser.findElements(By.cssSelector("#chart svg rect.bar.failure"))).hasSize(1);

    int afterFocus = refreshes();
    browser.findElement(By.id("refresh")).click();
    waitUntil(d -> refreshes() > afterFocus);
    assertThat(
            actionButton("demo-app", "mac-arm64", "2.0.0", "select").getDomAttribute("aria-pressed"))
        .isEqualTo("true");
    assertThat(
            actionButton("demo-app", "win-x64", "2.0.0", "select").getDomAttribute("aria-pressed"))
        .isEqualTo("false");
  }

  @Test
  void reportText_withMarkup_isShownAsTextAndNeverRun() throws IOException {
    // A posted failure reason with markup (DashboardBackend.start), an operator's halt note and a
    // catalog load error: each reaches the page only as text.
    String note = "<img src=x onerror=\"window.pwned=3\"><script>window.pwned=4</script><b>x</b>";
    backend.halt("mac-arm64", "2.0.0", note);
    Fixtures.replace(dir.resolve("catalog.json"), "{\"releases\": [<script>window.pwned=5");
    Await.until(
        "the failed catalog load is in the statistics",
        () -> !backend.stats().get("catalog").get("last_error").isNull());
    String catalogError =
        backend.stats().get("catalog").get("last_error").get("message").textValue();
    openDashboard();

    WebElement row = rowOf("demo-app", "mac-arm64", "2.0.0");
    assertThat(row.findElement(By.cssSelector(".halt-detail")).getText()).isEqualTo(note);
    assertThat(browser.findElement(By.id("attention")).getText())
        .contains("demo-app mac-arm64 2.0.0 halted by an operator at")
        .contains(note)
        .contains("The last catalog load failed at");
    assertThat(browser.findElement(By.cssSelector("#catalog-error .error-text")).getText())
        .isEqualTo(catalogError);
    assertThat(browser.findElements(By.cssSelector("main img, main b, main i, #products script")))
        .isEmpty();
    assertThat(((JavascriptExecutor) browser).executeScript("return window.pwned === undefined"))
        .isEqualTo(true);
    assertThat(browser.getPageSource()).doesNotContain(DashboardBackend.HOSTILE_REASON);
  }

  @Test
  void narrowWindow_releasesBecomeCards_noSidewaysScrolling_buttonsStillWork() {
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
    assertThat(halted.getText()).contains("66.7%").contains(DashboardBackend.HALT_DETAIL);
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
    waitUntil(d -> "live".equals(backend.state("win-x64", "2.0.0")));
  }

  @Test
  void keyboard_tabToResume_enterAsks_escapeCancels_tabEnterConfirms() {
    openDashboard();
    Actions keys = new Actions(browser);

    for (int i = 0; i < 80 && !isFocused("resume"); i++) {
      keys.sendKeys(Keys.TAB).perform();
    }
    assertThat(isFocused("resume")).as("Tab reaches the resume button").isTrue();
    String key = focused().getDomAttribute("data-key");
    assertThat(key).isEqualTo(key("demo-app", "win-x64", "2.0.0"));

    keys.sendKeys(Keys.ENTER).perform();
    visible(By.id("confirm"));
    assertThat(focused().getDomAttribute("id")).isEqualTo("confirm-cancel");
    keys.sendKeys(Keys.ESCAPE).perform();
    waitUntil(d -> !d.findElement(By.id("confirm")).isDisplayed());
    assertThat(focused().getDomAttribute("data-key")).isEqualTo(key);
    assertThat(backend.state("win-x64", "2.0.0")).isEqualTo("halted");

    keys.sendKeys(Keys.ENTER).perform();
    visible(By.id("confirm"));
    keys.sendKeys(Keys.TAB).perform();
    assertThat(focused().getDomAttribute("id")).isEqualTo("confirm-ok");
    keys.sendKeys(Keys.ENTER).perform();

    waitUntil(d -> "live".equals(backend.state("win-x64", "2.0.0")));
    waitUntil(d -> isFocused("halt"));
    assertThat(focused().getDomAttribute("data-key")).isEqualTo(key);
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
