package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code catalog sign}, and {@code catalog validate --trust} on what it signed. */
class CatalogSignTest {
  /** The key pair of the test vectors in docs/PROTOCOL.md, "Signatures". */
  static final String VECTOR_PRIVATE_KEY =
      "-----BEGIN PRIVATE KEY-----\n"
          + "MC4CAQAwBQYDK2VwBCIEIBEmjiq2nOsGLlU+ffphUHZBxmn1twYEgGol6xXtFeyA\n"
          + "-----END PRIVATE KEY-----\n";

  static final String VECTOR_PUBLIC_KEY =
      "-----BEGIN PUBLIC KEY-----\n"
          + "MCowBQYDK2VwAyEAGX6fyCRJVjbFEDQYSEDUUWGn7UxYpAnk0mUnbGk0OqU=\n"
          + "-----END PUBLIC KEY-----\n";

  static final String VECTOR_KEY_ID = "844f37232d3ae9f3";

  /** The release of the test vector. */
  static final String VECTOR_HASH =
      "7d1a35fbd83d09079e7223f1d8b290503f9cab83e7fec2c002f04528c4db6dd036dc22cb9b347d4646c5aaf84"
          + "1824d018077541acc4a92c11937c95327d1fa2a";

  /** Its signature by the vector key, as docs/PROTOCOL.md gives it. */
  static final String VECTOR_SIGNATURE =
      "zOJgJ82jGBO0xpCFDYSqKQAtbPjQKwAyBbc_erldmZroR_0oKq7zzTl3JQPxAHwc4loupodKUmKbAaTTPbBqCg";

  private static final String OTHER_HASH = "ab".repeat(64);

  private static final Pattern DOES_NOT_VERIFY =
      Pattern.compile(
          "releases\\[(\\d+)]\\.signatures: (.*): the signature by trusted key ([0-9a-f]{16}) does"
              + " not verify: .*");

  @TempDir Path dir;

  private static boolean posix(Path dir) {
    return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** Writes the vector key pair as {@code vector.key} (owner-only) and {@code vector.pub}. */
  private Path vectorKey() throws IOException {
    Path key = dir.resolve("vector.key");
    Files.writeString(key, VECTOR_PRIVATE_KEY, StandardCharsets.US_ASCII);
    if (posix(dir)) {
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }
    Files.writeString(dir.resolve("vector.pub"), VECTOR_PUBLIC_KEY, StandardCharsets.US_ASCII);
    return key;
  }

  /** Makes {@code NAME.key} and {@code NAME.pub} with {@code appupdate keygen}; returns the id. */
  private String keygen(String name) {
    CliRun run =
        CliRun.run(
            "keygen",
            "--private",
            dir.resolve(name + ".key").toString(),
            "--public",
            dir.resolve(name + ".pub").toString());
    assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
    return run.out().strip();
  }

  private String key(String name) {
    return dir.resolve(name + ".key").toString();
  }

  private String pub(String name) {
    return dir.resolve(name + ".pub").toString();
  }

  private Path catalog(String json) throws IOException {
    return Files.writeString(dir.resolve("catalog.json"), json);
  }

  private static String release(String type, String version, String hash, long size) {
    return "{\"product\": \"your_app\", \"update_type\": \""
        + type
        + "\", \"version\": \""
        + version
        + "\", \"url\": \"files/"
        + type
        + "-"
        + version
        + "\", \"hash_function\":"
        + " \"sha512\", \"hash_value\": \""
        + hash
        + "\", \"size\": "
        + size
        + "}";
  }

  /** Three releases: the vector's, another of the same type, one of another type. */
  private Path threeReleases() throws IOException {
    return catalog(
        "{\"releases\": [\n"
            + release("my_important_data", "1.0", VECTOR_HASH, 1234)
            + ",\n"
            + release("my_important_data", "1.1", OTHER_HASH, 1301)
            + ",\n"
            + release("fonts", "7", OTHER_HASH, 88000)
            + "\n]}\n");
  }

  private static CliRun sign(String key, Path catalog, String... extra) {
    return CliRun.run(
        Stream.concat(
                Stream.of("catalog", "sign", "--key", key, catalog.toString()), Stream.of(extra))
            .toArray(String[]::new));
  }

  private static CliRun validate(Path catalog, String... trusted) {
    return CliRun.run(
        Stream.concat(
                Stream.of("catalog", "validate", catalog.toString()),
                Stream.of(trusted).flatMap(t -> Stream.of("--trust", t)))
            .toArray(String[]::new));
  }

  @Test
  void sign_thenValidateTrust_passes() throws IOException {
    String id = keygen("release");
    Path catalog = threeReleases();

    CliRun signed = sign(key("release"), catalog);
    CliRun validated = validate(catalog, pub("release"));

    assertThat(signed.exit()).as("stderr: %s", signed.err()).isZero();
    assertThat(signed.err()).isEmpty();
    assertThat(signed.outLines()).containsExactly(catalog + ": 3 releases signed by " + id);
    assertThat(validated.exit()).as("stdout: %s", validated.out()).isZero();
    assertThat(validated.outLines())
        .containsExactly(
            catalog + ": valid, 3 releases of 1 product",
            "  your_app: 3 releases, update types fonts, my_important_data",
            "  signatures: every release signed by a trusted key (trusted: " + id + ")");
  }

  @Test
  void sign_withTheVectorKey_addsTheDocumentedSignatureAndKeepsEverythingElseAsWritten()
      throws IOException {
    Path key = vectorKey();
    // Compact, with members in an unusual order, numbers written unusually, and escapes.
    Path catalog =
        catalog(
            "{\"releases\":[{\"update_type\":\"my_important_data\",\"product\":\"your_app\","
                + "\"version\":\"1.0\",\"url\":\"https://cdn.example.com/d\\u0061ta.json\","
                + "\"hash_function\":\"sha512\",\"hash_value\":\""
                + VECTOR_HASH
                + "\",\"size\":1234,\"rollout_percent\":12.50,\"paused\":false,"
                + "\"match\":{\"channels\":[\"beta*\",\"nightly\"],\"app_version\":\">=1.0 <3.0\"},"
                + "\"mirrors\":[],\"critical\":null}]}");

    CliRun run = sign(key.toString(), catalog);

    assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
    assertThat(catalog)
        .hasContent(
            "{\n"
                + "  \"releases\": [\n"
                + "    {\n"
                + "      \"update_type\": \"my_important_data\",\n"
                + "      \"product\": \"your_app\",\n"
                + "      \"version\": \"1.0\",\n"
                + "      \"url\": \"https://cdn.example.com/data.json\",\n"
                + "      \"hash_function\": \"sha512\",\n"
                + "      \"hash_value\": \""
                + VECTOR_HASH
                + "\",\n"
                + "      \"size\": 1234,\n"
                + "      \"rollout_percent\": 12.50,\n"
                + "      \"paused\": false,\n"
                + "      \"match\": {\n"
                + "        \"channels\": [\"beta*\", \"nightly\"],\n"
                + "        \"app_version\": \">=1.0 <3.0\"\n"
                + "      },\n"
                + "      \"mirrors\": [],\n"
                + "      \"critical\": null,\n"
                + "      \"signatures\": [\n"
                + "        {\"key_id\": \""
                + VECTOR_KEY_ID
                + "\", \"signature\": \""
                + VECTOR_SIGNATURE
                + "\"}\n"
                + "      ]\n"
                + "    }\n"
                + "  ]\n"
                + "}\n");
  }

  @Test
  void sign_theCompleteExampleOfCatalogMd_changesNothingButTheAddedSignatures() throws IOException {
    String doc = Files.readString(Path.of("../docs/CATALOG.md"), StandardCharsets.UTF_8);
    int start = doc.indexOf("```json\n{\n  \"releases\"");
    assertThat(start).as("complete example in docs/CATALOG.md").isNotNegative();
    String example = doc.substring(start + "```json\n".length(), doc.indexOf("\n```", start) + 1);
    keygen("release");
    Path catalog = catalog(example);

    CliRun run = sign(key("release"), catalog);

    assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
    String signed = Files.readString(catalog, StandardCharsets.UTF_8);
    assertThat(signed.split("\"signatures\": \\[", -1)).hasSize(8);
    assertThat(signed.replaceAll(",\n {6}\"signatures\": \\[\n(?: {8}\\{.*\\}\n)+ {6}]", ""))
        .isEqualTo(example);
  }

  @Test
  void sign_versionsAreSignedExactlyAsWritten() throws IOException {
    keygen("release");
    Path catalog =
        catalog(
            "{\"releases\": ["
                + release("data", "1.0", OTHER_HASH, 1)
                + ", "
                + release("fonts", "1.0.0", OTHER_HASH, 1)
                + "]}");
    sign(key("release"), catalog);

    // 1.0 and 1.0.0 are the same version, but each release is signed as written.
    String signed = Files.readString(catalog);
    assertThat(signed).contains("\"version\": \"1.0\",", "\"version\": \"1.0.0\",");
    Files.writeString(catalog, signed.replace("\"1.0.0\"", "\"1.0\""));
    CliRun run = validate(catalog, pub("release"));

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.outLines().get(0)).matches(DOES_NOT_VERIFY).startsWith("releases[1]");
  }

  @Test
  void signAgain_withTheSameKey_replacesItsSignatureAndChangesNothing() throws IOException {
    keygen("release");
    Path catalog = threeReleases();
    sign(key("release"), catalog);
    String once = Files.readString(catalog);

    CliRun run = sign(key("release"), catalog);

    assertThat(run.exit()).isZero();
    assertThat(catalog).hasContent(once);
    assertThat(once.split("\"key_id\"", -1)).hasSize(4);
  }

  @Test
  void signAfterAnEdit_withTheSameKey_replacesTheStaleSignature() throws IOException {
    keygen("release");
    Path catalog = threeReleases();
    sign(key("release"), catalog);
    Files.writeString(catalog, Files.readString(catalog).replace("1301", "1302"));
    assertThat(validate(catalog, pub("release")).exit()).isEqualTo(1);

    sign(key("release"), catalog);

    assertThat(validate(catalog, pub("release")).exit()).isZero();
    assertThat(Files.readString(catalog).split("\"key_id\"", -1)).hasSize(4);
  }

  @Test
  void rotation_signWithAThenB_carriesBothSignaturesAndEitherKeyAloneValidates()
      throws IOException {
    String a = keygen("a");
    String b = keygen("b");
    Path catalog = threeReleases();

    sign(key("a"), catalog);
    CliRun second = sign(key("b"), catalog);

    assertThat(second.exit()).isZero();
    assertThat(second.outLines())
        .containsExactly(
            catalog + ": 3 releases signed by " + b,
            "  also signed by " + a + ": 3 releases (kept as they were)");
    String signed = Files.readString(catalog);
    assertThat(signed)
        .containsSubsequence(
            "\"signatures\": [\n        {\"key_id\": \"" + a + "\"",
            "},\n        {\"key_id\": \"" + b + "\"");
    assertThat(signed.split("\"key_id\"", -1)).hasSize(7);
    assertThat(validate(catalog, pub("b")).exit()).isZero();
    assertThat(validate(catalog, pub("a")).exit()).isZero();
    assertThat(validate(catalog, pub("a"), pub("b")).exit()).isZero();
  }

  @Test
  void validateTrust_aKeyThatSignedNothing_listsEveryReleaseAsSignedOnlyByUntrustedKeys()
      throws IOException {
    String a = keygen("a");
    keygen("c");
    Path catalog = threeReleases();
    sign(key("a"), catalog);

    CliRun run = validate(catalog, pub("c"));

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.outLines())
        .containsExactly(
            "releases[0].signatures: your_app my_important_data 1.0: signed only by keys that"
                + " are not trusted: "
                + a,
            "releases[1].signatures: your_app my_important_data 1.1: signed only by keys that"
                + " are not trusted: "
                + a,
            "releases[2].signatures: your_app fonts 7: signed only by keys that are not"
                + " trusted: "
                + a,
            catalog + ": invalid, 3 problems");
  }

  @Test
  void validateTrust_unsignedCatalog_listsEveryReleaseAsNotSigned() throws IOException {
    keygen("release");
    Path catalog = threeReleases();

    CliRun run = validate(catalog, pub("release"));

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.outLines())
        .containsExactly(
            "releases[0].signatures: your_app my_important_data 1.0: not signed",
            "releases[1].signatures: your_app my_important_data 1.1: not signed",
            "releases[2].signatures: your_app fonts 7: not signed",
            catalog + ": invalid, 3 problems");
  }

  @Test
  void editingASignedField_afterSigning_failsValidateTrustNamingTheRelease() throws IOException {
    String id = keygen("release");
    Path catalog = threeReleases();
    sign(key("release"), catalog);
    String signed = Files.readString(catalog);
    String[][] edits = {
      {"\"size\": 1301", "\"size\": 1300", "1", "your_app my_important_data 1.1"},
      {"\"version\": \"1.1\"", "\"version\": \"1.2\"", "1", "your_app my_important_data 1.2"},
      {
        "\"hash_value\": \"" + VECTOR_HASH,
        "\"hash_value\": \"" + "cd".repeat(64),
        "0",
        "your_app my_important_data 1.0"
      },
      {"\"update_type\": \"fonts\"", "\"update_type\": \"font\"", "2", "your_app font 7"},
      {
        "\"product\": \"your_app\"",
        "\"product\": \"other_app\"",
        "0",
        "other_app my_important_data 1.0"
      },
    };
    for (String[] edit : edits) {
      assertThat(signed).contains(edit[0]);
      Files.writeString(catalog, replaceFirstLiteral(signed, edit[0], edit[1]));

      CliRun run = validate(catalog, pub("release"));

      assertThat(run.exit()).as(edit[1]).isEqualTo(1);
      assertThat(run.outLines()).as(edit[1]).hasSize(2);
      Matcher m = DOES_NOT_VERIFY.matcher(run.outLines().get(0));
      assertThat(m.matches()).as(run.outLines().get(0)).isTrue();
      assertThat(m.group(1)).as(edit[1]).isEqualTo(edit[2]);
      assertThat(m.group(2)).isEqualTo(edit[3]);
      assertThat(m.group(3)).isEqualTo(id);
      assertThat(run.outLines().get(1)).isEqualTo(catalog + ": invalid, 1 problem");
    }
  }

  private static String replaceFirstLiteral(String text, String target, String replacement) {
    int at = text.indexOf(target);
    return text.substring(0, at) + replacement + text.substring(at + target.length());
  }

  @Test
  void editingAnUnsignedField_afterSigning_stillValidates() throws IOException {
    keygen("release");
    Path catalog = threeReleases();
    sign(key("release"), catalog);
    String signed = Files.readString(catalog);
    Files.writeString(
        catalog,
        signed
            .replace("\"url\": \"files/fonts-7\"", "\"url\": \"https://cdn.example.com/fonts-7\"")
            .replace(
                "\"size\": 1301,", "\"size\": 1301,\n\"rollout_percent\": 5, \"paused\": true,"));

    assertThat(validate(catalog, pub("release")).exit()).isZero();
  }

  @Test
  void sign_output_writesOutAndLeavesTheCatalogAsItWas() throws IOException {
    keygen("release");
    Path catalog = threeReleases();
    String before = Files.readString(catalog);
    Path out = dir.resolve("signed.json");

    CliRun run = sign(key("release"), catalog, "-o", out.toString());

    assertThat(run.exit()).isZero();
    assertThat(run.outLines().get(0)).startsWith(out + ": 3 releases signed by ");
    assertThat(catalog).hasContent(before);
    assertThat(validate(out, pub("release")).exit()).isZero();
    assertThat(validate(catalog, pub("release")).exit()).isEqualTo(1);
  }

  @Test
  void sign_inPlace_keepsTheFilesPermissionsAndLeavesNoTemporaryFile() throws IOException {
    assumeTrue(posix(dir), "POSIX permissions");
    keygen("release");
    Path catalog = threeReleases();
    Files.setPosixFilePermissions(catalog, PosixFilePermissions.fromString("rw-r-----"));

    CliRun run = sign(key("release"), catalog);

    assertThat(run.exit()).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(catalog)))
        .isEqualTo("rw-r-----");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("catalog.json", "release.key", "release.pub");
    }
  }

  @Test
  void sign_throughASymbolicLink_replacesTheFileItPointsTo() throws IOException {
    keygen("release");
    Path catalog = threeReleases();
    Path link;
    try {
      link = Files.createSymbolicLink(dir.resolve("current.json"), catalog.getFileName());
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "symbolic links: " + e);
      return;
    }

    CliRun run = sign(key("release"), link);

    assertThat(run.exit()).isZero();
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(validate(catalog, pub("release")).exit()).isZero();
  }

  @Test
  void sign_invalidCatalog_isRefusedWithItsProblemsAndLeftAsItWas() throws IOException {
    keygen("release");
    String json =
        "{\"releases\": ["
            + release("data", "1.0", OTHER_HASH, 1).replace("\"size\": 1", "\"size\": -1")
            + "]}";
    Path catalog = catalog(json);

    CliRun run = sign(key("release"), catalog);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "releases[0].size: must not be negative, got -1\n"
                + "appupdate catalog: "
                + catalog
                + " is invalid, 1 problem; nothing was signed\n");
    assertThat(catalog).hasContent(json);
  }

  @Test
  void sign_privateKeyReadableByOthers_isRefusedAndTheCatalogLeftAsItWas() throws IOException {
    assumeTrue(posix(dir), "POSIX permissions");
    keygen("release");
    Path key = Path.of(key("release"));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    Path catalog = threeReleases();
    String before = Files.readString(catalog);

    CliRun run = sign(key.toString(), catalog);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .startsWith(
            "appupdate catalog: private key file " + key + " is accessible to group or others")
        .contains("chmod 600 " + key);
    assertThat(catalog).hasContent(before);
  }

  @Test
  void sign_withThePublicKey_saysToGiveThePrivateKey() throws IOException {
    keygen("release");
    Path catalog = threeReleases();

    CliRun run = sign(pub("release"), catalog);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "appupdate catalog: --key "
                + pub("release")
                + " is a public key; give the private key file\n");
  }

  @Test
  void sign_missingKeyFile_failsNamingIt() throws IOException {
    Path catalog = threeReleases();

    CliRun run = sign(key("missing"), catalog);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "appupdate catalog: cannot read private key file "
                + key("missing")
                + ": no such file\n");
  }

  @Test
  void sign_emptyCatalog_signsNothingAndSaysSo() throws IOException {
    keygen("release");
    Path catalog = catalog("{\"releases\": []}");

    CliRun run = sign(key("release"), catalog);

    assertThat(run.exit()).isZero();
    assertThat(run.outLines()).singleElement().asString().startsWith(catalog + ": 0 releases");
    assertThat(catalog).hasContent("{\n  \"releases\": []\n}\n");
  }

  @Test
  void sign_withoutKeyOrCatalog_isAUsageError() {
    CliRun run = CliRun.run("catalog", "sign");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "appupdate catalog sign: --key is required\n"
                + "appupdate catalog sign: missing CATALOG (see 'appupdate catalog sign"
                + " --help')\n");
  }

  @Test
  void validateTrust_privateKeyGivenAsTrusted_isRefusedSayingSo() throws IOException {
    Path key = vectorKey();
    Path catalog = threeReleases();

    CliRun run = validate(catalog, key.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "appupdate catalog: public key file "
                + key
                + ": expected PUBLIC KEY PEM, got \"PRIVATE KEY\": this is a private key; give"
                + " the public key file\n");
  }

  @Test
  void validateTrust_missingPublicKeyFile_failsNamingIt() throws IOException {
    Path catalog = threeReleases();

    CliRun run = validate(catalog, pub("missing"));

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .isEqualTo(
            "appupdate catalog: cannot read public key file "
                + pub("missing")
                + ": no such file\n");
  }

  @Test
  void validateTrust_invalidCatalog_listsItsProblemsNotItsSignatures() throws IOException {
    vectorKey();
    Path catalog = catalog("{\"releases\": [" + release("data", "1.0", "abc", 1) + "]}");

    CliRun run = validate(catalog, dir.resolve("vector.pub").toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.outLines())
        .containsExactly(
            "releases[0].hash_value: must be 128 lower-case hex digits for sha512, got 3"
                + " characters",
            catalog + ": invalid, 1 problem");
  }
}
