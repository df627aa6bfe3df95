package dev.appupdate.protocol.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ed25519KeysTest {
  @TempDir Path dir;

  @Test
  void keyId_isTheFirst8BytesOfTheSha256OfTheRawKey_inHex() throws Exception {
    PublicKey key = Ed25519Keys.parsePublicKey(Vectors.PUBLIC_PEM);
    byte[] der = key.getEncoded();
    byte[] raw = java.util.Arrays.copyOfRange(der, der.length - 32, der.length);
    String expected =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw), 0, 8);

    assertThat(Ed25519Keys.keyId(key)).isEqualTo(expected).isEqualTo(Vectors.KEY_ID);
  }

  @Test
  void generate_writeThenRead_roundTripsWithOwnerOnlyPrivateFile() throws Exception {
    KeyPair pair = Ed25519Keys.generate();
    Path priv = dir.resolve("release.key");
    Path pub = dir.resolve("release.pub");

    Ed25519Keys.write(pair, priv, pub);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pub)))
        .isEqualTo("rw-r--r--");
    KeyPair read = Ed25519Keys.readKeyPair(priv);
    assertThat(read.getPrivate().getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    assertThat(read.getPublic().getEncoded()).isEqualTo(pair.getPublic().getEncoded());
    assertThat(Ed25519Keys.readPublicKey(pub).getEncoded())
        .isEqualTo(pair.getPublic().getEncoded());
    try (var files = Files.list(dir)) {
      assertThat(files).as("no temporary file left").hasSize(2);
    }
  }

  @Test
  void write_usesTheOneLinePemOfOpenssl() throws Exception {
    Path priv = dir.resolve("k");
    Path pub = dir.resolve("k.pub");

    Ed25519Keys.write(Vectors.keyPair(), priv, pub);

    assertThat(Files.readString(priv)).isEqualTo(Vectors.PRIVATE_PEM);
    assertThat(Files.readString(pub)).isEqualTo(Vectors.PUBLIC_PEM);
    assertThat(Ed25519Keys.publicKeyPem(Vectors.keyPair().getPublic()))
        .isEqualTo(Vectors.PUBLIC_PEM);
  }

  @Test
  void write_privateFileExists_isRefusedAndNothingIsWritten() throws Exception {
    Path priv = dir.resolve("k");
    Files.writeString(priv, "precious");

    assertThatThrownBy(() -> Ed25519Keys.write(Ed25519Keys.generate(), priv, dir.resolve("k.pub")))
        .isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining(priv.toString())
        .hasMessageContaining("refusing to overwrite an existing key file");
    assertThat(Files.readString(priv)).isEqualTo("precious");
    assertThat(dir.resolve("k.pub")).doesNotExist();
  }

  @Test
  void write_publicFileExists_isRefusedAndNoPrivateKeyIsLeft() throws Exception {
    Path pub = dir.resolve("k.pub");
    Files.writeString(pub, "old");

    assertThatThrownBy(() -> Ed25519Keys.write(Ed25519Keys.generate(), dir.resolve("k"), pub))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(dir.resolve("k")).doesNotExist();
    assertThat(Files.readString(pub)).isEqualTo("old");
  }

  @Test
  void write_mismatchedPair_isRefused() {
    KeyPair a = Ed25519Keys.generate();
    KeyPair b = Ed25519Keys.generate();

    assertThatThrownBy(
            () ->
                Ed25519Keys.write(
                    new KeyPair(a.getPublic(), b.getPrivate()), dir.resolve("k"), dir.resolve("p")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the private key does not belong to the public key");
    assertThat(dir.resolve("k")).doesNotExist();
  }

  @Test
  void readKeyPair_fileReadableByGroup_isRefusedNamingTheFile() throws Exception {
    Path priv = dir.resolve("release.key");
    Files.writeString(priv, Vectors.PRIVATE_PEM);
    Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-r-----"));

    assertThatThrownBy(() -> Ed25519Keys.readKeyPair(priv))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "private key file "
                + priv
                + " is accessible to group or others (rw-r-----): anyone"
                + " who can read it can sign as this key, and anyone who can write it can make"
                + " this signer use another. Restrict it (chmod 600 "
                + priv
                + "), and replace the key if others may have read it");
  }

  @Test
  void readKeyPair_fileReadableByOthers_isRefused() throws Exception {
    Path priv = dir.resolve("release.key");
    Files.writeString(priv, Vectors.PRIVATE_PEM);
    Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw----r--"));

    assertThatThrownBy(() -> Ed25519Keys.readKeyPair(priv))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is accessible to group or others (rw----r--)");
  }

  @Test
  void readKeyPair_fileWritableByGroupAndOthers_isRefusedThoughNoneCanRead() throws Exception {
    Path priv = dir.resolve("release.key");
    Files.writeString(priv, Vectors.PRIVATE_PEM);
    Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw--w--w-"));

    assertThatThrownBy(() -> Ed25519Keys.readKeyPair(priv))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is accessible to group or others (rw--w--w-)");
    Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw------x"));
    assertThatThrownBy(() -> Ed25519Keys.readKeyPair(priv))
        .hasMessageContaining("is accessible to group or others (rw------x)");
  }

  @Test
  void readKeyPair_symlink_checksAndReadsTheFileItLeadsTo() throws Exception {
    Path priv = dir.resolve("real.key");
    Files.writeString(priv, Vectors.PRIVATE_PEM);
    Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));
    Path link = Files.createSymbolicLink(dir.resolve("link.key"), priv);

    // A link itself is rwxrwxrwx: what counts is the file, checked and read without links.
    assertThat(Ed25519Keys.keyId(Ed25519Keys.readKeyPair(link).getPublic()))
        .isEqualTo(Vectors.KEY_ID);
    Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> Ed25519Keys.readKeyPair(link))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("private key file " + link + " is accessible to group or others");
  }

  @Test
  void readKeyPair_directory_isRefusedAsNotARegularFile() throws Exception {
    Path sub = Files.createDirectory(dir.resolve("release.key"));
    Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwx------"));

    assertThatThrownBy(() -> Ed25519Keys.readKeyPair(sub))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("private key file " + sub + " is not a regular file");
  }

  @Test
  void readKeyPair_fileOwnedByAnotherUser_isRefused() throws Exception {
    Path priv = dir.resolve("release.key");
    Files.writeString(priv, Vectors.PRIVATE_PEM);
    Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));
    UserPrincipal nobody;
    try {
      nobody = priv.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
      Files.setOwner(priv, nobody);
    } catch (IOException e) {
      // Giving a file away takes root (CAP_CHOWN), or a user "nobody" to give it to.
      Assumptions.abort("cannot give a file to user nobody (needs root): " + e);
      return;
    }

    assertThatThrownBy(() -> Ed25519Keys.readKeyPair(priv))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(
            "private key file "
                + priv
                + " is owned by nobody, not by the current user "
                + System.getProperty("user.name"));
  }

  @Test
  void readKeyPair_opensslKey_derivesItsPublicKey() throws Exception {
    Path priv = dir.resolve("release.key");
    Files.writeString(priv, Vectors.PRIVATE_PEM);
    Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));

    KeyPair pair = Ed25519Keys.readKeyPair(priv);

    assertThat(Ed25519Keys.keyId(pair.getPublic())).isEqualTo(Vectors.KEY_ID);
    assertThat(Ed25519Keys.publicKeyPem(pair.getPublic())).isEqualTo(Vectors.PUBLIC_PEM);
  }

  @Test
  void readKeyPair_publicKeyFile_saysToGiveThePrivateKey() throws Exception {
    Path file = dir.resolve("release.pub");
    Files.writeString(file, Vectors.PUBLIC_PEM);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    assertThatThrownBy(() -> Ed25519Keys.readKeyPair(file))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "private key file "
                + file
                + ": expected PRIVATE KEY PEM, got \"PUBLIC KEY\": this"
                + " is a public key; give the private key file");
  }

  @Test
  void readPublicKey_privateKeyFile_saysToGiveThePublicKey() throws Exception {
    Path file = dir.resolve("release.key");
    Files.writeString(file, Vectors.PRIVATE_PEM);

    assertThatThrownBy(() -> Ed25519Keys.readPublicKey(file))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "public key file "
                + file
                + ": expected PUBLIC KEY PEM, got \"PRIVATE KEY\": this"
                + " is a private key; give the public key file");
  }

  @Test
  void parsePublicKey_rsaKey_isNotEd25519() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    String pem =
        "-----BEGIN PUBLIC KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(rsa.generateKeyPair().getPublic().getEncoded())
            + "\n-----END PUBLIC KEY-----\n";

    assertThatThrownBy(() -> Ed25519Keys.parsePublicKey(pem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not an Ed25519 public key (an RFC 8410 SubjectPublicKeyInfo of 44 bytes)");
  }

  @Test
  void parsePublicKey_malformedPem_namesWhatIsWrong() {
    assertThatThrownBy(() -> Ed25519Keys.parsePublicKey("MCowBQYDK2VwAyEA"))
        .hasMessage("not PEM: no -----BEGIN PUBLIC KEY----- line");
    assertThatThrownBy(() -> Ed25519Keys.parsePublicKey("-----BEGIN PUBLIC KEY-----\nMCow\n"))
        .hasMessage("not PEM: no -----END PUBLIC KEY----- line");
    assertThatThrownBy(
            () ->
                Ed25519Keys.parsePublicKey(
                    "-----BEGIN PUBLIC KEY-----\nMCow*BQ\n-----END PUBLIC KEY-----\n"))
        .hasMessage("not PEM: '*' in the base64 body");
    assertThatThrownBy(() -> Ed25519Keys.parsePublicKey(Vectors.PUBLIC_PEM + Vectors.PUBLIC_PEM))
        .hasMessage("more than one PEM block, or text after the -----END PUBLIC KEY----- line");
    assertThatThrownBy(
            () ->
                Ed25519Keys.parsePublicKey(
                    "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMC4=\n"
                        + "-----END ENCRYPTED PRIVATE KEY-----\n"))
        .hasMessageEndingWith(
            ": encrypted keys are not supported; store the key unencrypted with owner-only"
                + " permissions");
  }

  @Test
  void parsePublicKey_windowsLineEndingsAndExplanatoryText_areAccepted() {
    String pem = "my release key\r\n" + Vectors.PUBLIC_PEM.replace("\n", "\r\n");

    assertThat(Ed25519Keys.keyId(Ed25519Keys.parsePublicKey(pem))).isEqualTo(Vectors.KEY_ID);
  }

  private static String publicPemOfRaw(String hex) {
    byte[] der = Ed25519Keys.parsePublicKey(Vectors.PUBLIC_PEM).getEncoded();
    System.arraycopy(HexFormat.of().parseHex(hex), 0, der, der.length - 32, 32);
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getEncoder().encodeToString(der)
        + "\n-----END PUBLIC KEY-----\n";
  }

  @Test
  void parsePublicKey_identityPoint_isRefusedAsSmallOrder() {
    String identity = "01" + "00".repeat(31);

    assertThatThrownBy(() -> Ed25519Keys.parsePublicKey(publicPemOfRaw(identity)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "not a usable Ed25519 public key: it is a point of small order, a weak key by which a"
                + " trivial signature verifies over any message");
    assertThatThrownBy(() -> Ed25519.publicKey(HexFormat.of().parseHex(identity)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("small order");
  }

  @Test
  void parsePublicKey_everySmallOrderEncoding_isRefused() {
    for (String hex :
        new String[] {
          "0100000000000000000000000000000000000000000000000000000000000000",
          "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
          "0000000000000000000000000000000000000000000000000000000000000000",
          "0000000000000000000000000000000000000000000000000000000000000080",
          "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
          "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
          "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
          "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
          "0100000000000000000000000000000000000000000000000000000000000080"
        }) {
      assertThatThrownBy(() -> Ed25519Keys.parsePublicKey(publicPemOfRaw(hex)))
          .as(hex)
          .hasMessageContaining("small order");
    }
  }

  @Test
  void trustedKeys_identityKeyMadeWithTheJdksKeyFactory_isRefused() throws Exception {
    byte[] der = Ed25519Keys.parsePublicKey(Vectors.PUBLIC_PEM).getEncoded();
    byte[] identity = HexFormat.of().parseHex("01" + "00".repeat(31));
    System.arraycopy(identity, 0, der, der.length - 32, 32);
    PublicKey weak =
        java.security.KeyFactory.getInstance("Ed25519")
            .generatePublic(new java.security.spec.X509EncodedKeySpec(der));

    assertThatThrownBy(() -> TrustedKeys.of(weak))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("small order");
  }

  @Test
  void parsePublicKey_yNotBelowP_isRefusedAsNonCanonical() {
    for (String hex :
        new String[] {
          "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p
          "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", // p + 1
          "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
        }) {
      assertThatThrownBy(() -> Ed25519Keys.parsePublicKey(publicPemOfRaw(hex)))
          .as(hex)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not below 2^255 - 19");
    }
  }

  @Test
  void parsePublicKey_generatedKeys_areAccepted() {
    for (int i = 0; i < 20; i++) {
      PublicKey key = Ed25519Keys.generate().getPublic();
      assertThat(Ed25519Keys.parsePublicKey(Ed25519Keys.publicKeyPem(key))).isEqualTo(key);
    }
  }

  @Test
  void derivePublicKey_rfc8032TestVector1() {
    byte[] seed =
        HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

    assertThat(HexFormat.of().formatHex(Ed25519.derivePublicKey(seed)))
        .isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  }

  @Test
  void derivePublicKey_agreesWithTheJdkOnGeneratedKeys() {
    for (int i = 0; i < 32; i++) {
      KeyPair pair = Ed25519Keys.generate();
      assertThat(Ed25519.derivePublicKey(Ed25519.seed(pair.getPrivate())))
          .isEqualTo(Ed25519.rawPublicKey(pair.getPublic()));
    }
  }

  @Test
  void privateKeyPem_parsesBackToTheSameKey() {
    KeyPair pair = Ed25519Keys.generate();

    String pem = Ed25519Keys.privateKeyPem(pair.getPrivate());

    assertThat(Ed25519Keys.parsePrivateKey(pem).getEncoded())
        .isEqualTo(pair.getPrivate().getEncoded());
    assertThat(pem.getBytes(StandardCharsets.US_ASCII)).hasSize(119);
  }

  @Test
  void trustedKeys_sameKeyTwice_countsOnce_andNoKeyIsRefused() {
    PublicKey key = Ed25519Keys.parsePublicKey(Vectors.PUBLIC_PEM);

    assertThat(TrustedKeys.of(key, key).keyIds()).containsExactly(Vectors.KEY_ID);
    assertThatThrownBy(() -> TrustedKeys.of(java.util.List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no trusted key: give at least one");
  }

  @Test
  void trustedKeys_twoDifferentKeysWithOneKeyId_areRefused() {
    PublicKey a = Ed25519Keys.generate().getPublic();
    PublicKey b = Ed25519Keys.generate().getPublic();

    // No real 64-bit collision is at hand: every key gets the same id instead.
    assertThatThrownBy(() -> TrustedKeys.of(java.util.List.of(a, b), k -> Vectors.KEY_ID))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "two different keys have the same key id " + Vectors.KEY_ID + ": trust one of them");
    assertThat(TrustedKeys.of(java.util.List.of(a, a), k -> Vectors.KEY_ID).keyIds())
        .containsExactly(Vectors.KEY_ID);
  }

  @Test
  void signingKey_signerReturningTheWrongLength_isCaught() {
    SigningKey key =
        SigningKey.of(Ed25519Keys.parsePublicKey(Vectors.PUBLIC_PEM), message -> new byte[63]);

    assertThatThrownBy(() -> key.sign(new byte[1]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "the signer of key 844f37232d3ae9f3 returned 63 bytes, not a 64-byte Ed25519"
                + " signature");
  }
}
