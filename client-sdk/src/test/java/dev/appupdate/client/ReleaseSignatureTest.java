package dev.appupdate.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.signature.Ed25519Keys;
import dev.appupdate.protocol.signature.SigningKey;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Offers checked against pinned release keys before anything is downloaded. */
class ReleaseSignatureTest {
  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().http2PlainDisabled(true))
          .build();

  private static final String PRODUCT = "your_app";
  private static final String DATA_TYPE = "my_important_data";
  private static final String BLOB_TYPE = "my_important_binary_blob";
  private static final byte[] DATA = Fixtures.payload(3_000, 31);
  private static final byte[] BLOB = Fixtures.payload(4_000, 32);
  private static final SigningKey RELEASE_KEY = Signing.newKey();

  @TempDir Path dir;

  private final FakeTime time = new FakeTime();

  private AvailableUpdate data() {
    return Fixtures.offer(DATA_TYPE, "1.0", DATA, URI.create(server.baseUrl() + "/files/data"));
  }

  private AvailableUpdate blob() {
    return Fixtures.offer(BLOB_TYPE, "2.0", BLOB, URI.create(server.baseUrl() + "/files/blob"));
  }

  /** A client of the {@link Fixtures#request()} (your_app) that trusts {@link #RELEASE_KEY}. */
  private UpdateClient pinned() {
    return Fixtures.client(server.baseUrl(), time)
        .retryPolicy(Fixtures.threeAttempts())
        .trustedReleaseKeys(RELEASE_KEY.publicKey())
        .build();
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

  /** The outcomes of the one completion report the server received. */
  private static Map<String, Outcome> reported() {
    var reports = server.findAll(postRequestedFor(urlEqualTo("/v1/completion")));
    assertThat(reports).hasSize(1);
    return ServerCodec.create().decodeCompletionReport(reports.get(0).getBody()).updates();
  }

  @Test
  void update_validSignature_downloadsAndInstalls() throws IOException {
    offering(Signing.signed(PRODUCT, data(), RELEASE_KEY));
    List<DownloadedUpdate> installed = new ArrayList<>();

    UpdateSummary summary = pinned().update(dir, installed::add);

    assertThat(summary.allSucceeded()).isTrue();
    assertThat(installed).extracting(d -> d.offer().updateType()).containsExactly(DATA_TYPE);
    assertThat(Files.readAllBytes(installed.get(0).path())).isEqualTo(DATA);
    assertThat(reported().get(DATA_TYPE)).isEqualTo(Outcome.success("1.0"));
  }

  @Test
  void update_unsignedOffer_isNotDownloadedAndReportedBadSignatureWhileTheOtherInstalls()
      throws IOException {
    offering(data(), Signing.signed(PRODUCT, blob(), RELEASE_KEY));
    List<DownloadedUpdate> installed = new ArrayList<>();

    UpdateSummary summary = pinned().update(dir, installed::add);

    String reason =
        "no signature by a trusted key (the offer is not signed; trusted: "
            + RELEASE_KEY.keyId()
            + ")";
    assertThat(summary.entries())
        .extracting(
            UpdateSummary.Entry::updateType, e -> e.outcome().code(), e -> e.outcome().reason())
        .containsExactly(
            Tuple.tuple(DATA_TYPE, FailureCode.BAD_SIGNATURE, reason),
            Tuple.tuple(BLOB_TYPE, null, null));
    assertThat(reported().get(DATA_TYPE))
        .isEqualTo(Outcome.failed("1.0", FailureCode.BAD_SIGNATURE, reason));
    assertThat(installed).extracting(d -> d.offer().updateType()).containsExactly(BLOB_TYPE);
    server.verify(0, getRequestedFor(urlEqualTo("/files/data")));
    assertThat(Fixtures.files(dir)).containsExactly(Fixtures.finalName(BLOB_TYPE, "2.0"));
  }

  @Test
  void update_signatureByTrustedKeyOverOtherBytes_isNotDownloadedAndNamesTheKey()
      throws IOException {
    // Signed for other bytes, then pointed at these: a catalog edit without re-signing.
    AvailableUpdate signedForOther =
        Signing.signed(
            PRODUCT,
            Fixtures.offer(DATA_TYPE, "1.0", BLOB, URI.create(server.baseUrl() + "/files/data")),
            RELEASE_KEY);
    AvailableUpdate forged =
        data().toBuilder().signatures(signedForOther.signatures()).build();
    offering(forged);

    UpdateSummary summary = pinned().update(dir, d -> {});

    assertThat(summary.entries().get(0).outcome())
        .isEqualTo(
            Outcome.failed(
                "1.0",
                FailureCode.BAD_SIGNATURE,
                "signature by " + RELEASE_KEY.keyId() + " does not verify"));
    server.verify(0, getRequestedFor(urlPathMatching("/files/.*")));
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void update_signatureForAnotherProduct_doesNotVerify() throws IOException {
    offering(Signing.signed("other_app", data(), RELEASE_KEY));

    UpdateSummary summary = pinned().update(dir, d -> {});

    assertThat(summary.entries().get(0).outcome().code()).isEqualTo(FailureCode.BAD_SIGNATURE);
    assertThat(summary.entries().get(0).outcome().reason()).contains("does not verify");
    server.verify(0, getRequestedFor(urlPathMatching("/files/.*")));
  }

  @Test
  void update_signedByAnotherKeyOnly_isNotDownloadedAndNamesBothKeys() throws IOException {
    SigningKey other = Signing.newKey();
    offering(Signing.signed(PRODUCT, data(), other));

    UpdateSummary summary = pinned().update(dir, d -> {});

    assertThat(summary.entries().get(0).outcome())
        .isEqualTo(
            Outcome.failed(
                "1.0",
                FailureCode.BAD_SIGNATURE,
                "no signature by a trusted key (key ids "
                    + other.keyId()
                    + "; trusted: "
                    + RELEASE_KEY.keyId()
                    + ")"));
    server.verify(0, getRequestedFor(urlPathMatching("/files/.*")));
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void update_rotation_signedByOldAndNewKeyPassesAClientTrustingOnlyTheNew() throws IOException {
    SigningKey old = Signing.newKey();
    offering(Signing.signed(PRODUCT, data(), old, RELEASE_KEY));

    UpdateSummary summary = pinned().update(dir, d -> {});

    assertThat(summary.allSucceeded()).isTrue();
    assertThat(summary.entries()).hasSize(1);
  }

  @Test
  void update_rotation_clientTrustingOldAndNewAcceptsAReleaseSignedByTheOldOnly()
      throws IOException {
    SigningKey old = Signing.newKey();
    offering(Signing.signed(PRODUCT, data(), old));
    UpdateClient client =
        Fixtures.client(server.baseUrl(), time)
            .trustedReleaseKeys(old.publicKey(), RELEASE_KEY.publicKey())
            .build();

    UpdateSummary summary = client.update(dir, d -> {});

    assertThat(summary.allSucceeded()).isTrue();
  }

  @Test
  void check_unsignedOffer_isSetAsideAsRefused() throws IOException {
    offering(data(), Signing.signed(PRODUCT, blob(), RELEASE_KEY));

    CheckResult result = pinned().check();

    assertThat(result.offers()).extracting(AvailableUpdate::updateType).containsExactly(BLOB_TYPE);
    assertThat(result.refused())
        .extracting(RefusedOffer::offer, RefusedOffer::code)
        .containsExactly(Tuple.tuple(data(), FailureCode.BAD_SIGNATURE));
    CompletionReport report = result.report().failed(result.refused().get(0)).build();
    assertThat(report.updates().get(DATA_TYPE).code()).isEqualTo(FailureCode.BAD_SIGNATURE);
  }

  @Test
  void check_onlyUnsignedOffers_hasNoUpdates() throws IOException {
    offering(data());

    CheckResult result = pinned().check();

    assertThat(result.isEmpty()).isFalse();
    assertThat(result.hasUpdates()).isFalse();
    assertThat(result.refused()).hasSize(1);
  }

  @Test
  void check_withoutPinnedKeys_unsignedOffersAreDownloadable() throws IOException {
    offering(data());

    CheckResult result = Fixtures.client(server.baseUrl(), time).build().check();

    assertThat(result.offers()).containsExactly(data());
    assertThat(result.refused()).isEmpty();
  }

  @Test
  void download_unsignedOffer_throwsBadSignatureAndTouchesNothing() {
    Path downloads = dir.resolve("downloads");

    assertThatThrownBy(() -> pinned().download(data(), downloads))
        .isInstanceOfSatisfying(
            BadSignatureException.class,
            e -> {
              assertThat(e.reason()).startsWith("no signature by a trusted key");
              assertThat(e.failureCode()).isEqualTo(FailureCode.BAD_SIGNATURE);
              assertThat(e.url()).isEmpty();
            })
        .hasMessageContaining("my_important_data 1.0 not downloaded")
        .hasMessageContaining("not signed");
    assertThat(downloads).doesNotExist();
    server.verify(0, getRequestedFor(urlPathMatching("/files/.*")));
  }

  @Test
  void download_unsignedOfferWhoseFileIsAlreadyInPlace_isStillRefused() throws IOException {
    Path target = Files.createDirectories(dir).resolve(Fixtures.finalName(DATA_TYPE, "1.0"));
    Files.write(target, DATA);

    assertThatThrownBy(() -> pinned().download(data(), dir))
        .isInstanceOf(BadSignatureException.class);
    assertThat(target).hasBinaryContent(DATA);
    server.verify(0, getRequestedFor(urlPathMatching("/files/.*")));
  }

  @Test
  void download_validSignature_downloads() throws IOException {
    AvailableUpdate signed = Signing.signed(PRODUCT, data(), RELEASE_KEY);
    offering(signed);

    DownloadedUpdate d = pinned().download(signed, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(DATA);
  }

  @Test
  void reportBuilder_badSignatureFromDownload_isReportedWithItsCode() throws IOException {
    offering(data());
    UpdateClient client = pinned();
    CheckResult result = client.check();
    AvailableUpdate refused = result.refused().get(0).offer();

    BadSignatureException e =
        assertThrows(BadSignatureException.class, () -> client.download(refused, dir));
    CompletionReport report = result.report().failed(refused, e).build();

    assertThat(report.updates().get(DATA_TYPE).code()).isEqualTo(FailureCode.BAD_SIGNATURE);
    assertThatThrownBy(() -> result.report().succeeded(refused))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refused");
  }

  @Test
  void check_keyGivenAsPemText_isTrusted() throws IOException {
    offering(Signing.signed(PRODUCT, data(), RELEASE_KEY));
    UpdateClient client =
        Fixtures.client(server.baseUrl(), time)
            .trustedReleaseKeys(Ed25519Keys.publicKeyPem(RELEASE_KEY.publicKey()))
            .build();

    CheckResult result = client.check();

    assertThat(result.offers()).hasSize(1);
    assertThat(result.refused()).isEmpty();
  }

  @Test
  void check_keyGivenAsFile_isTrusted() throws IOException {
    offering(Signing.signed(PRODUCT, data(), RELEASE_KEY), blob());
    Path file =
        Files.writeString(
            dir.resolve("release.pub"), Ed25519Keys.publicKeyPem(RELEASE_KEY.publicKey()));
    UpdateClient client =
        Fixtures.client(server.baseUrl(), time).trustedReleaseKeys(file).build();

    CheckResult result = client.check();

    assertThat(result.offers()).extracting(AvailableUpdate::updateType).containsExactly(DATA_TYPE);
    assertThat(result.refused())
        .extracting(r -> r.offer().updateType())
        .containsExactly(BLOB_TYPE);
  }
}
