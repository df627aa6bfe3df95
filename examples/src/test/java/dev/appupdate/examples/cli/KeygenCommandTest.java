package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.appupdate.protocol.signature.Ed25519Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeygenCommandTest {
  @TempDir Path dir;

  private static boolean posix(Path dir) {
    return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  @Test
  void keygen_writesAnOwnerOnlyPrivateKeyAndItsPublicKeyAndPrintsOnlyTheKeyId() throws IOException {
    Path privateKey = dir.resolve("release.key");
    Path publicKey = dir.resolve("release.pub");

    CliRun run =
        CliRun.run("keygen", "--private", privateKey.toString(), "--public", publicKey.toString());

    assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
    assertThat(run.err()).isEmpty();
    KeyPair pair = Ed25519Keys.readKeyPair(privateKey);
    String keyId = Ed25519Keys.keyId(pair.getPublic());
    assertThat(run.out()).isEqualTo(keyId + "\n").matches("[0-9a-f]{16}\n");
    assertThat(Ed25519Keys.keyId(Ed25519Keys.readPublicKey(publicKey))).isEqualTo(keyId);
    assertThat(Files.readString(privateKey, StandardCharsets.US_ASCII))
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    assertThat(Files.readString(publicKey, StandardCharsets.US_ASCII))
        .startsWith("-----BEGIN PUBLIC KEY-----\n");
    if (posix(dir)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey)))
          .isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(publicKey)))
          .isEqualTo("rw-r--r--");
    }
    try (var files = Files.list(dir)) {
      assertThat(files).as("no temporary file left").hasSize(2);
    }
  }

  @Test
  void keygen_twice_makesTwoDifferentKeys() {
    CliRun first = CliRun.run("keygen", "--private", dir + "/a.key", "--public", dir + "/a.pub");
    CliRun second = CliRun.run("keygen", "--private", dir + "/b.key", "--public", dir + "/b.pub");

    assertThat(first.exit()).isZero();
    assertThat(second.exit()).isZero();
    assertThat(first.out()).isNotEqualTo(second.out());
  }

  @Test
  void keygen_existingPrivateKeyFile_isRefusedAndNothingIsWritten() throws IOException {
    Path privateKey = Files.writeString(dir.resolve("release.key"), "the old key");
    Path publicKey = dir.resolve("release.pub");

    CliRun run =
        CliRun.run("keygen", "--private", privateKey.toString(), "--public", publicKey.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err())
        .isEqualTo(
            "appupdate keygen: "
                + privateKey
                + " exists; a key file is never overwritten (nothing was written)\n");
    assertThat(privateKey).hasContent("the old key");
    assertThat(publicKey).doesNotExist();
  }

  @Test
  void keygen_existingPublicKeyFile_isRefusedAndNoPrivateKeyIsLeft() throws IOException {
    Path privateKey = dir.resolve("release.key");
    Path publicKey = Files.writeString(dir.resolve("release.pub"), "the old public key");

    CliRun run =
        CliRun.run("keygen", "--private", privateKey.toString(), "--public", publicKey.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).startsWith("appupdate keygen: " + publicKey + " exists;");
    assertThat(privateKey).doesNotExist();
    assertThat(publicKey).hasContent("the old public key");
  }

  @Test
  void keygen_missingDirectory_failsNamingItAndWritesNothing() {
    Path missing = dir.resolve("no-such-dir");

    CliRun run =
        CliRun.run(
            "keygen",
            "--private",
            missing.resolve("release.key").toString(),
            "--public",
            dir.resolve("release.pub").toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("appupdate keygen: cannot write ")
        .endsWith(": no directory " + missing + " (nothing was written)\n");
    assertThat(dir.resolve("release.pub")).doesNotExist();
  }

  @Test
  void keygen_sameFileForBoth_isAUsageError() {
    String file = dir.resolve("release.key").toString();

    CliRun run = CliRun.run("keygen", "--private", file, "--public", dir + "/./release.key");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "appupdate keygen: --private and --public name the same file, \""
                + file
                + "\" (see 'appupdate keygen --help')\n");
    assertThat(dir.resolve("release.key")).doesNotExist();
  }

  @Test
  void keygen_withoutFiles_isAUsageErrorNamingBothOptions() {
    CliRun run = CliRun.run("keygen");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "appupdate keygen: --private and --public are required (see 'appupdate keygen"
                + " --help')\n");
  }

  @Test
  void keygen_privateKey_isOneCatalogSignAccepts() throws IOException {
    assumeTrue(posix(dir), "POSIX permissions");
    Path privateKey = dir.resolve("release.key");
    CliRun.run("keygen", "--private", privateKey.toString(), "--public", dir + "/release.pub");
    Path catalog = Files.writeString(dir.resolve("catalog.json"), "{\"releases\": []}");

    CliRun run = CliRun.run("catalog", "sign", "--key", privateKey.toString(), catalog.toString());

    assertThat(run.exit()).as("stderr: %s", run.err()).isZero();
  }
}
