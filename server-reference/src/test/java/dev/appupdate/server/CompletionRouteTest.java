package dev.appupdate.server;

import static dev.appupdate.server.Fixtures.completion;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.protocol.ClientCodec;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.requestid.RequestIds;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionRouteTest {
  private static final Instant T0 = Instant.parse("2025-06-01T10:00:00Z");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final RecordingDisk disk = new RecordingDisk();
  private AppUpdateServer server;

  @BeforeEach
  void start() throws Exception {
    server = Fixtures.demoServer(dir).clock(clock).disk(disk).build();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String requestId() throws Exception {
    HttpResponse<String> r = Fixtures.postJson(server, "/v1/update", Fixtures.SEED_REQUEST);
    return ClientCodec.create()
        .decodeUpdateResponse(r.body().getBytes(StandardCharsets.UTF_8))
        .requestId();
  }

  private List<CompletionRecord> logged() throws Exception {
    ServerJson json = new ServerJson();
    List<CompletionRecord> records = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("data").resolve(JsonlCompletionStore.NAME))) {
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      records.add(json.readCompletionLine(b, 0, b.length));
    }
    return records;
  }

  @Test
  void completion_ofOfferedUpdates_is204AndRecordedOnDiskWithProductFromTheId() throws Exception {
    String id = requestId();
    clock.advance(Duration.ofMinutes(5));
    String body =
        "{\"request_id\":\""
            + id
            + "\",\"updates\":{"
            + "\"my_important_data\":{\"status\":\"success\",\"version\":\"1.0\"},"
            + "\"my_important_binary_blob\":{\"status\":\"failed\",\"version\":\"2.0\","
            + "\"reason\":\"bad checksum\",\"hash_function\":\"sha512\",\"hash_value\":\"abc123\","
            + "\"size\":1234}}}";

    HttpResponse<String> r = Fixtures.postJson(server, "/v1/completion", body);

    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(logged())
        .containsExactly(
            new CompletionRecord(
                T0.plus(Duration.ofMinutes(5)),
                id,
                "your_app",
                T0,
                "my_important_data",
                Outcome.success("1.0")),
            new CompletionRecord(
                T0.plus(Duration.ofMinutes(5)),
                id,
                "your_app",
                T0,
                "my_important_binary_blob",
                Outcome.failed("2.0", FailureCode.BAD_CHECKSUM, "bad checksum")
                    .withObserved(HashFunction.SHA512, "abc123", 1234L)));
  }

  @Test
  void completion_logLine_isSelfContainedJson() throws Exception {
    String id = requestId();

    Fixtures.postJson(
        server, "/v1/completion", completion(id, "my_important_data", "success", "1.0"));

    assertThat(Files.readString(dir.resolve("data").resolve(JsonlCompletionStore.NAME)))
        .isEqualTo(
            "{\"received_at\":\"2025-06-01T10:00:00Z\",\"request_id\":\""
                + id
                + "\",\"product\":\"your_app\",\"issued_at\":\"2025-06-01T10:00:00Z\","
                + "\"update_type\":\"my_important_data\",\"status\":\"success\","
                + "\"version\":\"1\",\"reported_version\":\"1.0\"}\n");
  }

  @Test
  void completion_logLine_recordsCanonicalVersionAndFailureCode() throws Exception {
    String id = requestId();

    Fixtures.postJson(
        server,
        "/v1/completion",
        "{\"request_id\": \"" + id + "\", \"updates\": {\"my_important_binary_blob\":"
            + " {\"status\": \"failed\", \"version\": \"2.0.0\", \"code\": \"size_mismatch\","
            + " \"reason\": \"size mismatch\"}}}");

    assertThat(Files.readString(dir.resolve("data").resolve(JsonlCompletionStore.NAME)))
        .contains(
            "\"status\":\"failed\",\"version\":\"2\",\"code\":\"size_mismatch\","
                + "\"reason\":\"size mismatch\",\"reported_version\":\"2.0.0\"}\n");
  }

  @Test
  void completion_withoutCodeFromAnOlderClient_isRecordedWithTheDerivedCode() throws Exception {
    String id = requestId();

    HttpResponse<String> r =
        Fixtures.postJson(
            server,
            "/v1/completion",
            "{\"request_id\": \"" + id + "\", \"updates\": {\"my_important_binary_blob\":"
                + " {\"status\": \"failed\", \"version\": \"2.0\", \"reason\": \"bad checksum\"}}}");

    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(Files.readString(dir.resolve("data").resolve(JsonlCompletionStore.NAME)))
        .contains("\"code\":\"bad_checksum\",\"reason\":\"bad checksum\"");
  }

  @Test
  void completion_withAnUnknownCode_is204AndRecordedAsOther() throws Exception {
    String id = requestId();

    HttpResponse<String> r =
        Fixtures.postJson(
            server,
            "/v1/completion",
            "{\"request_id\": \"" + id + "\", \"updates\": {\"my_important_binary_blob\":"
                + " {\"status\": \"failed\", \"version\": \"2.0\", \"code\": \"gremlins\","
                + " \"reason\": \"gremlins\"}}}");

    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(Files.readString(dir.resolve("data").resolve(JsonlCompletionStore.NAME)))
        .contains("\"code\":\"other\",\"reason\":\"gremlins\"");
  }

  @Test
  void completion_repeated_is204AndRecordedOnce() throws Exception {
    String id = requestId();
    String body = completion(id, "my_important_data", "success", "1.0");

    assertThat(Fixtures.postJson(server, "/v1/completion", body).statusCode()).isEqualTo(204);
    assertThat(Fixtures.postJson(server, "/v1/completion", body).statusCode()).isEqualTo(204);
    assertThat(
            Fixtures.postJson(
                    server, "/v1/completion", completion(id, "my_important_data", "failed", "1.0"))
                .statusCode())
        .isEqualTo(204);

    assertThat(logged()).hasSize(1);
    assertThat(logged().get(0).outcome()).isEqualTo(Outcome.success("1.0"));
  }

  @Test
  void completion_repeatedAfterRestart_isRecordedOnce() throws Exception {
    String id = requestId();
    String body = completion(id, "my_important_data", "success", "1.0");
    Fixtures.postJson(server, "/v1/completion", body);
    server.close();
    server = Fixtures.demoServer(dir).clock(clock).build();
    server.start();

    assertThat(Fixtures.postJson(server, "/v1/completion", body).statusCode()).isEqualTo(204);

    assertThat(logged()).hasSize(1);
  }

  @Test
  void completion_forgedRequestId_is422SayingSo() throws Exception {
    String forged =
        RequestIds.create(new byte[32], clock, Duration.ofDays(30))
            .issue("your_app", Fixtures.DEMO_OFFERS);

    HttpResponse<String> r =
        Fixtures.postJson(
            server, "/v1/completion", completion(forged, "my_important_data", "success", "1.0"));

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.body())
        .contains("\"title\":\"Unprocessable Content\"")
        .contains("request_id was not issued by this server")
        .contains("{\"field\":\"request_id\"");
    assertThat(logged()).isEmpty();
  }

  @Test
  void completion_alteredRequestId_is422Forged() throws Exception {
    char[] id = requestId().toCharArray();
    id[20] = id[20] == 'A' ? 'B' : 'A';

    HttpResponse<String> r =
        Fixtures.postJson(
            server,
            "/v1/completion",
            completion(new String(id), "my_important_data", "success", "1.0"));

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("its MAC does not match this server's key");
  }

  @Test
  void completion_afterRetention_is422Expired() throws Exception {
    String id = requestId();
    clock.advance(Duration.ofDays(30).plusSeconds(1));

    HttpResponse<String> r =
        Fixtures.postJson(
            server, "/v1/completion", completion(id, "my_important_data", "success", "1.0"));

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body())
        .contains(
            "request_id expired at 2025-07-01T10:00:00Z: it was issued at"
                + " 2025-06-01T10:00:00Z");
  }

  @Test
  void completion_updateTypeNotOffered_is422NamingIt() throws Exception {
    String id = requestId();

    HttpResponse<String> r =
        Fixtures.postJson(server, "/v1/completion", completion(id, "blocklist", "success", "1.0"));

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body())
        .contains("\"detail\":\"update_type blocklist was not offered under this request_id\"")
        .contains("{\"field\":\"updates.blocklist\"");
    assertThat(logged()).isEmpty();
  }

  @Test
  void completion_versionNotOffered_is422NamingIt() throws Exception {
    String id = requestId();

    HttpResponse<String> r =
        Fixtures.postJson(
            server, "/v1/completion", completion(id, "my_important_data", "success", "9.0"));

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body())
        .contains("version 9.0 of my_important_data was not offered under this request_id");
  }

  @Test
  void completion_equalVersionSpelledDifferently_is204AndRecordedAsReported() throws Exception {
    String id = requestId();

    HttpResponse<String> r =
        Fixtures.postJson(
            server, "/v1/completion", completion(id, "my_important_data", "success", "1.0.0"));

    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(logged())
        .extracting(CompletionRecord::outcome)
        .containsExactly(Outcome.success("1.0.0"));
  }

  @Test
  void completion_oneOfTwoNotOffered_recordsNothing() throws Exception {
    String id = requestId();
    String body =
        "{\"request_id\":\""
            + id
            + "\",\"updates\":{"
            + "\"my_important_data\":{\"status\":\"success\",\"version\":\"1.0\"},"
            + "\"blocklist\":{\"status\":\"success\",\"version\":\"1.0\"}}}";

    assertThat(Fixtures.postJson(server, "/v1/completion", body).statusCode()).isEqualTo(422);
    assertThat(logged()).isEmpty();
  }

  @Test
  void completion_malformedRequestId_is422Malformed() throws Exception {
    HttpResponse<String> r =
        Fixtures.postJson(
            server, "/v1/completion", completion("xyz321", "my_important_data", "success", "1.0"));

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("request_id is malformed");
  }

  @Test
  void completion_failedWithoutReason_is400() throws Exception {
    String body =
        "{\"request_id\":\""
            + requestId()
            + "\",\"updates\":{"
            + "\"my_important_data\":{\"status\":\"failed\",\"version\":\"1.0\"}}}";

    HttpResponse<String> r = Fixtures.postJson(server, "/v1/completion", body);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body())
        .contains(
            "{\"field\":\"updates.my_important_data.reason\","
                + "\"message\":\"is required when status is failed\"}");
  }

  @Test
  void completion_get_is405AllowingPost() throws Exception {
    HttpResponse<String> r = Fixtures.get(server, "/v1/completion");

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void completion_textPlain_is415() throws Exception {
    assertThat(
            Fixtures.post(
                    server,
                    "/v1/completion",
                    "text/plain",
                    completion(requestId(), "my_important_data", "success", "1.0"))
                .statusCode())
        .isEqualTo(415);
  }

  @Test
  void completion_logOnDisk_endsEveryRecordWithNewline() throws Exception {
    String id = requestId();
    Fixtures.postJson(
        server, "/v1/completion", completion(id, "my_important_data", "success", "1.0"));
    Fixtures.postJson(
        server, "/v1/completion", completion(id, "my_important_binary_blob", "success", "2.0"));

    byte[] log = Files.readAllBytes(dir.resolve("data").resolve(JsonlCompletionStore.NAME));

    assertThat(log[log.length - 1]).isEqualTo((byte) '\n');
    assertThat(Arrays.asList(new String(log, StandardCharsets.UTF_8).split("\n"))).hasSize(2);
  }

  @Test
  void completion_logUnwritable_is503AskingToRetry() throws Exception {
    String id = requestId();
    server.completions().close();

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      HttpResponse<String> r =
          Fixtures.postJson(
              server, "/v1/completion", completion(id, "my_important_data", "success", "1.0"));

      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).hasValue("30");
      assertThat(r.body()).contains("the completion could not be recorded; report again later");
      assertThat(log.messages())
          .contains("SEVERE completion not recorded: the completion log is closed");
    }
  }

  @Test
  void completion_moreUpdatesThanOffered_is422BeforeAnyTagIsChecked() throws Exception {
    String id = requestId(); // two offers
    String body =
        "{\"request_id\":\""
            + id
            + "\",\"updates\":{"
            + "\"my_important_data\":{\"status\":\"success\",\"version\":\"1.0\"},"
            + "\"my_important_binary_blob\":{\"status\":\"success\",\"version\":\"2.0\"},"
            + "\"guess\":{\"status\":\"success\",\"version\":\"1.0\"}}}";

    HttpResponse<String> r = Fixtures.postJson(server, "/v1/completion", body);

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body())
        .contains(
            "\"detail\":\"the report names 3 updates, but only 2 were offered under this"
                + " request_id\"")
        .contains("\"errors\":[{\"field\":\"updates\",")
        .as("no entry is singled out: which guesses passed stays unknown")
        .doesNotContain("updates.my_important_data")
        .doesNotContain("updates.guess");
    assertThat(logged()).isEmpty();
  }

  @Test
  void completion_as204_waitsForTheForce_aFailedForceIs503AndRecordsNothing() throws Exception {
    String id = requestId();
    String body = completion(id, "my_important_data", "success", "1.0");
    disk.clear();
    disk.failNextForces(1);

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      HttpResponse<String> r = Fixtures.postJson(server, "/v1/completion", body);

      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After")).hasValue("30");
      assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("(injected)"));
    }
    assertThat(logged()).isEmpty();
    assertThat(disk.events()).containsExactly("failed force(false)", "force(true)");

    assertThat(Fixtures.postJson(server, "/v1/completion", body).statusCode()).isEqualTo(204);
    assertThat(logged()).hasSize(1);
  }

  @Test
  void completion_moreThanTheServerRemembers_is503AndLogged() throws Exception {
    server.close();
    server = Fixtures.demoServer(dir).clock(clock).maxCompletionKeys(1).build();
    server.start();
    Fixtures.postJson(
        server, "/v1/completion", completion(requestId(), "my_important_data", "success", "1.0"));

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      HttpResponse<String> r =
          Fixtures.postJson(
              server,
              "/v1/completion",
              completion(requestId(), "my_important_data", "success", "1.0"));

      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Retry-After"))
          .hasValue(Integer.toString(JsonlCompletionStore.RETRY_AFTER_SECONDS));
      assertThat(r.body()).contains("completions are not recorded for now; report again later");
      assertThat(log.messages())
          .anySatisfy(
              m -> assertThat(m).contains("the most allowed").contains("--max-completion-keys"));
    }
    assertThat(logged()).hasSize(1);
  }

  @Test
  void completion_underTheFreeSpaceWatermark_is503LoggedOnceAMinuteHealthSaysDownThenRecovers()
      throws Exception {
    server.close();
    server = Fixtures.demoServer(dir).clock(clock).disk(disk).minFreeSpace(1 << 20).build();
    server.start();
    disk.usableSpace(1000);

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r =
            Fixtures.postJson(
                server,
                "/v1/completion",
                completion(requestId(), "my_important_data", "success", "1.0"));

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("300");
        assertThat(r.body())
            .contains("completions are not recorded for now; report again later")
            .doesNotContain(dir.toString());
      }
      assertThat(log.messages())
          .filteredOn(m -> m.startsWith("SEVERE"))
          .singleElement()
          .asString()
          .contains("under the watermark of 1048576 (--min-free-space)");
    }
    HttpResponse<String> health = Fixtures.get(server, "/healthz");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body())
        .startsWith("{\"status\":\"degraded\",")
        .contains(
            "\"completion_store\":{\"status\":\"down\",\"reason\":\"the data directory has"
                + " 1000 bytes free, under the watermark of 1048576 (--min-free-space)");
    // The update check never needs the store.
    assertThat(Fixtures.postJson(server, "/v1/update", Fixtures.SEED_REQUEST).statusCode())
        .isEqualTo(200);

    disk.usableSpace(-1);
    assertThat(
            Fixtures.postJson(
                    server,
                    "/v1/completion",
                    completion(requestId(), "my_important_data", "success", "1.0"))
                .statusCode())
        .isEqualTo(204);
    assertThat(Fixtures.get(server, "/healthz").body())
        .contains("\"completion_store\":{\"status\":\"ok\",\"reason\":null}");
    assertThat(logged()).hasSize(1);
  }

  @Test
  void completion_reasonOf1024Emoji_isRecordedCutTo1KiBAsUtf8() throws Exception {
    String emoji = "\uD83D\uDE00";
    String body =
        "{\"request_id\":\""
            + requestId()
            + "\",\"updates\":{\"my_important_data\":{\"status\":\"failed\",\"version\":\"1.0\","
            + "\"code\":\"install_failed\",\"reason\":\""
            + emoji.repeat(1024)
            + "\"}}}";

    assertThat(Fixtures.postJson(server, "/v1/completion", body).statusCode()).isEqualTo(204);

    byte[] file = Files.readAllBytes(dir.resolve("data").resolve(JsonlCompletionStore.NAME));
    assertThat(logged())
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.outcome().reason())
                    .isEqualTo(emoji.repeat(252) + CompletionRoute.TRUNCATED));
    assertThat(new String(file, StandardCharsets.UTF_8)).doesNotContain("\\u");
    // 12.7 KB a record before the cap, with every emoji escaped as two \\uXXXX.
    assertThat(file.length).isBetween(1024, 1500);
  }
}
