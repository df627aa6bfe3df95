package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.signature.ContentDigest;
import dev.appupdate.protocol.signature.Ed25519Keys;
import dev.appupdate.protocol.signature.RequestBinding;
import dev.appupdate.protocol.signature.ResponseSigner;
import dev.appupdate.protocol.signature.SignatureHeaders;
import dev.appupdate.protocol.signature.SigningKey;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Response key files, and BouncyCastle's signatures: the same bytes as the JDK's. */
class ResponseKeysTest {
  /** The key pair of docs/PROTOCOL.md, "Test vectors" (key id 844f37232d3ae9f3). */
  private static final String VECTOR_KEY =
      "-----BEGIN PRIVATE KEY-----\n"
          + "MC4CAQAwBQYDK2VwBCIEIBEmjiq2nOsGLlU+ffphUHZBxmn1twYEgGol6xXtFeyA\n"
          + "-----END PRIVATE KEY-----\n";

  @TempDir Path dir;

  private Path ownerOnly(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  @Test
  void bouncyCastle_signsTheBytesTheJdkSigns() {
    KeyPair pair = Ed25519Keys.generate();
    SigningKey jdk = SigningKey.of(pair);
    SigningKey bc = ResponseKeys.bouncyCastle(pair);

    assertThat(bc.keyId()).isEqualTo(jdk.keyId());
    for (String message : List.of("", "a", "x".repeat(1000))) {
      byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
      assertThat(bc.sign(bytes)).as("%d bytes", bytes.length).isEqualTo(jdk.sign(bytes));
    }
  }

  @Test
  void load_protocolTestVectorKey_signsThe204OfTheSpecification() throws IOException {
    List<SigningKey> keys = ResponseKeys.load(List.of(ownerOnly("vector.key", VECTOR_KEY)), null);
    RequestBinding request =
        RequestBinding.of(
            "POST",
            URI.create("https://updates.example.com/v1/update"),
            ContentDigest.of(
                    "{\"product\":\"your_app\",\"version\":\"1.0\",\"platform\":\"macOS\",\"locale\":\"de-AT\"}"
                        .getBytes(StandardCharsets.UTF_8))
                .headerValue(),
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");

    SignatureHeaders h =
        ResponseSigner.create(keys)
            .sign(request, 204, new byte[0], Instant.ofEpochSecond(1767225600));

    assertThat(keys).extracting(SigningKey::keyId).containsExactly("844f37232d3ae9f3");
    assertThat(h.signature())
        .isEqualTo(
            "appupdate=:zOTenKre6u4z1uk3FXggsCFPEJhvUFU6q1oygiqjY076n4SMqR9VXREDzCW+imElHNnReOFkJOlnAr3huxQ3Bg==:");
  }

  @Test
  void load_keyReadableByGroup_isRefusedNamingTheFile() throws IOException {
    Path key = ownerOnly("response.key", VECTOR_KEY);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r-----"));

    assertThatThrownBy(() -> ResponseKeys.load(List.of(key), null))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(
            "private key file " + key + " is accessible to group or others (rw-r-----)")
        .hasMessageContaining("chmod 600 " + key);
  }

  @Test
  void load_keyThatIsATrustedReleaseKey_isRefusedNamingFileAndKey() throws IOException {
    Path key = ownerOnly("response.key", VECTOR_KEY);
    Path other = dir.resolve("other.key");
    Ed25519Keys.write(Ed25519Keys.generate(), other, dir.resolve("other.pub"));

    assertThatThrownBy(
            () ->
                ResponseKeys.load(
                    List.of(other, key),
                    dev.appupdate.protocol.signature.TrustedKeys.of(
                        Ed25519Keys.readKeyPair(key).getPublic())))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith(
            "response key file " + key + " holds the release key 844f37232d3ae9f3 that --trust"
                + " names");
    assertThat(ResponseKeys.load(List.of(other), null)).hasSize(1);
  }

  @Test
  void load_sameKeyInTwoFiles_isRefusedNamingBoth() throws IOException {
    Path a = ownerOnly("a.key", VECTOR_KEY);
    Path b = ownerOnly("b.key", VECTOR_KEY);

    assertThatThrownBy(() -> ResponseKeys.load(List.of(a, b), null))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "response key files "
                + a
                + " and "
                + b
                + " hold the same key 844f37232d3ae9f3: give each key once");
  }

  @Test
  void load_publicKeyFile_isRefusedSayingSo() throws IOException {
    KeyPair pair = Ed25519Keys.generate();
    Path pub = ownerOnly("response.pub", Ed25519Keys.publicKeyPem(pair.getPublic()));

    assertThatThrownBy(() -> ResponseKeys.load(List.of(pub), null))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(pub.toString())
        .hasMessageContaining("this is a public key; give the private key file");
  }
}
