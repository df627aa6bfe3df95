package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.appupdate.examples.DownloadedFiles;
import dev.appupdate.examples.ServedCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end (issue 19): the CLI jar against the reference server jar, each in a child JVM, through
 * a {@link ManInTheMiddle} that holds no key. As in production, the release pipeline signs the
 * catalog offline ({@code keygen}, {@code catalog sign}); the server passes those signatures on,
 * refuses a catalog its release key did not sign ({@code --trust}) and signs every answer to a
 * check with its response key ({@code --response-key}); the client pins the release key ({@code
 * --trust}) and the response key ({@code --server-key}). Each attack is refused by the pin meant
 * for it, and is shown to work without that pin, so that no test passes because the proxy did
 * nothing.
 */
class ManInTheMiddleIT {
  private static final ServedCatalog.Offered DATA =
      ServedCatalog.release("my_important_data", "1.0", 1234, 1);
  private static final ServedCatalog.Offered BLOB =
      ServedCatalog.release("my_important_binary_blob", "2.0", 300_000, 2);

  @TempDir Path keys;
  @TempDir Path serverDir;
  @TempDir Path work;

  private ManInTheMiddle proxy;
  private ReferenceServer server;
  private String releaseKey;
  private String responseKey;
  private String strangerKey;

  /** The outcome of one run of the CLI jar. */
  private record Run(int exit, List<String> stdout, String stderr) {}

  @BeforeEach
  void start() throws Exception {
    releaseKey = keygen("release");
    responseKey = keygen("response");
    strangerKey = keygen("stranger");
    Path catalog = ReferenceServer.write(serverDir, DATA, BLOB);
    CliRun sign = CliRun.run("catalog", "sign", "--key", key("release.key"), catalog.toString());
    assertThat(sign.exit()).as("stderr: %s", sign.err()).isZero();
    proxy = ManInTheMiddle.start();
    // The server's public URL is the proxy's: it is the URL the client uses, so the one it signs.
    server =
        ReferenceServer.start(
            serverDir,
            List.of(
                "--public-url", proxy.url().toString(),
                "--response-key", key("response.key"),
                "--trust", key("release.pub")));
    proxy.forwardTo(server.baseUrl());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  /** Makes a key pair as the pipeline does, KEYS/NAME.key and KEYS/NAME.pub; returns its id. */
  private String keygen(String name) {
    CliRun run =
        CliRun.run(
            "keygen", "--private", key(name + ".key"), "--public", key(name + ".pub"));
    assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
    return run.out().strip();
  }

  private String key(String file) {
    return keys.resolve(file).toString();
  }

  private Run cli(List<String> args) throws Exception {
    try (JarProcess p =
        JarProcess.start("appupdate-cli", JarProcess.jar("appupdate.cli.jar"), work, args)) {
      int exit = p.awaitExit();
      return new Run(exit, p.stdoutLines(), p.stderr());
    }
  }

  private Run check(String... extra) throws Exception {
    return cli(args("check", extra));
  }

  private Run update(Path dir, String... extra) throws Exception {
    List<String> args = args("update", extra);
    args.addAll(List.of("--dir", dir.toString()));
    return cli(args);
  }

  private List<String> args(String command, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                command,
                "--server", proxy.url().toString(),
                "--product", ServedCatalog.PRODUCT,
                "--version", "666",
                "--platform", "macOS",
                "--locale", "en-US"));
    args.addAll(List.of(extra));
    return args;
  }

  private String[] bothPins() {
    return new String[] {"--trust", key("release.pub"), "--server-key", key("response.pub")};
  }

  /** The start of the message of a check refused for its answer's signature. */
  private String unsignedAnswer(String command, int status) {
    return "appupdate "
        + command
        + ": "
        + (command.equals("update") ? "update check failed: POST " : "")
        + proxy.url().resolve("v1/update")
        + " answered HTTP "
        + status
        + " without a valid signature by a trusted server key ("
        + responseKey
        + "): ";
  }

  private static List<String> files(Path dir) throws IOException {
    return Files.isDirectory(dir) ? DownloadedFiles.names(dir) : List.of();
  }

  @Test
  void passThrough_bothKeysPinned_updatesFromSignedAnswersAndOffers() throws Exception {
    Path downloads = work.resolve("downloads");

    Run run = update(downloads, bothPins());

    assertThat(run.exit()).as("stderr: %s", run.stderr()).isZero();
    assertThat(run.stdout())
        .containsExactly(
            "my_important_binary_blob 2.0 ok", "my_important_data 1.0 ok", "completion reported");
    assertThat(proxy.lastAnswer().signed()).as("the server signed its answer").isTrue();
    assertThat(DownloadedFiles.of(downloads, DATA)).hasBinaryContent(DATA.bytes());
    assertThat(DownloadedFiles.of(downloads, BLOB)).hasBinaryContent(BLOB.bytes());
    assertThat(server.completions())
        .extracting(r -> r.path("update_type").asText(), r -> r.path("status").asText())
        .containsExactlyInAnyOrder(
            tuple("my_important_data", "success"), tuple("my_important_binary_blob", "success"));

    Run check = check(bothPins());

    assertThat(check.exit()).as("stderr: %s", check.stderr()).isZero();
    assertThat(check.stdout())
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("my_important_data ")
                    .endsWith(
                        " " + proxy.url().resolve("files/" + ReferenceServer.fileName(DATA))));
    assertThat(check.stdout()).noneMatch(line -> line.contains("refused"));
  }

  @Test
  void offerGivenAnotherFilesUrlAndDigest_releaseKeyPinned_isRefusedAsBadSignature()
      throws Exception {
    proxy.replaceOffer(
        DATA.updateType(),
        proxy.url().resolve("files/" + ReferenceServer.fileName(BLOB)),
        ServedCatalog.sha512(BLOB.bytes()),
        BLOB.bytes().length);
    proxy.behave(ManInTheMiddle.Behaviour.REPLACE_OFFER);

    // Without pins the attack works: the other file passes its (replaced) digest.
    Path unpinned = work.resolve("unpinned");
    Run fooled = update(unpinned);

    assertThat(fooled.exit()).as("stderr: %s", fooled.stderr()).isZero();
    assertThat(DownloadedFiles.of(unpinned, DATA)).hasBinaryContent(BLOB.bytes());

    Path pinned = work.resolve("pinned");
    Run refused = update(pinned, "--trust", key("release.pub"));

    assertThat(refused.exit()).isEqualTo(1);
    String reason = "signature by " + releaseKey + " does not verify";
    assertThat(refused.stdout())
        .containsExactly(
            "my_important_binary_blob 2.0 ok",
            "my_important_data 1.0 failed: bad_signature: " + reason,
            "completion reported");
    assertThat(files(pinned))
        .as("nothing under the final name of my_important_data, no partial file")
        .singleElement()
        .asString()
        .startsWith(BLOB.updateType() + "-" + BLOB.version());
    assertThat(server.completions())
        .extracting(
            r -> r.path("update_type").asText(),
            r -> r.path("status").asText(),
            r -> r.path("code").asText(null),
            r -> r.path("reason").asText(null))
        .contains(tuple(DATA.updateType(), "failed", "bad_signature", reason));

    // With the server key pinned as well, the changed answer fails the check before any offer.
    Path both = work.resolve("both");
    Run failed = update(both, bothPins());

    assertThat(failed.exit()).isEqualTo(3);
    assertThat(failed.stdout()).isEmpty();
    assertThat(failed.stderr())
        .startsWith(unsignedAnswer("update", 200) + "signature appupdate by trusted key")
        .contains(responseKey + " does not verify");
    assertThat(proxy.lastAnswer().signed()).as("the signature was kept").isTrue();
    assertThat(files(both)).isEmpty();
  }

  @Test
  void signatureHeadersStripped_serverKeyPinned_checkFailsAndNothingIsDownloaded()
      throws Exception {
    proxy.behave(ManInTheMiddle.Behaviour.STRIP_SIGNATURES);

    Run unpinned = check();

    assertThat(unpinned.exit()).as("without the pin nothing shows").isZero();
    assertThat(unpinned.stdout()).anyMatch(line -> line.startsWith("my_important_data "));

    Run check = check("--server-key", key("response.pub"));

    assertThat(check.exit()).isEqualTo(3);
    assertThat(check.stdout()).isEmpty();
    assertThat(check.stderr())
        .startsWith(
            unsignedAnswer("check", 200)
                + "the response is not signed: it has no Signature-Input and Signature headers");

    Path downloads = work.resolve("downloads");
    Run update = update(downloads, bothPins());

    assertThat(update.exit()).isEqualTo(3);
    assertThat(update.stdout()).isEmpty();
    assertThat(update.stderr()).startsWith(unsignedAnswer("update", 200));
    assertThat(proxy.lastFromServer().signed()).as("the server had signed it").isTrue();
    assertThat(files(downloads)).isEmpty();
    assertThat(server.completions()).isEmpty();
  }

  @Test
  void forgedNoUpdate_serverKeyPinned_isAFailedCheckNotNoUpdate() throws Exception {
    proxy.behave(ManInTheMiddle.Behaviour.NO_UPDATE);

    Run unpinned = check();

    assertThat(unpinned.exit()).as("without the pin the freeze works").isZero();
    assertThat(unpinned.stdout()).containsExactly("no update available");

    Run check = check("--server-key", key("response.pub"));

    assertThat(check.exit()).isEqualTo(3);
    assertThat(check.stdout()).isEmpty();
    assertThat(check.stderr())
        .startsWith(unsignedAnswer("check", 204) + "the response is not signed");

    Run update = update(work.resolve("downloads"), bothPins());

    assertThat(update.exit()).isEqualTo(3);
    assertThat(update.stdout()).isEmpty();
    assertThat(update.stderr()).startsWith(unsignedAnswer("update", 204));
    assertThat(proxy.forwardedChecks()).as("the proxy answered alone").isZero();
    assertThat(server.completions()).isEmpty();
  }

  @Test
  void earlierSignedAnswerReplayed_serverKeyPinned_isRefused() throws Exception {
    Run first = check(bothPins());

    assertThat(first.exit()).as("stderr: %s", first.stderr()).isZero();
    assertThat(proxy.lastAnswer().signed()).isTrue();
    String requestId =
        first.stdout().stream().filter(l -> l.startsWith("request_id: ")).findFirst().orElseThrow();

    proxy.behave(ManInTheMiddle.Behaviour.REPLAY);
    Run unpinned = check();

    assertThat(unpinned.exit()).as("without the pin the replay passes").isZero();
    assertThat(unpinned.stdout()).contains(requestId);

    Path downloads = work.resolve("downloads");
    Run replayed = update(downloads, bothPins());

    assertThat(replayed.exit()).isEqualTo(3);
    assertThat(replayed.stdout()).isEmpty();
    assertThat(replayed.stderr())
        .startsWith(unsignedAnswer("update", 200))
        .contains(
            "is over another nonce than the one this request sent: an answer to another request,"
                + " or a replayed one");
    assertThat(files(downloads)).isEmpty();
    assertThat(server.completions()).isEmpty();
  }

  @Test
  void catalogSignedByAKeyTheClientDoesNotTrust_everyOfferIsRefused() throws Exception {
    String reason =
        "no signature by a trusted key (key ids " + releaseKey + "; trusted: " + strangerKey + ")";

    Run check = check("--trust", key("stranger.pub"), "--server-key", key("response.pub"));

    assertThat(check.exit()).as("stderr: %s", check.stderr()).isZero();
    assertThat(check.stdout())
        .startsWith("no offer to download")
        .endsWith(
            "refused offers:",
            "  my_important_binary_blob 2.0: bad_signature: " + reason,
            "  my_important_data 1.0: bad_signature: " + reason);

    Path downloads = work.resolve("downloads");
    Run update = update(downloads, "--trust", key("stranger.pub"));

    assertThat(update.exit()).isEqualTo(1);
    assertThat(update.stdout())
        .containsExactly(
            "my_important_binary_blob 2.0 failed: bad_signature: " + reason,
            "my_important_data 1.0 failed: bad_signature: " + reason,
            "completion reported");
    assertThat(files(downloads)).isEmpty();
    List<JsonNode> log = server.completions();
    assertThat(log)
        .extracting(
            r -> r.path("update_type").asText(),
            r -> r.path("status").asText(),
            r -> r.path("code").asText(null))
        .containsExactlyInAnyOrder(
            tuple(DATA.updateType(), "failed", "bad_signature"),
            tuple(BLOB.updateType(), "failed", "bad_signature"));
  }
}
