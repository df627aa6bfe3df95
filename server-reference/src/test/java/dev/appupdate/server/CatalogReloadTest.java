package dev.appupdate.server;

import static dev.appupdate.server.Fixtures.SEED_REQUEST;
import static dev.appupdate.server.Fixtures.catalog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.ClientCodec;
import dev.appupdate.protocol.catalog.CatalogException;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog file: loaded at start, reloaded on change, an invalid change never served. */
class CatalogReloadTest {
  private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private Path file;
  private AppUpdateServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Starts a server on {@code catalogJson} that reloads only when the test says so. */
  private void start(String catalogJson) throws IOException {
    start(catalogJson, false);
  }

  private void start(String catalogJson, boolean watch) throws IOException {
    file = Files.writeString(dir.resolve("catalog.json"), catalogJson);
    server =
        Fixtures.demoServer(dir)
            .catalog(file)
            .watchCatalog(watch)
            .catalogWatchTiming(Duration.ofMillis(5), Duration.ofMillis(5))
            .clock(clock)
            .build();
    server.start();
  }

  /** Returns {@code update_type:version} of each offer for the seed request; empty on 204. */
  private List<String> offered() throws Exception {
    HttpResponse<String> r = Fixtures.postJson(server, "/v1/update", SEED_REQUEST);
    if (r.statusCode() == 204) {
      return List.of();
    }
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> offers = new ArrayList<>();
    for (AvailableUpdate u :
        ClientCodec.create()
            .decodeUpdateResponse(r.body().getBytes(StandardCharsets.UTF_8))
            .availableUpdates()) {
      offers.add(u.updateType() + ":" + u.version());
    }
    return offers;
  }

  private String health() throws Exception {
    return Fixtures.get(server, "/healthz").body();
  }

  @Test
  void start_catalogFile_servesItsOffersResolvedAgainstThePublicUrl() throws Exception {
    start(catalog("data:1.0", "data:1.1", "blob:3.0"));

    HttpResponse<String> r = Fixtures.postJson(server, "/v1/update", SEED_REQUEST);

    assertThat(offered()).containsExactly("blob:3.0", "data:1.1");
    assertThat(r.body())
        .contains("\"url\":\"http://127.0.0.1:" + server.port() + "/files/data-1.1\"");
    assertThat(health()).contains("\"releases\":3,\"catalog_loaded_at\":\"" + T0 + "\"");
  }

  @Test
  void start_invalidCatalogFile_failsListingEveryProblemAndLeavesNoTrace() throws Exception {
    Path bad =
        Files.writeString(
            dir.resolve("catalog.json"),
            catalog("data:1.0", "data:1.0.0", "blob:1.0")
                .replace(
                    "\"files/blob-1.0\", \"hash_function\": \"sha512\"",
                    "\"files/blob-1.0\", \"hash_function\": \"md5\"")
                .replace("\"size\": 10}\n]", "\"size\": -1}\n]"));
    AppUpdateServer s = Fixtures.demoServer(dir).catalog(bad).build();

    assertThatThrownBy(s::start)
        .isInstanceOfSatisfying(
            CatalogException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Object::toString)
                    .containsExactly(
                        "releases[1].version: duplicates releases[0] (your_app data 1.0): 1.0.0"
                            + " and 1.0 are the same version",
                        "releases[2].hash_function: unsupported hash function \"md5\"; allowed:"
                            + " sha256, sha384, sha512",
                        "releases[2].size: must not be negative, got -1"));
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void start_missingCatalogFile_failsNamingIt() {
    AppUpdateServer s = Fixtures.demoServer(dir).catalog(dir.resolve("nope.json")).build();

    assertThatThrownBy(s::start)
        .isInstanceOf(IOException.class)
        .hasMessage(
            "cannot read catalog " + dir.resolve("nope.json") + ": the file does not exist");
  }

  @Test
  void builder_catalogTwice_isRefused() {
    AppUpdateServer.Builder b = AppUpdateServer.builder().catalog(Path.of("a.json"));

    assertThatThrownBy(() -> b.catalog(Path.of("b.json")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("catalog already set to a.json");
  }

  @Test
  void reloadNow_validChange_servesTheNewOffers() throws Exception {
    start(catalog("data:1.0"));
    Files.writeString(file, catalog("data:1.0", "data:2.0", "blob:1.0"));
    clock.advance(Duration.ofMinutes(1));

    assertThat(server.reloadNow()).isTrue();

    assertThat(offered()).containsExactly("blob:1.0", "data:2.0");
    assertThat(health())
        .contains("\"releases\":3,\"catalog_loaded_at\":\"" + T0.plusSeconds(60) + "\"")
        .contains("\"last_catalog_error\":null");
  }

  @Test
  void reloadNow_invalidChange_keepsServingTheOldOffersAndHealthzShowsWhyAndWhen()
      throws Exception {
    start(catalog("data:1.0"));
    Files.writeString(
        file,
        catalog("data:2.0", "blob:1.0")
            .replace("\"size\": 10", "\"size\": -1")
            .replace("files/blob-1.0", "ftp://x/blob"));
    clock.advance(Duration.ofMinutes(1));

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      assertThat(server.reloadNow()).isFalse();

      assertThat(warnings(log))
          .singleElement()
          .asString()
          .startsWith("WARNING still serving the catalog loaded at " + T0 + ": invalid catalog ")
          .contains(
              "3 problems",
              "releases[0].size: must not be negative, got -1",
              "releases[1].url: ",
              "releases[1].size: must not be negative, got -1");
    }
    assertThat(offered()).containsExactly("data:1.0");
    assertThat(health())
        .contains("\"releases\":1,\"catalog_loaded_at\":\"" + T0 + "\"")
        .contains(
            "\"last_catalog_error\":\"invalid catalog catalog.json"
                + ": 3 problems: releases[0].size: must not be negative, got -1;"
                + " releases[1].size: must not be negative, got -1; releases[1].url: ")
        .contains("\"last_catalog_error_at\":\"" + T0.plusSeconds(60) + "\"");
  }

  @Test
  void reloadNow_fixedAfterAnInvalidChange_servesTheFixAndClearsTheError() throws Exception {
    start(catalog("data:1.0"));
    Files.writeString(file, "{\"releases\": [");
    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      assertThat(server.reloadNow()).isFalse();
      assertThat(warnings(log))
          .singleElement()
          .asString()
          .endsWith(
              "1 problem"
                  + System.lineSeparator()
                  + "  $: JSON ends too early at line 1,"
                  + " column 15");
    }
    assertThat(health()).contains("\"last_catalog_error\":\"invalid catalog");

    Files.writeString(file, catalog("data:1.1"));

    assertThat(server.reloadNow()).isTrue();
    assertThat(offered()).containsExactly("data:1.1");
    assertThat(health()).contains("\"last_catalog_error\":null,\"last_catalog_error_at\":null");
  }

  @Test
  void reloadNow_deletedFile_keepsServingAndSaysTheFileIsGone() throws Exception {
    start(catalog("data:1.0"));
    Files.delete(file);

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      assertThat(server.reloadNow()).isFalse();
      assertThat(warnings(log))
          .singleElement()
          .asString()
          .endsWith("cannot read catalog " + file + ": the file does not exist");
    }

    assertThat(offered()).containsExactly("data:1.0");
    assertThat(health())
        .contains(
            "\"last_catalog_error\":\"cannot read catalog catalog.json: the file does not exist\"")
        .doesNotContain(dir.toString());
  }

  @Test
  void reloadNow_embeddedDemoCatalog_isRefused() throws Exception {
    server = Fixtures.demoServer(dir).build();
    server.start();

    assertThatThrownBy(server::reloadNow)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no catalog file to reload: serving the embedded demo catalog");
  }

  @Test
  void periodicCheck_unchangedFile_isNotReadAgain() throws Exception {
    start(catalog("data:1.0"));
    clock.advance(Duration.ofMinutes(1));

    assertThat(server.reloadIfChanged()).isFalse();

    assertThat(health()).contains("\"catalog_loaded_at\":\"" + T0 + "\"");
  }

  @Test
  void periodicCheck_fileReplacedUnnoticed_isReloaded() throws Exception {
    start(catalog("data:1.0"));
    Fixtures.replace(file, catalog("data:1.5"));

    assertThat(server.reloadIfChanged()).isTrue();

    assertThat(offered()).containsExactly("data:1.5");
    assertThat(server.reloadIfChanged()).isFalse();
  }

  @Test
  void watcher_fileReplacedByRename_isServedWithoutBeingAsked() throws Exception {
    start(catalog("data:1.0"), true);

    Fixtures.replace(file, catalog("data:2.0"));

    Await.until("the renamed catalog is served", () -> offeredQuietly().equals("[data:2.0]"));
  }

  @Test
  void watcher_fileRewrittenInPlace_isServedWithoutBeingAsked() throws Exception {
    start(catalog("data:1.0"), true);

    Files.writeString(file, catalog("data:3.0", "blob:1.0"));

    Await.until(
        "the rewritten catalog is served", () -> offeredQuietly().equals("[blob:1.0, data:3.0]"));
  }

  @Test
  void watcher_invalidChange_isReportedByHealthzAndTheOldCatalogServes() throws Exception {
    start(catalog("data:1.0"), true);

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      Fixtures.replace(file, "{\"releases\": 7}");

      Await.until("healthz shows the error", () -> healthQuietly().contains("invalid catalog"));
      assertThat(warnings(log)).singleElement().asString().contains("releases: must be ");
    }
    assertThat(offered()).containsExactly("data:1.0");
  }

  @Test
  void reload_sameInvalidBytesAgain_isLoggedAndRecordedOnce_otherInvalidBytesAgain()
      throws Exception {
    start(catalog("data:1.0"));

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      Fixtures.replace(file, "{\"releases\": 7}");
      assertThat(server.reloadNow()).isFalse();
      String first = health();
      // The same bytes again, as a save seen both by a notification and by the periodic check.
      clock.advance(Duration.ofMinutes(1));
      Fixtures.replace(file, "{\"releases\": 7}");
      assertThat(server.reloadNow()).isFalse();

      assertThat(warnings(log)).singleElement().asString().contains("releases: must be ");
      assertThat(health()).isEqualTo(first);

      Fixtures.replace(file, "{\"releases\": 8}");
      assertThat(server.reloadNow()).isFalse();
      assertThat(warnings(log)).hasSize(2);
      assertThat(health()).contains("\"last_catalog_error_at\":\"" + T0.plusSeconds(60) + "\"");
    }
    // After a good load, the first bad bytes are news again.
    Fixtures.replace(file, catalog("data:2.0"));
    assertThat(server.reloadNow()).isTrue();
    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      Fixtures.replace(file, "{\"releases\": 7}");
      assertThat(server.reloadNow()).isFalse();
      assertThat(warnings(log)).hasSize(1);
    }
  }

  /** The warnings among the messages: access-log lines of earlier requests may come in late. */
  private static List<String> warnings(LogCapture log) {
    return log.messages().stream().filter(m -> m.startsWith("WARNING ")).toList();
  }

  private String offeredQuietly() {
    try {
      return offered().toString();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private String healthQuietly() {
    try {
      return health();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void reload_underConcurrentRequests_eachAnswerComesFromOneCatalog() throws Exception {
    String one = catalog("data:1.0", "blob:1.0");
    String two = catalog("data:2.0", "blob:2.0");
    start(one);
    ExecutorService client = Executors.newSingleThreadExecutor();
    try {
      Future<List<List<String>>> answers =
          client.submit(
              () -> {
                List<List<String>> seen = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                  seen.add(offered());
                }
                return seen;
              });
      for (int i = 0; !answers.isDone(); i++) {
        Fixtures.replace(file, i % 2 == 0 ? two : one);
        server.reloadNow();
      }

      List<List<String>> seen = answers.get();
      assertThat(seen)
          .allSatisfy(
              offers ->
                  assertThat(offers)
                      .isIn(List.of("blob:1.0", "data:1.0"), List.of("blob:2.0", "data:2.0")));
      assertThat(seen).contains(List.of("blob:2.0", "data:2.0"));
    } finally {
      client.shutdownNow();
    }
  }

  /** A catalog of {@code product} with one release of each update type {@code t0}, {@code t1}... */
  private static String catalogOf(String product, int updateTypes) {
    StringBuilder sb = new StringBuilder("{\"releases\": [");
    for (int i = 0; i < updateTypes; i++) {
      sb.append(i == 0 ? "\n" : ",\n")
          .append("  {\"product\": \"")
          .append(product)
          .append("\", \"update_type\": \"t")
          .append(i)
          .append("\", \"version\": \"1.0\", \"url\": \"files/t")
          .append(i)
          .append("\", \"hash_function\": \"sha512\", \"hash_value\": \"")
          .append("ab".repeat(64))
          .append("\", \"size\": 10}");
    }
    return sb.append("\n]}\n").toString();
  }

  @Test
  void start_productWithMoreUpdateTypesThanARequestIdCanName_failsAsAnInvalidCatalog()
      throws Exception {
    Path many = Files.writeString(dir.resolve("catalog.json"), catalogOf("your_app", 19));
    AppUpdateServer s = Fixtures.demoServer(dir).catalog(many).build();

    assertThatThrownBy(s::start)
        .isInstanceOfSatisfying(
            CatalogException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Object::toString)
                    .containsExactly(
                        "releases[18].update_type: product your_app has 19 update types, more"
                            + " than the 18 that one request id can name for it: the product"
                            + " name's length (8) plus 6 per update type must be at most 116"));
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void start_productNameTooLongForAnyRequestId_failsAsAnInvalidCatalog() throws Exception {
    String product = "p".repeat(120);
    Path longName = Files.writeString(dir.resolve("catalog.json"), catalogOf(product, 1));
    AppUpdateServer s = Fixtures.demoServer(dir).catalog(longName).build();

    assertThatThrownBy(s::start)
        .isInstanceOfSatisfying(
            CatalogException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Object::toString)
                    .containsExactly(
                        "releases[0].update_type: product "
                            + product
                            + " has 1 update type, more than the 0 that one request id can name"
                            + " for it: the product name's length (120) plus 6 per update type"
                            + " must be at most 116"));
  }

  @Test
  void start_productAtTheRequestIdLimit_servesAllItsOffers() throws Exception {
    start(catalogOf("your_app", 18));

    assertThat(offered()).hasSize(18);
  }

  @Test
  void reloadNow_productOverTheRequestIdLimit_keepsTheOldCatalogAndHealthzSaysWhy()
      throws Exception {
    start(catalog("data:1.0"));
    Files.writeString(file, catalogOf("your_app", 20));

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      assertThat(server.reloadNow()).isFalse();
      assertThat(warnings(log)).singleElement().asString().contains("20 update types");
    }

    assertThat(offered()).containsExactly("data:1.0");
    assertThat(health())
        .contains(
            "\"last_catalog_error\":\"invalid catalog catalog.json: 1 problem:"
                + " releases[18].update_type: product your_app has 20 update types");
  }

  @Test
  void healthz_catalogErrors_nameTheFileButNeverItsDirectory() throws Exception {
    start(catalog("data:1.0"));
    Files.writeString(file, "{\"releases\": 7}");
    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      assertThat(server.reloadNow()).isFalse();
      assertThat(warnings(log)).singleElement().asString().contains(file.toString());
    }

    assertThat(health()).contains("invalid catalog catalog.json").doesNotContain(dir.toString());
  }
}
