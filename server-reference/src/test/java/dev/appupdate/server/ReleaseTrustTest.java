package dev.appupdate.server;

import static dev.appupdate.server.Fixtures.SEED_REQUEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.ClientCodec;
import dev.appupdate.protocol.catalog.CatalogException;
import dev.appupdate.protocol.signature.Ed25519Keys;
import dev.appupdate.protocol.signature.ReleaseSignatures;
import dev.appupdate.protocol.signature.SigningKey;
import dev.appupdate.protocol.signature.TrustedKeys;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --trust}: a catalog is served only when a trusted key validly signed every release. */
class ReleaseTrustTest {
  @TempDir Path dir;
  private final SigningKey release = SigningKey.of(Ed25519Keys.generate());
  private final SigningKey other = SigningKey.of(Ed25519Keys.generate());
  private Path file;
  private AppUpdateServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private AppUpdateServer.Builder trusting(String catalogJson) throws Exception {
    file = Files.writeString(dir.resolve("catalog.json"), catalogJson);
    return Fixtures.demoServer(dir)
        .catalog(file)
        .watchCatalog(false)
        .trustedReleaseKeys(release.publicKey());
  }

  private void start(String catalogJson) throws Exception {
    server = trusting(catalogJson).build();
    server.start();
  }

  private String id(SigningKey key) {
    return key.keyId();
  }

  @Test
  void start_releasesNotSignedByATrustedKey_failsListingEachByPositionAndLeavesNoTrace()
      throws Exception {
    // Signed by the trusted key, by another key only, and not at all.
    String json =
        Fixtures.signedCatalog(
            r ->
                r.equals("data:1.0")
                    ? List.of(release)
                    : r.equals("blob:1.0") ? List.of(other) : List.<SigningKey>of(),
            "data:1.0",
            "blob:1.0",
            "blob:2.0");
    AppUpdateServer s = trusting(json).build();
    String trusted = "no valid signature by a trusted release key (" + id(release) + "): ";

    assertThatThrownBy(s::start)
        .isInstanceOfSatisfying(
            CatalogException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Object::toString)
                    .containsExactly(
                        "releases[1].signatures: "
                            + trusted
                            + "signed only by keys that are not trusted: "
                            + id(other),
                        "releases[2].signatures: " + trusted + "not signed"));
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void start_responseKeyIsATrustedReleaseKey_failsSayingTheReleaseKeyMustStayOffline()
      throws Exception {
    java.security.KeyPair pair = Ed25519Keys.generate();
    SigningKey both = SigningKey.of(pair);
    Path keyFile = dir.resolve("release.key");
    Ed25519Keys.write(pair, keyFile, dir.resolve("release.pub"));
    file =
        Files.writeString(
            dir.resolve("catalog.json"),
            Fixtures.signedCatalog(List.of(both), "data:1.0"));
    AppUpdateServer s =
        Fixtures.demoServer(dir)
            .catalog(file)
            .watchCatalog(false)
            .trustedReleaseKeys(release.publicKey(), both.publicKey())
            .responseKeys(keyFile)
            .build();

    assertThatThrownBy(s::start)
        .isInstanceOf(java.io.IOException.class)
        .hasMessageStartingWith(
            "response key file " + keyFile + " holds the release key " + both.keyId())
        .hasMessageContaining("a release key must stay offline");
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void start_embeddedDemoCatalog_isRefusedSinceItIsNotSigned() {
    AppUpdateServer s =
        Fixtures.demoServer(dir).trustedReleaseKeys(release.publicKey()).build();

    assertThatThrownBy(s::start)
        .isInstanceOfSatisfying(
            CatalogException.class,
            e -> {
              assertThat(e.source()).isEqualTo(CatalogFile.DEMO);
              assertThat(e.problems()).hasSize(2).allMatch(p -> p.field().equals("signatures"));
            });
  }

  @Test
  void start_catalogSignedByTheTrustedKey_servesOffersCarryingTheirSignatures() throws Exception {
    start(Fixtures.signedCatalog(List.of(other, release), "data:1.0", "blob:2.0"));

    HttpResponse<String> r = Fixtures.postJson(server, "/v1/update", SEED_REQUEST);

    assertThat(r.statusCode()).isEqualTo(200);
    List<AvailableUpdate> offers =
        ClientCodec.create()
            .decodeUpdateResponse(r.body().getBytes(StandardCharsets.UTF_8))
            .availableUpdates();
    assertThat(offers).hasSize(2);
    for (AvailableUpdate offer : offers) {
      assertThat(
              ReleaseSignatures.verify("your_app", offer, TrustedKeys.of(release.publicKey()))
                  .valid())
          .as(offer.updateType())
          .isTrue();
    }
  }

  @Test
  void explain_withTrust_saysEachReleaseIsSignedAndVerified() throws Exception {
    start(Fixtures.signedCatalog(List.of(other, release), "data:1.0"));

    HttpResponse<String> r = Fixtures.postJson(server, "/v1/explain", SEED_REQUEST);

    assertThat(r.body())
        .isEqualTo(
            "{\"product\":\"your_app\",\"candidates\":[{\"update_type\":\"data\","
                + "\"version\":\"1.0\",\"offered\":true,\"reason\":\"offered\",\"signed_by\":[\""
                + id(other)
                + "\",\""
                + id(release)
                + "\"],\"signature_verified\":true}]}");
  }

  @Test
  void explain_withoutTrust_namesTheSigningKeysButClaimsNoVerification() throws Exception {
    file =
        Files.writeString(
            dir.resolve("catalog.json"), Fixtures.signedCatalog(List.of(other), "data:1.0"));
    server = Fixtures.demoServer(dir).catalog(file).build();
    server.start();

    HttpResponse<String> r = Fixtures.postJson(server, "/v1/explain", SEED_REQUEST);

    assertThat(r.body())
        .contains("\"signed_by\":[\"" + id(other) + "\"]")
        .doesNotContain("signature_verified");
  }

  @Test
  void reload_signedFieldEditedWithoutSigningAgain_keepsTheOldCatalogAndHealthzSaysWhy()
      throws Exception {
    start(Fixtures.signedCatalog(List.of(release), "data:1.0"));
    String signed = Files.readString(file);
    // Another size, and so other bytes, under the old signature.
    Fixtures.replace(file, signed.replace("\"size\": 10", "\"size\": 11"));

    assertThat(server.reloadNow()).isFalse();

    assertThat(Fixtures.postJson(server, "/v1/update", SEED_REQUEST).body())
        .contains("\"size\":10");
    assertThat(Fixtures.get(server, "/healthz").body())
        .contains(
            "invalid catalog catalog.json: 1 problem: releases[0].signatures: no valid signature"
                + " by a trusted release key ("
                + id(release)
                + "): the signature by trusted key "
                + id(release)
                + " does not verify");
  }

  @Test
  void reload_unsignedRelease_keepsTheOldCatalog_signedAgainIsServed() throws Exception {
    start(Fixtures.signedCatalog(List.of(release), "data:1.0"));
    Fixtures.replace(file, Fixtures.catalog("data:1.0", "data:2.0"));

    assertThat(server.reloadNow()).isFalse();
    assertThat(Fixtures.get(server, "/healthz").body())
        .contains("2 problems: releases[0].signatures: ")
        .contains("releases[1].signatures: ");
    assertThat(Fixtures.postJson(server, "/v1/update", SEED_REQUEST).body())
        .contains("\"version\":\"1.0\"");

    Fixtures.replace(file, Fixtures.signedCatalog(List.of(release), "data:1.0", "data:2.0"));

    assertThat(server.reloadNow()).isTrue();
    assertThat(Fixtures.postJson(server, "/v1/update", SEED_REQUEST).body())
        .contains("\"version\":\"2.0\"");
    assertThat(Fixtures.get(server, "/healthz").body()).contains("\"last_catalog_error\":null");
  }
}
