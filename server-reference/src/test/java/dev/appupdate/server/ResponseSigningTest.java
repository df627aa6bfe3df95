package dev.appupdate.server;

import static dev.appupdate.server.Fixtures.SEED_REQUEST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.ClientCodec;
import dev.appupdate.protocol.signature.AcceptSignature;
import dev.appupdate.protocol.signature.ContentDigest;
import dev.appupdate.protocol.signature.Ed25519Keys;
import dev.appupdate.protocol.signature.RequestBinding;
import dev.appupdate.protocol.signature.ResponseVerifier;
import dev.appupdate.protocol.signature.TrustedKeys;
import dev.appupdate.protocol.signature.Verification;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed answers to update checks (docs/PROTOCOL.md, "Response signatures"), checked the way a
 * client checks them: with {@link ResponseVerifier} against the public key, over the request the
 * client sent to the server's public URL.
 */
class ResponseSigningTest {
  /** Not the address the tests connect to: the signature must name this one all the same. */
  private static final URI PUBLIC = URI.create("https://updates.example.com/app/");

  private static final URI TARGET = URI.create("https://updates.example.com/app/v1/update");
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dir;
  private final KeyPair first = Ed25519Keys.generate();
  private final KeyPair second = Ed25519Keys.generate();
  private AppUpdateServer server;
  private AppUpdateServer plain;

  @AfterEach
  void stop() {
    for (AppUpdateServer s : new AppUpdateServer[] {server, plain}) {
      if (s != null) {
        s.close();
      }
    }
  }

  private void start(KeyPair... keys) throws Exception {
    Path[] files = new Path[keys.length];
    for (int i = 0; i < keys.length; i++) {
      files[i] = dir.resolve("response-" + i + ".key");
      Ed25519Keys.write(keys[i], files[i], dir.resolve("response-" + i + ".pub"));
    }
    server =
        AppUpdateServer.builder()
            .port(0)
            .dataDir(dir.resolve("data"))
            .publicUrl(PUBLIC)
            .clock(new MutableClock(NOW))
            .responseKeys(files)
            .build();
    server.start();
  }

  /** A check as a pinning client sends it: its own nonce, the digest of the body it sends. */
  private record Check(String body, AcceptSignature accept, String digest) {
    static Check of(String body, KeyPair... trusted) {
      PublicKey[] keys = Arrays.stream(trusted).map(KeyPair::getPublic).toArray(PublicKey[]::new);
      return new Check(
          body,
          AcceptSignature.create(TrustedKeys.of(keys)),
          ContentDigest.of(body.getBytes(StandardCharsets.UTF_8)).headerValue());
    }

    RequestBinding binding(URI target) {
      return RequestBinding.of("POST", target, digest, accept.nonce());
    }
  }

  private HttpResponse<byte[]> send(AppUpdateServer to, String path, Check check, String digest)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(to.baseUrl().resolve(path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header(AcceptSignature.HEADER, check.accept().headerValue())
            .POST(HttpRequest.BodyPublishers.ofString(check.body(), StandardCharsets.UTF_8));
    if (digest != null) {
      b.header(ContentDigest.HEADER, digest);
    }
    return Fixtures.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> send(Check check) throws Exception {
    return send(server, "/v1/update", check, check.digest());
  }

  private static Verification verify(
      KeyPair key, Check check, int status, Map<String, List<String>> headers, byte[] body) {
    return ResponseVerifier.create(TrustedKeys.of(key.getPublic()))
        .verify(check.binding(TARGET), status, headers, body);
  }

  private static Verification verify(KeyPair key, Check check, HttpResponse<byte[]> r) {
    return verify(key, check, r.statusCode(), r.headers().map(), r.body());
  }

  @Test
  void update_askingForASignature_200IsSignedOverTheRequestAndVerifies() throws Exception {
    start(first);
    Check check = Check.of(SEED_REQUEST, first);

    HttpResponse<byte[]> r = send(check);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue(ContentDigest.HEADER))
        .hasValue(ContentDigest.of(r.body()).headerValue());
    assertThat(r.headers().firstValue("Signature-Input").orElseThrow())
        .startsWith(
            "appupdate=(\"@status\" \"content-digest\" \"@method\";req \"@target-uri\";req"
                + " \"content-digest\";req);created=1767225600;keyid=\""
                + Ed25519Keys.keyId(first.getPublic())
                + "\";nonce=\""
                + check.accept().nonce()
                + "\";alg=\"ed25519\"");
    Verification v = verify(first, check, r);
    assertThat(v.valid()).as(v.toString()).isTrue();
    assertThat(v.keyId()).isEqualTo(Ed25519Keys.keyId(first.getPublic()));
    assertThat(ClientCodec.create().decodeUpdateResponse(r.body()).availableUpdates())
        .extracting(AvailableUpdate::updateType)
        .containsExactly("my_important_binary_blob", "my_important_data");
  }

  @Test
  void update_askingForASignature_204IsSignedWithoutContentDigestAndVerifies() throws Exception {
    start(first);
    Check check = Check.of(SEED_REQUEST.replace("your_app", "other_app"), first);

    HttpResponse<byte[]> r = send(check);

    assertThat(r.statusCode()).isEqualTo(204);
    assertThat(r.body()).isEmpty();
    assertThat(r.headers().firstValue(ContentDigest.HEADER)).isEmpty();
    assertThat(r.headers().firstValue("Signature")).isPresent();
    Verification v = verify(first, check, r);
    assertThat(v.valid()).as(v.toString()).isTrue();
  }

  @Test
  void signed204_presentedForAnotherRequest_failsVerification() throws Exception {
    start(first);
    Check asked = Check.of(SEED_REQUEST.replace("your_app", "other_app"), first);
    HttpResponse<byte[]> r = send(asked);
    // The same nonce, but the request whose installed versions a man in the middle changed.
    Check changed =
        new Check(
            SEED_REQUEST,
            asked.accept(),
            ContentDigest.of(SEED_REQUEST.getBytes(StandardCharsets.UTF_8)).headerValue());

    assertThat(verify(first, changed, r).valid()).isFalse();
  }

  @Test
  void signed200_withTamperedBody_failsVerification() throws Exception {
    start(first);
    Check check = Check.of(SEED_REQUEST, first);
    HttpResponse<byte[]> r = send(check);
    byte[] tampered =
        new String(r.body(), StandardCharsets.UTF_8)
            .replace("important_binary_v2.zip", "important_binary_v3.zip")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(tampered).isNotEqualTo(r.body());

    // The body alone changed: its digest no longer matches.
    Verification bodyOnly = verify(first, check, 200, r.headers().map(), tampered);
    // Body and Content-Digest changed together: the signature, which covers the digest, fails.
    Map<String, List<String>> headers = new LinkedHashMap<>(r.headers().map());
    headers.keySet().removeIf(ContentDigest.HEADER::equalsIgnoreCase);
    headers.put(ContentDigest.HEADER, List.of(ContentDigest.of(tampered).headerValue()));
    Verification both = verify(first, check, 200, headers, tampered);

    assertThat(bodyOnly.valid()).isFalse();
    assertThat(bodyOnly.reason()).contains("does not match the response body");
    assertThat(both.valid()).isFalse();
    assertThat(both.reason()).contains("does not verify");
  }

  @Test
  void update_contentDigestOfAnotherBody_is400AndUnsigned() throws Exception {
    start(first);
    Check check = Check.of(SEED_REQUEST, first);
    String otherDigest =
        ContentDigest.of(
                SEED_REQUEST
                    .replace("}", ",\"installed\":{\"my_important_data\":\"1.0\"}}")
                    .getBytes(StandardCharsets.UTF_8))
            .headerValue();

    HttpResponse<byte[]> r = send(server, "/v1/update", check, otherDigest);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(text(r))
        .contains("{\"field\":\"Content-Digest\",\"message\":\"does not match the request body");
    assertUnsigned(r);
  }

  @Test
  void update_withoutContentDigest_is400AndUnsigned() throws Exception {
    start(first);

    HttpResponse<byte[]> r = send(server, "/v1/update", Check.of(SEED_REQUEST, first), null);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(text(r))
        .contains("{\"field\":\"Content-Digest\",\"message\":\"is required with Accept-Signature");
    assertUnsigned(r);
  }

  @Test
  void update_malformedContentDigest_is400() throws Exception {
    start(first);

    HttpResponse<byte[]> r =
        send(server, "/v1/update", Check.of(SEED_REQUEST, first), "md5=:AAAA:");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(text(r)).contains("{\"field\":\"Content-Digest\",\"message\":\"has no sha-256");
    assertUnsigned(r);
  }

  @Test
  void update_acceptSignatureWithoutAnAppupdateMember_isIgnoredAndAnsweredUnsigned()
      throws Exception {
    start(first);
    byte[] body = SEED_REQUEST.getBytes(StandardCharsets.UTF_8);

    for (String accept :
        List.of(
            "sig1=(\"@status\");nonce=\"x\"", // a CDN's, say: not ours
            "appupdate-2=(\"@status\");nonce=\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\"")) {
      // Without Content-Digest too: nothing is signed, so nothing needs binding.
      HttpResponse<byte[]> r =
          Fixtures.CLIENT.send(
              HttpRequest.newBuilder(server.baseUrl().resolve("/v1/update"))
                  .header(AcceptSignature.HEADER, accept)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());

      assertThat(r.statusCode()).as(accept).isEqualTo(200);
      assertUnsigned(r);
    }
  }

  @Test
  void update_malformedAcceptSignature_is400NamingTheHeader() throws Exception {
    start(first);
    byte[] body = SEED_REQUEST.getBytes(StandardCharsets.UTF_8);

    for (String accept :
        List.of(
            "appupdate=(\"@status\"", // not a dictionary
            "appupdate=(\"@status\");nonce=\"short\"", // not a 32-byte nonce
            "appupdate=(\"@status\");nonce=\"" + "A".repeat(9000) + "\"")) { // too long
      HttpResponse<byte[]> r =
          Fixtures.CLIENT.send(
              HttpRequest.newBuilder(server.baseUrl().resolve("/v1/update"))
                  .header(AcceptSignature.HEADER, accept)
                  .header(ContentDigest.HEADER, ContentDigest.of(body).headerValue())
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());

      assertThat(r.statusCode()).as(accept).isEqualTo(400);
      assertThat(text(r)).as(accept).contains("{\"field\":\"Accept-Signature\",\"message\":\"");
      assertUnsigned(r);
    }
  }

  @Test
  void update_withoutAcceptSignature_isUnsignedAndByteForByteWhatAServerWithoutKeysSends()
      throws Exception {
    start(first);
    plain =
        AppUpdateServer.builder()
            .port(0)
            .dataDir(dir.resolve("plain"))
            .publicUrl(PUBLIC)
            .clock(new MutableClock(NOW))
            .build();
    plain.start();
    byte[] seed = SEED_REQUEST.getBytes(StandardCharsets.UTF_8);
    byte[] none = SEED_REQUEST.replace("your_app", "other_app").getBytes(StandardCharsets.UTF_8);

    for (byte[] body : List.of(seed, none)) {
      // A Content-Digest alone asks for nothing, and is not checked: this one is wrong.
      String head =
          "POST /v1/update HTTP/1.1\nHost: x\nContent-Type: application/json\n"
              + "Content-Digest: sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:\n"
              + "Content-Length: "
              + body.length;
      RawHttp.Response signing = RawHttp.send(server.port(), head, body);
      RawHttp.Response without = RawHttp.send(plain.port(), head, body);

      assertThat(signing.status()).isIn(200, 204);
      assertThat(withoutDate(signing.headers())).isEqualTo(withoutDate(without.headers()));
      // Each request id carries a random nonce: the rest of the body is the same bytes.
      assertThat(withoutRequestId(signing.text())).isEqualTo(withoutRequestId(without.text()));
      assertThat(signing.headers()).doesNotContainKeys("signature", "signature-input");
    }
  }

  @Test
  void twoResponseKeys_signEachAnswerTwice_eachSignatureValidAlone() throws Exception {
    start(first, second);
    Check check = Check.of(SEED_REQUEST, first, second);

    HttpResponse<byte[]> r = send(check);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Signature").orElseThrow())
        .startsWith("appupdate=:")
        .contains(", appupdate-2=:");
    Verification byFirst = verify(first, check, r);
    Verification bySecond = verify(second, check, r);
    assertThat(byFirst.valid()).as(byFirst.toString()).isTrue();
    assertThat(byFirst.keyId()).isEqualTo(Ed25519Keys.keyId(first.getPublic()));
    assertThat(bySecond.valid()).as(bySecond.toString()).isTrue();
    assertThat(bySecond.keyId()).isEqualTo(Ed25519Keys.keyId(second.getPublic()));
  }

  @Test
  void signature_namesThePublicUrl_notTheHostTheRequestNamed() throws Exception {
    start(first);
    Check check = Check.of(SEED_REQUEST, first);
    byte[] body = check.body().getBytes(StandardCharsets.UTF_8);

    RawHttp.Response r =
        RawHttp.send(
            server.port(),
            "POST /v1/update HTTP/1.1\nHost: attacker.example:8443\n"
                + "Content-Type: application/json\n"
                + AcceptSignature.HEADER
                + ": "
                + check.accept().headerValue()
                + "\n"
                + ContentDigest.HEADER
                + ": "
                + check.digest()
                + "\nContent-Length: "
                + body.length,
            body);

    assertThat(r.status()).isEqualTo(200);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    r.headers().forEach((k, v) -> headers.put(k, List.of(v)));
    ResponseVerifier verifier = ResponseVerifier.create(TrustedKeys.of(first.getPublic()));
    Verification atPublicUrl = verifier.verify(check.binding(TARGET), 200, headers, r.body());
    Verification atHost =
        verifier.verify(
            check.binding(URI.create("https://attacker.example:8443/v1/update")),
            200,
            headers,
            r.body());
    assertThat(atPublicUrl.valid()).as(atPublicUrl.toString()).isTrue();
    assertThat(atHost.valid()).isFalse();
  }

  @Test
  void problemAnswers_andCompletions_areNeverSigned() throws Exception {
    start(first);
    Check check = Check.of("{\"product\":\"your app\"}", first);

    HttpResponse<byte[]> invalid = send(check);
    HttpResponse<byte[]> completion = send(server, "/v1/completion", check, check.digest());

    assertThat(invalid.statusCode()).isEqualTo(400);
    assertUnsigned(invalid);
    assertThat(completion.statusCode()).isEqualTo(400);
    assertUnsigned(completion);
  }

  @Test
  void serverWithoutResponseKeys_ignoresAcceptSignature() throws Exception {
    server = Fixtures.demoServer(dir).build();
    server.start();
    Check check = Check.of(SEED_REQUEST, first);

    // Not even the Content-Digest is checked: this one belongs to no body.
    HttpResponse<byte[]> r =
        send(server, "/v1/update", check, "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");

    assertThat(r.statusCode()).isEqualTo(200);
    assertUnsigned(r);
  }

  @Test
  void start_responseKeyReadableByOthers_failsNamingTheFileAndLeavesNoTrace() throws Exception {
    Path key = dir.resolve("response.key");
    Ed25519Keys.write(first, key, dir.resolve("response.pub"));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    AppUpdateServer s = Fixtures.demoServer(dir).responseKeys(key).build();

    assertThatThrownBy(s::start)
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("private key file " + key + " is accessible to group or others");
    assertThat(dir.resolve("data")).doesNotExist();
  }

  @Test
  void start_responseKeyInsideTheFilesDirectory_failsBeforeServingIt() throws Exception {
    Path files = Files.createDirectories(dir.resolve("files"));
    Path key = files.resolve("response.key");
    Ed25519Keys.write(first, key, dir.resolve("response.pub"));
    AppUpdateServer s = Fixtures.demoServer(dir).filesDir(files).responseKeys(key).build();

    assertThatThrownBy(s::start)
        .isInstanceOf(IOException.class)
        .hasMessage(
            "the response key file "
                + key
                + " is inside the files directory "
                + files
                + ", which would serve it to anyone: keep the key outside the files directory");
  }

  @Test
  void builder_responseKeys_refusesNoneTooManyTheSameFileTwiceAndASecondCall() {
    Path a = dir.resolve("a.key");
    Path[] seventeen = new Path[17];
    for (int i = 0; i < seventeen.length; i++) {
      seventeen[i] = dir.resolve(i + ".key");
    }

    assertThatThrownBy(() -> AppUpdateServer.builder().responseKeys())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("responseKeys needs 1 to 16 files, got 0");
    assertThatThrownBy(() -> AppUpdateServer.builder().responseKeys(seventeen))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("responseKeys needs 1 to 16 files, got 17");
    assertThatThrownBy(() -> AppUpdateServer.builder().responseKeys(a, a))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("responseKeys names a file twice");
    assertThatThrownBy(() -> AppUpdateServer.builder().responseKeys(a).responseKeys(a))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("responseKeys already set to [" + a + "]");
  }

  private static void assertUnsigned(HttpResponse<byte[]> r) {
    assertThat(r.headers().firstValue("Signature")).isEmpty();
    assertThat(r.headers().firstValue("Signature-Input")).isEmpty();
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static Map<String, String> withoutDate(Map<String, String> headers) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.remove("date");
    return copy;
  }

  private static String withoutRequestId(String body) {
    return body.replaceAll("\"request_id\":\"[A-Za-z0-9._~-]+\"", "\"request_id\":\"\"");
  }
}
