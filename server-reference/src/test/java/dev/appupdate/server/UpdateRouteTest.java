package dev.appupdate.server;

import static dev.appupdate.server.Fixtures.SEED_REQUEST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.ClientCodec;
import dev.appupdate.protocol.UpdateResponse;
import dev.appupdate.protocol.requestid.RequestIdClaims;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateRouteTest {
  @TempDir Path dir;
  private AppUpdateServer server;

  @BeforeEach
  void start() throws Exception {
    server = Fixtures.demoServer(dir).build();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private UpdateResponse seedResponse() throws Exception {
    HttpResponse<String> r = Fixtures.postJson(server, "/v1/update", SEED_REQUEST);
    assertThat(r.statusCode()).isEqualTo(200);
    return ClientCodec.create().decodeUpdateResponse(r.body().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void update_seedRequest_offersBothDemoUpdatesUnderAVerifiableRequestId() throws Exception {
    HttpResponse<String> r = Fixtures.postJson(server, "/v1/update", SEED_REQUEST);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    UpdateResponse response =
        ClientCodec.create().decodeUpdateResponse(r.body().getBytes(StandardCharsets.UTF_8));
    assertThat(response.availableUpdates())
        .containsExactlyElementsOf(Fixtures.demoOffers(server.publicUrl()));
    assertThat(response.rejected()).isEmpty();
    assertThat(response.requestId()).hasSize(70);
    RequestIdClaims claims = server.requestIds().verify(response.requestId());
    assertThat(claims.product()).isEqualTo("your_app");
    assertThat(claims.offered("my_important_data", "1.0")).isTrue();
    assertThat(claims.offered("my_important_binary_blob", "2.0")).isTrue();
  }

  @Test
  void update_seedRequest_offeredUrlsDownloadTheBytesTheOffersDescribe() throws Exception {
    List<AvailableUpdate> offers = seedResponse().availableUpdates();

    assertThat(offers).hasSize(2);
    for (AvailableUpdate offer : offers) {
      assertThat(offer.url().toString())
          .startsWith("http://127.0.0.1:" + server.port() + "/files/");
      byte[] bytes = Fixtures.download(offer.url());
      assertThat(bytes).as(offer.updateType()).hasSize((int) offer.size());
      assertThat(Fixtures.sha512(bytes)).as(offer.updateType()).isEqualTo(offer.hashValue());
    }
  }

  @Test
  void update_installedUpToDate_isOfferedOnlyWhatIsNewer() throws Exception {
    HttpResponse<String> r =
        Fixtures.postJson(
            server,
            "/v1/update",
            SEED_REQUEST.replace(
                "}", ",\"installed\":{\"my_important_data\":\"1.0.0\"}}"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(
            ClientCodec.create()
                .decodeUpdateResponse(r.body().getBytes(StandardCharsets.UTF_8))
                .availableUpdates())
        .extracting(AvailableUpdate::updateType)
        .containsExactly("my_important_binary_blob");
  }

  @Test
  void update_nothingOffered_answers204WithoutBody() throws Exception {
    HttpResponse<String> r =
        Fixtures.postJson(server, "/v1/update", SEED_REQUEST.replace("your_app", "other_app"));

    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(r.body()).isEmpty();
  }

  @Test
  void update_withoutContentType_isAccepted() throws Exception {
    assertThat(Fixtures.post(server, "/v1/update", null, SEED_REQUEST).statusCode()).isEqualTo(200);
  }

  @Test
  void update_jsonWithUtf8Charset_isAccepted() throws Exception {
    assertThat(
            Fixtures.post(server, "/v1/update", "application/json; charset=UTF-8", SEED_REQUEST)
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void update_structuredJsonSuffix_isAccepted() throws Exception {
    assertThat(
            Fixtures.post(server, "/v1/update", "application/vnd.appupdate+json", SEED_REQUEST)
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void update_formPostCarryingRawJson_isAccepted() throws Exception {
    assertThat(Fixtures.post(server, "/v1/update", JsonBody.FORM, SEED_REQUEST).statusCode())
        .isEqualTo(200);
  }

  @Test
  void update_formPostCarryingPercentEncodedJson_isAccepted() throws Exception {
    String encoded = URLEncoder.encode(SEED_REQUEST, StandardCharsets.UTF_8);

    assertThat(Fixtures.post(server, "/v1/update", JsonBody.FORM, encoded).statusCode())
        .isEqualTo(200);
  }

  @Test
  void update_formPostWithBrokenEscape_is400() throws Exception {
    HttpResponse<String> r = Fixtures.post(server, "/v1/update", JsonBody.FORM, "%7B%2");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("neither a JSON document nor a percent-encoded one");
  }

  @Test
  void update_textPlain_is415NamingTheType() throws Exception {
    HttpResponse<String> r = Fixtures.post(server, "/v1/update", "text/plain", SEED_REQUEST);

    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.body())
        .contains("\"status\":415")
        .contains("content type \\\"text/plain\\\" is not accepted; send application/json");
  }

  @Test
  void update_jsonInLatin1_is415() throws Exception {
    HttpResponse<String> r =
        Fixtures.post(server, "/v1/update", "application/json; charset=ISO-8859-1", SEED_REQUEST);

    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(r.body()).contains("charset \\\"ISO-8859-1\\\" is not accepted");
  }

  @Test
  void update_invalidFields_is400ListingEachField() throws Exception {
    HttpResponse<String> r =
        Fixtures.postJson(
            server,
            "/v1/update",
            "{\"product\":\"your app\",\"version\":1.5,\"locale\":\"en-US\"}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(r.body())
        .contains("\"errors\":[")
        .contains("{\"field\":\"product\",\"message\":\"must start with a letter or digit")
        .contains("{\"field\":\"version\",\"message\":\"must be a string or an integer, got 1.5\"}")
        .contains("{\"field\":\"platform\",\"message\":\"is required\"}");
  }

  @Test
  void update_get_is405AllowingPost() throws Exception {
    HttpResponse<String> r = Fixtures.get(server, "/v1/update");

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).hasValue("POST");
    assertThat(r.body()).contains("/v1/update\\\" does not accept GET; use POST");
  }

  @Test
  void update_catalogSwapped_nextRequestSeesTheNewOffers() throws Exception {
    server.catalog().install(Fixtures.snapshot(request -> List.of(Fixtures.BLOB), 1));

    HttpResponse<String> r = Fixtures.postJson(server, "/v1/update", SEED_REQUEST);

    assertThat(r.body()).contains("my_important_binary_blob").doesNotContain("my_important_data");
  }

  @Test
  void update_offersBeyondTheRequestIdLimit_is500WithAGenericDetailAndTheLimitInTheLog()
      throws Exception {
    List<AvailableUpdate> many = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      many.add(
          AvailableUpdate.builder()
              .updateType("type_" + i)
              .url(Fixtures.DATA.url())
              .hashFunction(Fixtures.DATA.hashFunction())
              .hashValue(Fixtures.DATA.hashValue())
              .size(246)
              .version("1.0")
              .build());
    }
    server.catalog().install(Fixtures.snapshot(request -> many, 30));

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      HttpResponse<String> r = Fixtures.postJson(server, "/v1/update", SEED_REQUEST);

      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(r.body())
          .contains("\"detail\":\"the server cannot issue a request id for this response\"")
          .doesNotContain("198")
          .doesNotContain("type_");
      assertThat(log.messages())
          .anySatisfy(
              m ->
                  assertThat(m)
                      .startsWith(
                          "SEVERE cannot issue a request id for the offers to product your_app: ")
                      .contains("more than the limit of 198"));
    }
  }

  @Test
  void update_failingCatalog_is500ProblemAndTheServerKeepsServing() throws Exception {
    server
        .catalog()
        .install(
            Fixtures.snapshot(
                request -> {
                  throw new IllegalStateException("catalog bug");
                },
                1));

    try (LogCapture log = new LogCapture("dev.appupdate.server")) {
      HttpResponse<String> r = Fixtures.postJson(server, "/v1/update", SEED_REQUEST);

      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(r.body())
          .contains("the server failed to handle this request")
          .doesNotContain("catalog bug");
      assertThat(log.messages()).contains("SEVERE request failed: POST /v1/update");
    }
    assertThat(Fixtures.get(server, "/healthz").statusCode()).isEqualTo(200);
  }
}
