package dev.appupdate.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.signature.SigningKey;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** An offer not newer than the installed version the request sent is refused, keys or not. */
class RollbackTest {
  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().http2PlainDisabled(true))
          .build();

  private static final String DATA_TYPE = "my_important_data";
  private static final String BLOB_TYPE = "my_important_binary_blob";
  private static final byte[] DATA = Fixtures.payload(3_000, 41);
  private static final byte[] BLOB = Fixtures.payload(4_000, 42);

  @TempDir Path dir;

  private final FakeTime time = new FakeTime();

  private AvailableUpdate data(String version) {
    return Fixtures.offer(DATA_TYPE, version, DATA, URI.create(server.baseUrl() + "/files/data"));
  }

  private AvailableUpdate blob() {
    return Fixtures.offer(BLOB_TYPE, "2.0", BLOB, URI.create(server.baseUrl() + "/files/blob"));
  }

  /** A client whose request says {@code my_important_data} {@code installed} is installed. */
  private UpdateClient.Builder client(String installed) {
    UpdateRequest request = Fixtures.request().installed(DATA_TYPE, installed).build();
    return Fixtures.client(server.baseUrl(), time, request).retryPolicy(Fixtures.threeAttempts());
  }

  private void offering(AvailableUpdate... offers) {
    server.stubFor(
        post("/v1/update")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(Signing.responseJson(offers))));
    server.stubFor(get("/files/data").willReturn(aResponse().withStatus(200).withBody(DATA)));
    server.stubFor(get("/files/blob").willReturn(aResponse().withStatus(200).withBody(BLOB)));
    server.stubFor(post("/v1/completion").willReturn(aResponse().withStatus(204)));
  }

  @ParameterizedTest(name = "installed {0}, offered {1}")
  @CsvSource({"2.0, 1.0", "2.0, 2.0", "2.0, 2.0.0", "2.0, 2.0pre1", "1.0, 1.0-beta"})
  void check_offerNotNewerThanInstalled_isRefusedWithoutKeys(String installed, String offered)
      throws IOException {
    offering(data(offered));

    CheckResult result = client(installed).build().check();

    assertThat(result.offers()).isEmpty();
    assertThat(result.hasUpdates()).isFalse();
    assertThat(result.refused())
        .extracting(RefusedOffer::offer, RefusedOffer::code, RefusedOffer::reason)
        .containsExactly(
            Tuple.tuple(
                data(offered),
                FailureCode.OTHER,
                "rollback refused: "
                    + offered
                    + " is not newer than the installed "
                    + installed));
  }

  @ParameterizedTest(name = "installed {0}, offered {1}")
  @CsvSource({"2.0, 2.0.1", "1.0pre1, 1.0", "1.9, 1.10"})
  void check_newerOffer_isKept(String installed, String offered) throws IOException {
    offering(data(offered));

    CheckResult result = client(installed).build().check();

    assertThat(result.offers()).containsExactly(data(offered));
    assertThat(result.refused()).isEmpty();
  }

  @Test
  void update_rollbackOffer_isReportedAndNotDownloadedWhileTheOtherInstalls() throws IOException {
    offering(data("1.0"), blob());
    List<DownloadedUpdate> installed = new ArrayList<>();

    UpdateSummary summary = client("2.0").build().update(dir, installed::add);

    String reason = "rollback refused: 1.0 is not newer than the installed 2.0";
    assertThat(summary.entries())
        .extracting(UpdateSummary.Entry::updateType, UpdateSummary.Entry::outcome)
        .containsExactly(
            Tuple.tuple(DATA_TYPE, Outcome.failed("1.0", FailureCode.OTHER, reason)),
            Tuple.tuple(BLOB_TYPE, Outcome.success("2.0")));
    assertThat(installed).extracting(d -> d.offer().updateType()).containsExactly(BLOB_TYPE);
    server.verify(0, getRequestedFor(urlEqualTo("/files/data")));
    assertThat(Fixtures.files(dir)).containsExactly(Fixtures.finalName(BLOB_TYPE, "2.0"));
    var reports = server.findAll(postRequestedFor(urlEqualTo("/v1/completion")));
    Map<String, Outcome> reported =
        ServerCodec.create().decodeCompletionReport(reports.get(0).getBody()).updates();
    assertThat(reported.get(DATA_TYPE)).isEqualTo(Outcome.failed("1.0", FailureCode.OTHER, reason));
  }

  @Test
  void check_genuinelySignedOldRelease_isStillRefusedAsRollback() throws IOException {
    SigningKey key = Signing.newKey();
    offering(Signing.signed("your_app", data("1.0"), key));

    CheckResult result = client("2.0").trustedReleaseKeys(key.publicKey()).build().check();

    assertThat(result.refused())
        .extracting(RefusedOffer::code, RefusedOffer::reason)
        .containsExactly(
            Tuple.tuple(
                FailureCode.OTHER, "rollback refused: 1.0 is not newer than the installed 2.0"));
  }

  @Test
  void check_unsignedRollback_isRefusedForItsSignatureFirst() throws IOException {
    SigningKey key = Signing.newKey();
    offering(data("1.0"));

    CheckResult result = client("2.0").trustedReleaseKeys(key.publicKey()).build().check();

    assertThat(result.refused())
        .extracting(RefusedOffer::code)
        .containsExactly(FailureCode.BAD_SIGNATURE);
  }
}
