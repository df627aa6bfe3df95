package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.protocol.catalog.Catalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HashCommandTest {
  @TempDir Path dir;

  private Path file(int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return Files.write(dir.resolve("payload.bin"), bytes);
  }

  private static String hex(String algorithm, Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance(algorithm).digest(Files.readAllBytes(file)));
  }

  @Test
  void defaultFunction_printsSha512HashAndSizeReadyToPaste() throws Exception {
    // Larger than the read buffer, so the digest spans several reads.
    Path file = file(200_003);

    CliRun run = CliRun.run("hash", file.toString());

    assertThat(run.exit()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.outLines())
        .containsExactly(
            "\"hash_function\": \"sha512\",",
            "\"hash_value\": \"" + hex("SHA-512", file) + "\",",
            "\"size\": 200003");
  }

  @Test
  void sha256_printsTheSha256Digest() throws Exception {
    Path file = file(1000);

    CliRun run = CliRun.run("hash", file.toString(), "--function", "sha256");

    assertThat(run.exit()).isZero();
    assertThat(run.outLines())
        .containsExactly(
            "\"hash_function\": \"sha256\",",
            "\"hash_value\": \"" + hex("SHA-256", file) + "\",",
            "\"size\": 1000");
  }

  @Test
  void emptyFile_hasTheDigestOfNothingAndSizeZero() throws Exception {
    Path file = file(0);

    CliRun run = CliRun.run("hash", "--function=sha384", file.toString());

    assertThat(run.outLines())
        .containsExactly(
            "\"hash_function\": \"sha384\",",
            "\"hash_value\": \"" + hex("SHA-384", file) + "\",",
            "\"size\": 0");
  }

  @Test
  void output_pastedIntoARelease_makesAValidCatalog() throws Exception {
    Path file = file(4321);
    String fields = CliRun.run("hash", file.toString()).out();
    String catalog =
        "{\"releases\": [{\"product\": \"your_app\", \"update_type\": \"data\", \"version\":"
            + " \"1.0\", \"url\": \"files/data\",\n"
            + fields
            + "}]}";

    Catalog parsed = Catalog.parse(catalog.getBytes(StandardCharsets.UTF_8), "pasted");

    assertThat(parsed.releases().get(0).hashValue()).isEqualTo(hex("SHA-512", file));
    assertThat(parsed.releases().get(0).size()).isEqualTo(4321);
  }

  @Test
  void doubleDash_makesADashedArgumentTheFileNotAnOption() {
    CliRun run = CliRun.run("hash", "--", "--no-such-file");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("appupdate hash: cannot read --no-such-file: no such file\n");
  }

  @Test
  void fileNameStartingWithAt_isThatFileNotAnArgumentFile() throws IOException {
    // picocli would read "@FILE" as a file of arguments and hash the file named inside it.
    Path other = Files.writeString(dir.resolve("other"), "another file");
    Path arguments = Files.writeString(dir.resolve("notes"), other.toString());
    String asked = "@" + arguments;

    CliRun run = CliRun.run("hash", asked);

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("appupdate hash: cannot read " + asked + ": no such file\n");
  }

  @Test
  void weakHashFunction_isAUsageErrorNamingTheAllowedOnes() throws Exception {
    CliRun run = CliRun.run("hash", file(10).toString(), "--function", "md5");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "appupdate hash: --function: unsupported hash function \"md5\"; allowed: sha256,"
                + " sha384, sha512 (see 'appupdate hash --help')\n");
  }

  @Test
  void noFile_isAUsageError() {
    CliRun run = CliRun.run("hash");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo("appupdate hash: missing FILE (see 'appupdate hash --help')\n");
  }

  @Test
  void twoFiles_isAUsageError() {
    CliRun run = CliRun.run("hash", "a", "b");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).startsWith("appupdate hash: unexpected argument \"b\"");
  }

  @Test
  void missingFile_failsWithExit1NamingTheFile() {
    Path missing = dir.resolve("missing.bin");

    CliRun run = CliRun.run("hash", missing.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("appupdate hash: cannot read " + missing + ": no such file\n");
  }
}
