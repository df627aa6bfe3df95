package dev.appupdate.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.signature.AcceptSignature;
import dev.appupdate.protocol.signature.ContentDigest;
import dev.appupdate.protocol.signature.ResponseSigner;
import dev.appupdate.protocol.signature.SigningKey;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Checks with pinned server keys: signed, fresh answers pass; anything else fails the check. */
class ResponseSignatureTest {
  private static final SigningTransformer SIGNING = new SigningTransformer();

  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().http2PlainDisabled(true).extensions(SIGNING))
          .build();

  private static final SigningKey SERVER_KEY = Signing.newKey();
  private static final byte[] DATA = Fixtures.payload(2_000, 21);

  @TempDir Path dir;

  private final FakeTime time = new FakeTime();

  @BeforeEach
  void reset() {
    SIGNING.reset();
  }

  private URI updateUri() {
    return URI.create(server.baseUrl() + "/v1/update");
  }

  private AvailableUpdate data() {
    return Fixtures.offer(
        "my_important_data", "1.0", DATA, URI.create(server.baseUrl() + "/files/data"));
  }

  /** A client that trusts {@link #SERVER_KEY} only. */
  private UpdateClient pinned() {
    return Fixtures.client(server.baseUrl(), time)
        .retryPolicy(Fixtures.threeAttempts())
        .trustedServerKeys(SERVER_KEY.publicKey())
        .build();
  }

  private void offeringData() {
    server.stubFor(
        post("/v1/update")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(Signing.responseJson(data()))));
    server.stubFor(get("/files/data").willReturn(aResponse().withStatus(200).withBody(DATA)));
    server.stubFor(post("/v1/completion").willReturn(aResponse().withStatus(204)));
  }

  private void signingWith(SigningKey... keys) {
    SIGNING.signWith(ResponseSigner.create(List.of(keys)), updateUri());
  }

  @Test
  void check_signedOffer_isAcceptedAndTheRequestCarriesNonceKeyIdAndContentDigest()
      throws IOException {
    offeringData();
    signingWith(SERVER_KEY);

    CheckResult result = pinned().check();

    assertThat(result.offers()).containsExactly(data());
    LoggedRequest sent = server.findAll(postRequestedFor(urlEqualTo("/v1/update"))).get(0);
    AcceptSignature asked = AcceptSignature.parse(sent.getHeader("Accept-Signature")).orElseThrow();
    assertThat(asked.keyIds()).containsExactly(SERVER_KEY.keyId());
    assertThat(asked.nonce()).hasSize(43);
    assertThat(ContentDigest.parse(sent.getHeader("Content-Digest")).matches(sent.getBody()))
        .isTrue();
  }

  @Test
  void check_signedNoContent_isNoUpdate() throws IOException {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(204)));
    signingWith(SERVER_KEY);

    CheckResult result = pinned().check();

    assertThat(result.isEmpty()).isTrue();
  }

  @Test
  void check_twoChecks_sendAFreshNonceEachTime() throws IOException {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(204)));
    signingWith(SERVER_KEY);
    UpdateClient client = pinned();

    client.check();
    client.check();

    List<String> nonces = new ArrayList<>();
    for (LoggedRequest r : server.findAll(postRequestedFor(urlEqualTo("/v1/update")))) {
      nonces.add(AcceptSignature.parse(r.getHeader("Accept-Signature")).orElseThrow().nonce());
    }
    assertThat(nonces).hasSize(2).doesNotHaveDuplicates();
  }

  @Test
  void check_withoutPinnedKeys_asksForNoSignature() throws IOException {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(204)));

    Fixtures.client(server.baseUrl(), time).build().check();

    server.verify(
        postRequestedFor(urlEqualTo("/v1/update"))
            .withHeader("Accept-Signature", absent())
            .withHeader("Content-Digest", absent()));
  }

  @Test
  void check_unsignedOffer_failsAsServerErrorWithoutRetrying() {
    offeringData();

    assertThatThrownBy(() -> pinned().check())
        .isInstanceOfSatisfying(
            UpdateServerException.class, e -> assertThat(e.status()).isEqualTo(200))
        .hasMessageContaining("without a valid signature by a trusted server key")
        .hasMessageContaining("not signed")
        .hasMessageContaining("--response-key");
    server.verify(1, postRequestedFor(urlEqualTo("/v1/update")));
  }

  @Test
  void check_unsignedNoContent_failsInsteadOfMeaningNoUpdate() {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(204)));

    assertThatThrownBy(() -> pinned().check())
        .isInstanceOfSatisfying(
            UpdateServerException.class, e -> assertThat(e.status()).isEqualTo(204))
        .hasMessageContaining("not signed");
  }

  @Test
  void update_unsignedAnswer_downloadsAndReportsNothing() {
    offeringData();

    assertThatThrownBy(() -> pinned().update(dir, d -> {}))
        .isInstanceOf(UpdateServerException.class);

    server.verify(0, getRequestedFor(urlPathMatching("/files/.*")));
    server.verify(0, postRequestedFor(urlEqualTo("/v1/completion")));
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void update_signedAnswer_downloadsAndInstalls() throws IOException {
    offeringData();
    signingWith(SERVER_KEY);
    List<DownloadedUpdate> installed = new ArrayList<>();

    UpdateSummary summary = pinned().update(dir, installed::add);

    assertThat(summary.allSucceeded()).isTrue();
    assertThat(summary.entries()).hasSize(1);
    assertThat(installed)
        .extracting(d -> d.offer().updateType())
        .containsExactly("my_important_data");
  }

  @Test
  void check_replayedEarlierAnswer_isRefusedAsSignedOverAnotherNonce() throws IOException {
    offeringData();
    signingWith(SERVER_KEY);
    UpdateClient client = pinned();
    client.check();
    SIGNING.replayPrevious();

    assertThatThrownBy(client::check)
        .isInstanceOf(UpdateServerException.class)
        .hasMessageContaining("another nonce");
  }

  @Test
  void check_replayedNoContent_isRefused() throws IOException {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(204)));
    signingWith(SERVER_KEY);
    UpdateClient client = pinned();
    client.check();
    SIGNING.replayPrevious();

    assertThatThrownBy(client::check)
        .isInstanceOf(UpdateServerException.class)
        .hasMessageContaining("another nonce");
  }

  @Test
  void check_signatureOverAnotherRequestBody_isRefused() {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(204)));
    signingWith(SERVER_KEY);
    SIGNING.bindToAnotherRequest();

    assertThatThrownBy(() -> pinned().check())
        .isInstanceOf(UpdateServerException.class)
        .hasMessageContaining("does not verify");
  }

  @Test
  void check_signatureForAnotherUrl_isRefused() {
    server.stubFor(post("/v1/update").willReturn(aResponse().withStatus(204)));
    SIGNING.signWith(
        ResponseSigner.create(List.of(SERVER_KEY)),
        URI.create("https://updates.example.com/v1/update"));

    assertThatThrownBy(() -> pinned().check())
        .isInstanceOf(UpdateServerException.class)
        .hasMessageContaining("does not verify");
  }

  @Test
  void check_signedByUnknownKey_isRefusedNamingTheKey() {
    offeringData();
    SigningKey unknown = Signing.newKey();
    signingWith(unknown);

    assertThatThrownBy(() -> pinned().check())
        .isInstanceOf(UpdateServerException.class)
        .hasMessageContaining("not trusted: " + unknown.keyId())
        .hasMessageContaining(SERVER_KEY.keyId())
        .hasMessageNotContaining("--response-key");
  }

  @Test
  void check_bodyChangedAfterSigning_isRefused() {
    offeringData();
    signingWith(SERVER_KEY);
    SIGNING.tamperWith(
        body ->
            new String(body, StandardCharsets.UTF_8)
                .replace("\"1.0\"", "\"9.0\"")
                .getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(() -> pinned().check())
        .isInstanceOf(UpdateServerException.class)
        .hasMessageContaining("Content-Digest");
    server.verify(0, getRequestedFor(urlPathMatching("/files/.*")));
  }

  @Test
  void check_rotation_answerSignedByOldAndNewKeyPassesAClientTrustingOnlyTheNew()
      throws IOException {
    offeringData();
    SigningKey old = Signing.newKey();
    signingWith(old, SERVER_KEY);

    CheckResult result = pinned().check();

    assertThat(result.offers()).containsExactly(data());
  }

  @Test
  void check_rotation_clientTrustingOldAndNewAcceptsTheNewKeyAlone() throws IOException {
    offeringData();
    SigningKey old = Signing.newKey();
    signingWith(SERVER_KEY);
    UpdateClient client =
        Fixtures.client(server.baseUrl(), time)
            .trustedServerKeys(old.publicKey(), SERVER_KEY.publicKey())
            .build();

    CheckResult result = client.check();

    assertThat(result.offers()).containsExactly(data());
    LoggedRequest sent = server.findAll(postRequestedFor(urlEqualTo("/v1/update"))).get(0);
    assertThat(AcceptSignature.parse(sent.getHeader("Accept-Signature")).orElseThrow().keyIds())
        .containsExactly(old.keyId(), SERVER_KEY.keyId());
  }

  @Test
  void check_problemAnswer_staysAnErrorWithItsStatus() {
    server.stubFor(
        post("/v1/update")
            .willReturn(
                aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/problem+json")
                    .withBody(
                        "{\"type\":\"about:blank\",\"title\":\"Bad Request\",\"status\":400,"
                            + "\"detail\":\"version is required\"}")));
    signingWith(SERVER_KEY);

    assertThatThrownBy(() -> pinned().check())
        .isInstanceOfSatisfying(
            UpdateServerException.class, e -> assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("version is required");
    server.verify(1, anyRequestedFor(urlEqualTo("/v1/update")));
  }
}
