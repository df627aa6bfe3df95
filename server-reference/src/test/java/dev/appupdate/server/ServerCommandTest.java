package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.signature.Ed25519Keys;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerCommandTest {
  @TempDir Path dir;

  @Test
  void noArguments_givesTheDefaults() throws Exception {
    ServerCommand o = ServerCommand.parse();

    assertThat(o.helpRequested()).isFalse();
    assertThat(o.versionRequested()).isFalse();
    assertThat(o.port()).isEqualTo(8000);
    assertThat(o.bind().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(o.publicUrl()).isNull();
    assertThat(o.catalog()).isNull();
    assertThat(o.files()).isNull();
    assertThat(o.data()).isEqualTo(Path.of("appupdate-data"));
    assertThat(o.key()).isNull();
    assertThat(o.retention()).isEqualTo(Duration.ofDays(30));
    assertThat(o.maxCompletionKeys()).isEqualTo(2_000_000);
    assertThat(o.completionRetention()).isEqualTo(Duration.ofDays(400));
    assertThat(o.maxCompletionLogBytes()).isEqualTo(1L << 30);
    assertThat(o.minFreeSpace()).isEqualTo(512L << 20);
    assertThat(o.responseKeys()).isEmpty();
    assertThat(o.trusted()).isEmpty();
  }

  @Test
  void everyOption_isRead() throws Exception {
    Path catalog = Files.writeString(dir.resolve("catalog.json"), "{}");
    Path files = Files.createDirectories(dir.resolve("files"));

    ServerCommand o =
        ServerCommand.parse(
            "--port",
            "0",
            "--bind=0.0.0.0",
            "--public-url",
            "https://updates.example.com/app",
            "--catalog",
            catalog.toString(),
            "--files=" + files,
            "--data",
            dir.toString(),
            "--key",
            dir.resolve("shared.key").toString(),
            "--retention",
            "12h",
            "--max-completion-keys",
            "1000",
            "--completion-retention",
            "90d",
            "--max-completion-log-size",
            "2GiB",
            "--min-free-space=0");

    assertThat(o.port()).isZero();
    assertThat(o.bind()).isEqualTo(InetAddress.getByName("0.0.0.0"));
    assertThat(o.publicUrl()).isEqualTo(URI.create("https://updates.example.com/app"));
    assertThat(o.catalog()).isEqualTo(catalog);
    assertThat(o.files()).isEqualTo(files);
    assertThat(o.data()).isEqualTo(dir);
    assertThat(o.key()).isEqualTo(dir.resolve("shared.key"));
    assertThat(o.retention()).isEqualTo(Duration.ofHours(12));
    assertThat(o.maxCompletionKeys()).isEqualTo(1000);
    assertThat(o.completionRetention()).isEqualTo(Duration.ofDays(90));
    assertThat(o.maxCompletionLogBytes()).isEqualTo(2L << 30);
    assertThat(o.minFreeSpace()).isZero();
  }

  @Test
  void sizes_readBytesAndBinaryUnits_andRefuseTheRest() {
    assertThat(ServerCommand.sizeOf("1048576")).isEqualTo(1L << 20);
    assertThat(ServerCommand.sizeOf("512MiB")).isEqualTo(512L << 20);
    assertThat(ServerCommand.sizeOf("1 gib")).isEqualTo(1L << 30);
    assertThat(ServerCommand.sizeOf("64K")).isEqualTo(64L << 10);
    assertThat(ServerCommand.sizeOf("2T")).isEqualTo(2L << 40);
    assertUsage(
        "--min-free-space: must be a number of bytes like 512MiB, 1GiB or 1048576, got \"lots\"",
        "--min-free-space",
        "lots");
    assertUsage(
        "--max-completion-log-size: must be at least 64KiB, got \"1000\"",
        "--max-completion-log-size",
        "1000");
    assertUsage(
        "--completion-retention: must be like 30d, 12h, 90m, 3600s or P30D, got \"forever\"",
        "--completion-retention",
        "forever");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--help", "-h"})
  void help_isRecognizedAndTheUsageListsEveryOptionAndTheRoutes(String flag) throws Exception {
    assertThat(ServerCommand.parse(flag).helpRequested()).isTrue();
    assertThat(ServerCommand.usage())
        .startsWith("Usage: java -jar appupdate-server.jar [OPTION]...")
        .contains(
            "--port=N",
            "--bind=ADDRESS",
            "--public-url=URL",
            "--catalog=FILE",
            "--files=DIR",
            "--data=DIR",
            "--key=FILE",
            "--retention=AGE",
            "--max-completion-keys=N",
            "--completion-retention=AGE",
            "--max-completion-log-size=SIZE",
            "--min-free-space=SIZE",
            "--response-key=FILE",
            "--trust=PUBLIC_KEY_FILE",
            "--admin-port=N|off",
            "--admin-bind=ADDRESS",
            "--admin-token-file=FILE",
            "--admin-tls-keystore=FILE",
            "-h, --help",
            "--version",
            "Exit codes:",
            "POST /v1/explain");
    assertThat(ServerCommand.usage().lines())
        .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
  }

  @Test
  void adminOptions_defaultAndOffAndNonLoopbackWithoutTls() throws Exception {
    assertThat(ServerCommand.parse().adminPort()).isEqualTo(8001);
    assertThat(ServerCommand.parse("--admin-port", "off").adminPort()).isNull();
    assertThat(ServerCommand.parse("--admin-port", "0").adminPort()).isZero();
    ServerCommand.UsageException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ServerCommand.UsageException.class,
            () -> ServerCommand.parse("--admin-bind", "192.0.2.7", "--admin-port", "nine"));
    assertThat(e.problems())
        .containsExactly(
            "--admin-port: must be a number 0-65535, got \"nine\"",
            "--admin-bind 192.0.2.7 is not a loopback address: give --admin-tls-keystore, so that"
                + " the admin token does not cross the network in clear text");
  }

  @Test
  void adminTlsPasswordFile_readableByOthers_isRefusedAndOwnerOnlyIsRead() throws Exception {
    Path store = Files.writeString(dir.resolve("admin.p12"), "not read while parsing");
    Path password = Files.writeString(dir.resolve("tls.password"), "s3cret\nignored\n");
    Files.setPosixFilePermissions(
        password, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    ServerCommand.UsageException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ServerCommand.UsageException.class,
            () ->
                ServerCommand.parse(
                    "--admin-tls-keystore",
                    store.toString(),
                    "--admin-tls-password-file",
                    password.toString()));
    assertThat(e.problems())
        .singleElement()
        .asString()
        .startsWith("--admin-tls-password-file: ")
        .contains("is accessible to group or others (rw-r--r--)");

    Files.setPosixFilePermissions(
        password, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    assertThat(
            ServerCommand.parse(
                    "--admin-tls-keystore",
                    store.toString(),
                    "--admin-tls-password-file",
                    password.toString())
                .adminTlsPassword())
        .containsExactly("s3cret".toCharArray());
  }

  @Test
  void adminTlsPassword_withoutAFile_comesFromTheEnvironmentGiven() throws Exception {
    Path store = Files.writeString(dir.resolve("admin.p12"), "not parsed here");

    assertThat(
            ServerCommand.parse(
                    Map.of(ServerCommand.ADMIN_TLS_PASSWORD_ENV, "from-env"),
                    "--admin-tls-keystore",
                    store.toString())
                .adminTlsPassword())
        .containsExactly("from-env".toCharArray());
    assertThat(
            ServerCommand.parse(Map.of(), "--admin-tls-keystore", store.toString())
                .adminTlsPassword())
        .isEmpty();
  }

  @Test
  void help_winsOverBadArguments() throws Exception {
    assertThat(ServerCommand.parse("--port", "x", "--frobnicate", "--help").helpRequested())
        .isTrue();
  }

  @Test
  void version_isRecognizedAndNamesTheToolAndTheBuildsVersion() throws Exception {
    assertThat(ServerCommand.parse("--version").versionRequested()).isTrue();
    assertThat(ServerCommand.version()).matches("appupdate-server \\d+\\.\\d+\\.\\d+\\S*");
  }

  @Test
  void retention_acceptsUnitsAndIso() {
    assertThat(ServerCommand.retentionOf("30d")).isEqualTo(Duration.ofDays(30));
    assertThat(ServerCommand.retentionOf("90m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(ServerCommand.retentionOf("3600s")).isEqualTo(Duration.ofHours(1));
    assertThat(ServerCommand.retentionOf("P7D")).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void unknownOption_isRefusedSuggestingTheNearestOption() {
    assertUsage("unknown option \"--prot\"; did you mean --port?", "--prot", "1");
    assertUsage("unknown option \"--catalogue\"; did you mean --catalog?", "--catalogue=c.json");
  }

  @Test
  void abbreviatedOption_isRefusedSuggestingTheOptionItStarts() {
    assertUsage("unknown option \"--max\"; did you mean --max-completion-keys?", "--max", "1000");
  }

  @Test
  void unknownOptionUnlikeAnyOther_isRefusedWithoutSuggestion() {
    assertUsage("unknown option \"--frobnicate\"", "--frobnicate");
  }

  @Test
  void everyProblem_isReportedAtOnce() {
    assertThatThrownBy(
            () ->
                ServerCommand.parse(
                    "--port",
                    "http",
                    "--retention",
                    "soon",
                    "--prot",
                    "1",
                    "--bind",
                    "0.0.0.0",
                    "--max-completion-keys",
                    "0"))
        .isInstanceOfSatisfying(
            ServerCommand.UsageException.class,
            e -> {
              assertThat(e.problems())
                  .containsExactlyInAnyOrder(
                      "--port: must be a number 0-65535, got \"http\"",
                      "--retention: must be like 30d, 12h, 90m, 3600s or P30D, got \"soon\"",
                      "unknown option \"--prot\"; did you mean --port?",
                      "--max-completion-keys: must be a number 1-536870912, got \"0\"",
                      "--bind 0.0.0.0 listens on every interface: give --public-url, the URL"
                          + " clients reach this server at");
              assertThat(e.getMessage().lines())
                  .hasSize(5)
                  .allSatisfy(line -> assertThat(line).startsWith("appupdate-server: "))
                  .last()
                  .asString()
                  .endsWith(" (see --help)");
            });
  }

  @Test
  void positionalArgument_isRefused() {
    assertUsage("unexpected argument \"8000\"; options start with --", "8000");
  }

  @Test
  void missingValue_isRefused() {
    assertUsage("--port needs a value", "--port");
  }

  @Test
  void repeatedOption_isRefused() {
    assertUsage("--port given twice", "--port", "1", "--port=2");
  }

  @Test
  void badPort_isRefused() {
    assertUsage("--port: must be a number 0-65535, got \"70000\"", "--port", "70000");
    assertUsage("--port: must be a number 0-65535, got \"http\"", "--port", "http");
  }

  @Test
  void badRetention_isRefused() {
    assertUsage(
        "--retention: must be like 30d, 12h, 90m, 3600s or P30D, got \"soon\"",
        "--retention",
        "soon");
    assertUsage("--retention: must be positive, got \"0d\"", "--retention", "0d");
  }

  @Test
  void badPublicUrl_isRefused() {
    assertUsage(
        "--public-url: must be an absolute http or https URL without query or fragment, got"
            + " \"ftp://x/\"",
        "--public-url",
        "ftp://x/");
  }

  @Test
  void catalogNameStartingWithAt_isThatFileNotAnArgumentFile() throws Exception {
    // picocli would read "@FILE" as a file of arguments and take the catalog named inside it.
    Path catalog = Files.writeString(dir.resolve("catalog.json"), "{}");
    Path arguments = Files.writeString(dir.resolve("arguments"), catalog.toString());

    assertUsage(
        "--catalog: \"@" + arguments + "\" does not exist", "--catalog", "@" + arguments);
  }

  @Test
  void missingCatalog_isRefused() {
    assertUsage(
        "--catalog: \"" + dir.resolve("nope.json") + "\" does not exist",
        "--catalog",
        dir.resolve("nope.json").toString());
  }

  @Test
  void catalogDirectory_isRefused() {
    assertUsage("--catalog: \"" + dir + "\" is not a regular file", "--catalog", dir.toString());
  }

  @Test
  void filesNotADirectory_isRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");

    assertUsage("--files: \"" + file + "\" is not a directory", "--files", file.toString());
  }

  @Test
  void unknownBindHost_isRefused() {
    assertUsage("--bind: unknown host \"no such host.invalid\"", "--bind", "no such host.invalid");
  }

  @Test
  void retentionOverTenYears_isRefused() {
    assertUsage(
        "--retention: must be at most 3650d (about ten years), got \"3651d\"",
        "--retention",
        "3651d");
    assertUsage(
        "--retention: must be at most 3650d (about ten years), got \"999999999d\"",
        "--retention",
        "999999999d");
    assertUsage(
        "--retention: must be at most 3650d (about ten years), got \"PT2562047788015215H\"",
        "--retention",
        "PT2562047788015215H");
  }

  @Test
  void retentionOfTenYears_isAccepted() {
    assertThat(ServerCommand.retentionOf("3650d")).isEqualTo(Duration.ofDays(3650));
  }

  @Test
  void wildcardBindWithoutPublicUrl_isRefused() {
    assertUsage(
        "--bind 0.0.0.0 listens on every interface: give --public-url, the URL clients reach this"
            + " server at",
        "--bind",
        "0.0.0.0");
    assertUsage(
        "--bind 0:0:0:0:0:0:0:0 listens on every interface: give --public-url, the URL clients"
            + " reach this server at",
        "--bind",
        "::");
  }

  @Test
  void keyInAMissingDirectory_isRefused() {
    String key = dir.resolve("nope").resolve("k").toString();

    assertUsage(
        "--key: \"" + key + "\" does not exist, nor does the directory to create it in",
        "--key",
        key);
  }

  @Test
  void keyThatIsADirectory_isRefused() {
    assertUsage("--key: \"" + dir + "\" exists and is not a regular file", "--key", dir.toString());
  }

  @Test
  void badMaxCompletionKeys_isRefused() {
    assertUsage(
        "--max-completion-keys: must be a number 1-536870912, got \"0\"",
        "--max-completion-keys",
        "0");
    assertUsage(
        "--max-completion-keys: must be a number 1-536870912, got \"lots\"",
        "--max-completion-keys",
        "lots");
  }

  @Test
  void responseKeysAndTrustedKeys_areRepeatableAndKeptInOrder() throws Exception {
    KeyPair a = Ed25519Keys.generate();
    KeyPair b = Ed25519Keys.generate();
    Ed25519Keys.write(a, dir.resolve("a.key"), dir.resolve("a.pub"));
    Ed25519Keys.write(b, dir.resolve("b.key"), dir.resolve("b.pub"));

    ServerCommand o =
        ServerCommand.parse(
            "--response-key",
            dir.resolve("a.key").toString(),
            "--trust",
            dir.resolve("b.pub").toString(),
            "--response-key=" + dir.resolve("b.key"),
            "--trust=" + dir.resolve("a.pub"));

    assertThat(o.responseKeys()).containsExactly(dir.resolve("a.key"), dir.resolve("b.key"));
    assertThat(o.trusted()).containsExactly(b.getPublic(), a.getPublic());
  }

  @Test
  void missingResponseKey_isRefused() {
    Path key = dir.resolve("response.key");

    assertUsage("--response-key: \"" + key + "\" does not exist", "--response-key", key.toString());
  }

  @Test
  void responseKeyGivenTwice_isRefused() throws Exception {
    Path key = dir.resolve("response.key");
    Ed25519Keys.write(Ed25519Keys.generate(), key, dir.resolve("response.pub"));

    assertUsage(
        "--response-key: a file is given twice",
        "--response-key",
        key.toString(),
        "--response-key",
        key.toString());
  }

  @Test
  void trustedKeyThatIsNoPublicKey_isRefusedNamingTheFile() throws Exception {
    Path key = dir.resolve("release.key");
    Ed25519Keys.write(Ed25519Keys.generate(), key, dir.resolve("release.pub"));

    assertUsage(
        "--trust: public key file "
            + key
            + ": expected PUBLIC KEY PEM, got \"PRIVATE KEY\": this is a private key; give the"
            + " public key file",
        "--trust",
        key.toString());
  }

  private static void assertUsage(String problem, String... args) {
    assertThatThrownBy(() -> ServerCommand.parse(args))
        .isInstanceOfSatisfying(
            ServerCommand.UsageException.class,
            e -> {
              assertThat(e.problems()).containsExactly(problem);
              assertThat(e.getMessage())
                  .isEqualTo("appupdate-server: " + problem + " (see --help)");
            });
  }
}
