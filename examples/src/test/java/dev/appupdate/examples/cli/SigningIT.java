package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: the CLI jar in a child JVM, run as a release pipeline runs it, with paths relative to
 * its working directory: {@code keygen}, {@code catalog sign}, {@code catalog validate --trust}.
 */
class SigningIT {
  private static final String CATALOG =
      "{\"releases\": [\n"
          + "  {\"product\": \"your_app\", \"update_type\": \"my_important_data\", \"version\":"
          + " \"1.0\", \"url\": \"files/d-1.0.json\", \"hash_function\": \"sha512\","
          + " \"hash_value\": \""
          + "ab".repeat(64)
          + "\", \"size\": 1234},\n"
          + "  {\"product\": \"your_app\", \"update_type\": \"my_important_data\", \"version\":"
          + " \"2.0\", \"url\": \"files/d-2.0.json\", \"hash_function\": \"sha512\","
          + " \"hash_value\": \""
          + "cd".repeat(64)
          + "\", \"size\": 1877,"
          + " \"rollout_percent\": 12.5}\n"
          + "]}\n";

  @TempDir Path work;

  /** The outcome of one run of the CLI jar. */
  private record Run(int exit, List<String> stdout, String stderr) {}

  private Run cli(String... args) throws Exception {
    try (JarProcess p =
        JarProcess.start(
            "appupdate-cli", JarProcess.jar("appupdate.cli.jar"), work, List.of(args))) {
      int exit = p.awaitExit();
      return new Run(exit, p.stdoutLines(), p.stderr());
    }
  }

  @Test
  void keygenSignValidate_withTheCliJar_signsTheCatalogAndCatchesAnEditAfterSigning()
      throws Exception {
    Run keygen = cli("keygen", "--private", "release.key", "--public", "release.pub");

    assertThat(keygen.exit()).as("stderr: %s", keygen.stderr()).isZero();
    assertThat(keygen.stdout()).singleElement().asString().matches("[0-9a-f]{16}");
    String keyId = keygen.stdout().get(0);
    if (work.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(work.resolve("release.key"))))
          .isEqualTo("rw-------");
    }
    String privateKey = Files.readString(work.resolve("release.key"));
    String body = privateKey.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    assertThat(keygen.stderr()).doesNotContain(body);

    Files.writeString(work.resolve("catalog.json"), CATALOG);
    Run sign = cli("catalog", "sign", "--key", "release.key", "catalog.json");

    assertThat(sign.exit()).as("stderr: %s", sign.stderr()).isZero();
    assertThat(sign.stdout()).containsExactly("catalog.json: 2 releases signed by " + keyId);
    String signed = Files.readString(work.resolve("catalog.json"));
    assertThat(signed)
        .contains("\"version\": \"2.0\"", "\"rollout_percent\": 12.5", "\"key_id\": \"" + keyId);

    Run validate = cli("catalog", "validate", "catalog.json", "--trust", "release.pub");

    assertThat(validate.exit()).as("stdout: %s", validate.stdout()).isZero();
    assertThat(validate.stdout())
        .containsExactly(
            "catalog.json: valid, 2 releases of 1 product",
            "  your_app: 2 releases, update types my_important_data",
            "  signatures: every release signed by a trusted key (trusted: " + keyId + ")");

    Files.writeString(work.resolve("catalog.json"), signed.replace("1877", "1878"));
    Run tampered = cli("catalog", "validate", "catalog.json", "--trust", "release.pub");

    assertThat(tampered.exit()).isEqualTo(1);
    assertThat(tampered.stdout())
        .containsExactly(
            "releases[1].signatures: your_app my_important_data 2.0: the signature by trusted"
                + " key "
                + keyId
                + " does not verify: the product, update type, version, hash function, hash"
                + " value or size differs from what was signed",
            "catalog.json: invalid, 1 problem");

    Run again = cli("keygen", "--private", "release.key", "--public", "other.pub");

    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.stderr()).contains("release.key exists");
    assertThat(work.resolve("release.key")).hasContent(privateKey);
    assertThat(work.resolve("other.pub")).doesNotExist();
  }
}
