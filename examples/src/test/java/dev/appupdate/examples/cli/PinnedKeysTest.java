package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.examples.DownloadedFiles;
import dev.appupdate.examples.ServedCatalog;
import dev.appupdate.protocol.signature.Ed25519Keys;
import dev.appupdate.protocol.signature.SigningKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} and {@code update} with pinned keys: {@code --trust} (release keys) and {@code
 * --server-key} (response keys), against a server in the test that signs as protocol v1 says.
 */
class PinnedKeysTest {
  private static final ServedCatalog.Offered DATA =
      ServedCatalog.release("my_important_data", "1.0", 1234, 1);
  private static final ServedCatalog.Offered BLOB =
      ServedCatalog.release("my_important_binary_blob", "2.0", 4321, 2);

  @TempDir Path dir;

  private SigningServer server;
  private SigningKey release;
  private SigningKey response;
  private SigningKey stranger;

  @BeforeEach
  void start() throws IOException {
    server = SigningServer.start();
    release = key("release");
    response = key("response");
    stranger = key("stranger");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A new key pair, written as keygen writes it to NAME.key and NAME.pub. */
  private SigningKey key(String name) throws IOException {
    KeyPair pair = Ed25519Keys.generate();
    Ed25519Keys.write(pair, dir.resolve(name + ".key"), dir.resolve(name + ".pub"));
    return SigningKey.of(pair);
  }

  private String pub(String name) {
    return dir.resolve(name + ".pub").toString();
  }

  private String[] args(String command, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                command,
                "--server", server.baseUrl().toString(),
                "--product", ServedCatalog.PRODUCT,
                "--version", "666",
                "--platform", "macOS",
                "--locale", "en-US"));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  @Test
  void check_serverKeyPinned_signedAnswer_showsTheOffers() {
    server.signWith(response);
    server.answer(new SigningServer.Offer(DATA, release));

    CliRun run = CliRun.run(args("check", "--server-key", pub("response")));

    assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.outLines())
        .hasSize(3)
        .first()
        .asString()
        .startsWith("update_type");
    assertThat(run.outLines().get(1)).startsWith("my_important_data  1.0      1234  no ");
  }

  @Test
  void check_serverKeyPinned_unsignedAnswer_exits3AndPrintsNothing() {
    server.answer(new SigningServer.Offer(DATA, release));

    CliRun run = CliRun.run(args("check", "--server-key", pub("response"), "--json"));

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "appupdate check: "
                + server.baseUrl().resolve("v1/update")
                + " answered HTTP 200 without a valid signature by a trusted server key ("
                + response.keyId()
                + "): the response is not signed: it has no Signature-Input and Signature"
                + " headers; a server signs only when it has a response key (reference server:"
                + " --response-key)\n");
  }

  @Test
  void check_serverKeyPinned_204SignedByAnotherKey_isNotNoUpdate() {
    server.signWith(stranger);
    server.answerNoUpdate();

    CliRun run = CliRun.run(args("check", "--server-key", pub("response")));

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .contains(
            " answered HTTP 204 without a valid signature by a trusted server key",
            "signed only by keys that are not trusted: " + stranger.keyId())
        .doesNotContain("no update available");
  }

  @Test
  void check_serverKeyPinned_signed204_isNoUpdate() {
    server.signWith(response);
    server.answerNoUpdate();

    CliRun run = CliRun.run(args("check", "--server-key", pub("response")));

    assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
    assertThat(run.outLines()).containsExactly("no update available");
  }

  @Test
  void check_withoutServerKey_asksForNoSignature() {
    server.signWith(response);
    server.answerNoUpdate();

    CliRun run = CliRun.run(args("check"));

    assertThat(run.exit()).isZero();
    assertThat(run.outLines()).containsExactly("no update available");
  }

  @Test
  void check_trust_listsOffersNoTrustedKeySignedAsRefused() {
    server.answer(new SigningServer.Offer(BLOB, stranger), new SigningServer.Offer(DATA, release));

    CliRun run = CliRun.run(args("check", "--trust", pub("release")));

    assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
    List<String> lines = run.outLines();
    assertThat(lines.get(1)).startsWith("my_important_data  1.0 ");
    assertThat(lines.subList(2, lines.size()))
        .containsExactly(
            "request_id: req-1",
            "refused offers:",
            "  my_important_binary_blob 2.0: bad_signature: no signature by a trusted key (key"
                + " ids "
                + stranger.keyId()
                + "; trusted: "
                + release.keyId()
                + ")");
  }

  @Test
  void check_offerNotNewerThanInstalled_isListedAsRefusedWithoutKeys() {
    server.answer(new SigningServer.Offer(DATA));

    CliRun run = CliRun.run(args("check", "--installed", "my_important_data=1.0"));

    assertThat(run.exit()).isZero();
    assertThat(run.outLines())
        .containsExactly(
            "no offer to download",
            "request_id: req-1",
            "refused offers:",
            "  my_important_data 1.0: rollback refused: 1.0 is not newer than the installed 1.0");
  }

  @Test
  void checkJson_refusedOffers_goToStderr() {
    server.answer(new SigningServer.Offer(DATA));

    CliRun run = CliRun.run(args("check", "--json", "--trust", pub("release")));

    assertThat(run.exit()).isZero();
    assertThat(run.out()).startsWith("{\"available_updates\":");
    assertThat(run.err())
        .isEqualTo(
            "refused offers:\n"
                + "  my_important_data 1.0: bad_signature: no signature by a trusted key (the"
                + " offer is not signed; trusted: "
                + release.keyId()
                + ")\n");
  }

  @Test
  void update_trust_unsignedOfferFailsAsBadSignature_andIsNeverDownloaded() throws IOException {
    server.answer(new SigningServer.Offer(BLOB, release), new SigningServer.Offer(DATA));
    Path downloads = dir.resolve("downloads");

    CliRun run = CliRun.run(args("update", "--dir", downloads.toString(), "--trust", pub("release")));

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.outLines())
        .containsExactly(
            "my_important_binary_blob 2.0 ok",
            "my_important_data 1.0 failed: bad_signature: no signature by a trusted key (the"
                + " offer is not signed; trusted: "
                + release.keyId()
                + ")",
            "completion reported");
    assertThat(DownloadedFiles.names(downloads)).singleElement().asString().startsWith("my_imp");
    assertThat(DownloadedFiles.of(downloads, BLOB)).hasBinaryContent(BLOB.bytes());
    assertThat(server.downloads()).isEqualTo(1);
    assertThat(server.completions()).isEqualTo(1);
  }

  @Test
  void update_serverKeyPinned_unsignedAnswer_exits3AndNothingIsDownloadedOrReported() {
    server.answer(new SigningServer.Offer(DATA, release));
    Path downloads = dir.resolve("downloads");

    CliRun run =
        CliRun.run(args("update", "--dir", downloads.toString(), "--server-key", pub("response")));

    assertThat(run.exit()).isEqualTo(3);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .startsWith(
            "appupdate update: update check failed: POST "
                + server.baseUrl().resolve("v1/update")
                + " answered HTTP 200 without a valid signature by a trusted server key ("
                + response.keyId()
                + "): the response is not signed");
    assertThat(server.checks()).as("not retried").isEqualTo(1);
    assertThat(server.downloads()).isZero();
    assertThat(server.completions()).isZero();
    assertThat(downloads).doesNotExist();
  }

  @Test
  void update_bothKeysPinned_signedAnswerAndOffer_updates() throws IOException {
    server.signWith(response);
    server.answer(new SigningServer.Offer(DATA, release));
    Path downloads = dir.resolve("downloads");

    CliRun run =
        CliRun.run(
            args(
                "update",
                "--dir",
                downloads.toString(),
                "--trust",
                pub("release"),
                "--server-key",
                pub("response")));

    assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
    assertThat(run.outLines()).containsExactly("my_important_data 1.0 ok", "completion reported");
    assertThat(DownloadedFiles.of(downloads, DATA)).hasBinaryContent(DATA.bytes());
  }

  @Test
  void keyFiles_missingOrPrivate_areUsageErrorsNamingTheOption() throws IOException {
    CliRun run =
        CliRun.run(
            args(
                "update",
                "--dir",
                dir.resolve("downloads").toString(),
                "--trust",
                dir.resolve("missing.pub").toString(),
                "--server-key",
                dir.resolve("response.key").toString()));

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err().lines())
        .containsExactly(
            "appupdate update: --trust: cannot read public key file "
                + dir.resolve("missing.pub")
                + ": no such file",
            "appupdate update: --server-key: public key file "
                + dir.resolve("response.key")
                + ": expected PUBLIC KEY PEM, got \"PRIVATE KEY\": this is a private key; give"
                + " the public key file (see 'appupdate update --help')");
    assertThat(server.checks()).isZero();
    assertThat(Files.exists(dir.resolve("downloads"))).isFalse();
  }

  @Test
  void serverKeyAndTrust_areRepeatable_oneValidSignatureSuffices() {
    server.signWith(response);
    server.answer(new SigningServer.Offer(DATA, release));

    CliRun run =
        CliRun.run(
            args(
                "check",
                "--server-key",
                pub("stranger"),
                "--server-key",
                pub("response"),
                "--trust",
                pub("stranger"),
                "--trust",
                pub("release")));

    assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
    assertThat(run.out()).doesNotContain("refused");
  }
}
