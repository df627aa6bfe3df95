package dev.appupdate.protocol.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** ResponseSigner and ResponseVerifier: RFC 9421 response signatures bound to the request. */
class ResponseSignaturesTest {
  private static final SigningKey KEY = Vectors.signingKey();
  private static final SigningKey OTHER = SigningKey.of(Ed25519Keys.generate());
  private static final Instant CREATED = Instant.ofEpochSecond(Vectors.CREATED);
  private static final ResponseVerifier VERIFIER = ResponseVerifier.create(Vectors.trusted());

  private static Map<String, List<String>> headers(SignatureHeaders h) {
    Map<String, List<String>> m = new HashMap<>();
    if (h.contentDigest() != null) {
      m.put("content-digest", List.of(h.contentDigest()));
    }
    m.put("signature-input", List.of(h.signatureInput()));
    m.put("signature", List.of(h.signature()));
    m.put("content-type", List.of("application/json"));
    return m;
  }

  private static Map<String, List<String>> with(
      Map<String, List<String>> headers, String name, String value) {
    Map<String, List<String>> m = new HashMap<>(headers);
    m.put(name, List.of(value));
    return m;
  }

  private static Verification verify200(Map<String, List<String>> headers) {
    return VERIFIER.verify(Vectors.request(), 200, headers, Vectors.RESPONSE_BODY);
  }

  private static Map<String, List<String>> signed200() {
    return headers(
        ResponseSigner.create(List.of(KEY))
            .sign(Vectors.request(), 200, Vectors.RESPONSE_BODY, CREATED));
  }

  @Test
  void sign_vector200_givesTheHeadersOfProtocolMd() {
    SignatureHeaders h =
        ResponseSigner.create(List.of(KEY))
            .sign(Vectors.request(), 200, Vectors.RESPONSE_BODY, CREATED);

    assertThat(h.contentDigest()).isEqualTo(Vectors.RESPONSE_DIGEST);
    assertThat(h.signatureInput()).isEqualTo(Vectors.SIGNATURE_INPUT_200);
    assertThat(h.signature()).isEqualTo(Vectors.SIGNATURE_200);
    assertThat(ContentDigest.of(Vectors.REQUEST_BODY).headerValue())
        .isEqualTo(Vectors.REQUEST_DIGEST);
  }

  @Test
  void sign_vector204_signsNoUpdate_withoutAContentDigest() {
    SignatureHeaders h =
        ResponseSigner.create(List.of(KEY)).sign(Vectors.request(), 204, new byte[0], CREATED);

    assertThat(h.contentDigest()).isNull();
    assertThat(h.signatureInput()).isEqualTo(Vectors.SIGNATURE_INPUT_204);
    assertThat(h.signature()).isEqualTo(Vectors.SIGNATURE_204);
    assertThat(VERIFIER.verify(Vectors.request(), 204, headers(h), new byte[0]).keyId())
        .isEqualTo(Vectors.KEY_ID);
  }

  @Test
  void verify_signedResponse_isValidNamingTheKey() {
    Verification v = verify200(signed200());

    assertThat(v.valid()).isTrue();
    assertThat(v.keyId()).isEqualTo(Vectors.KEY_ID);
  }

  @Test
  void verify_headerNamesInAnyCase_andOneHeaderSplitOverTwoLines() {
    SignatureHeaders h =
        ResponseSigner.create(List.of(OTHER, KEY))
            .sign(Vectors.request(), 200, Vectors.RESPONSE_BODY, CREATED);
    String[] inputs = h.signatureInput().split(", ");
    String[] sigs = h.signature().split(", ");
    Map<String, List<String>> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    m.put("Content-Digest", List.of(h.contentDigest()));
    m.put("SIGNATURE-INPUT", List.of(inputs[0], inputs[1]));
    m.put("Signature", List.of(sigs[0], " " + sigs[1] + " "));

    assertThat(verify200(m).keyId()).isEqualTo(Vectors.KEY_ID);
  }

  @Test
  void verify_bodyChanged_isInvalid_itsDigestNoLongerMatches() {
    byte[] other = "{\"available_updates\":[]}".getBytes(StandardCharsets.UTF_8);

    Verification v = VERIFIER.verify(Vectors.request(), 200, signed200(), other);

    assertThat(v.valid()).isFalse();
    assertThat(v.reason())
        .isEqualTo(
            "signature appupdate by trusted key 844f37232d3ae9f3 covers a Content-Digest that"
                + " does not match the response body");
  }

  @Test
  void verify_bodyAndItsDigestReplaced_isInvalid() {
    byte[] other = "{}".getBytes(StandardCharsets.UTF_8);
    Map<String, List<String>> h =
        with(signed200(), "content-digest", ContentDigest.of(other).headerValue());

    Verification v = VERIFIER.verify(Vectors.request(), 200, h, other);

    assertThat(v.reason())
        .startsWith(
            "signature appupdate by trusted key 844f37232d3ae9f3 does not verify: the"
                + " status, the body, or the request it answers (POST"
                + " https://updates.example.com/v1/update with its Content-Digest) differs");
  }

  @Test
  void verify_signed204ReplayedAsAnotherStatus_isInvalid() {
    SignatureHeaders h =
        ResponseSigner.create(List.of(KEY)).sign(Vectors.request(), 204, new byte[0], CREATED);

    assertThat(VERIFIER.verify(Vectors.request(), 200, headers(h), new byte[0]).reason())
        .contains("does not verify");
  }

  @Test
  void verify_answerToAnotherNonce_isInvalid_aReplay() {
    RequestBinding now =
        RequestBinding.of(
            "POST",
            Vectors.TARGET,
            Vectors.REQUEST_DIGEST,
            "_-_-AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxw");

    Verification v = VERIFIER.verify(now, 200, signed200(), Vectors.RESPONSE_BODY);

    assertThat(v.reason())
        .isEqualTo(
            "signature appupdate by trusted key 844f37232d3ae9f3 is over another nonce than the"
                + " one this request sent: an answer to another request, or a replayed one");
  }

  @Test
  void verify_answerToAnotherRequestBody_isInvalid() {
    RequestBinding other =
        RequestBinding.of(
            "POST",
            Vectors.TARGET,
            ContentDigest.of(new byte[] {'{', '}'}).headerValue(),
            Vectors.NONCE);

    assertThat(VERIFIER.verify(other, 200, signed200(), Vectors.RESPONSE_BODY).reason())
        .contains("does not verify");
  }

  @Test
  void verify_anotherTargetUri_isInvalid_butSpellingsOfTheSameUriAgree() {
    RequestBinding elsewhere =
        RequestBinding.of(
            "POST",
            URI.create("https://updates.example.com/v2/update"),
            Vectors.REQUEST_DIGEST,
            Vectors.NONCE);
    RequestBinding sameUri =
        RequestBinding.of(
            "POST",
            URI.create("HTTPS://Updates.Example.COM:443/v1/update"),
            Vectors.REQUEST_DIGEST,
            Vectors.NONCE);

    assertThat(VERIFIER.verify(elsewhere, 200, signed200(), Vectors.RESPONSE_BODY).valid())
        .isFalse();
    assertThat(VERIFIER.verify(sameUri, 200, signed200(), Vectors.RESPONSE_BODY).valid()).isTrue();
  }

  @Test
  void verify_signedByAnUntrustedKey_isInvalidNamingIt() {
    SignatureHeaders h =
        ResponseSigner.create(List.of(OTHER))
            .sign(Vectors.request(), 200, Vectors.RESPONSE_BODY, CREATED);

    assertThat(verify200(headers(h)).reason())
        .isEqualTo("signed only by keys that are not trusted: " + OTHER.keyId());
  }

  @Test
  void verify_twoServerKeysDuringAChangeOver_eitherPinnedKeySuffices() {
    SignatureHeaders h =
        ResponseSigner.create(List.of(OTHER, KEY))
            .sign(Vectors.request(), 200, Vectors.RESPONSE_BODY, CREATED);

    assertThat(h.signatureInput()).startsWith("appupdate=(").contains(", appupdate-2=(");
    assertThat(verify200(headers(h)).keyId()).isEqualTo(Vectors.KEY_ID);
    assertThat(
            ResponseVerifier.create(TrustedKeys.of(OTHER.publicKey()))
                .verify(Vectors.request(), 200, headers(h), Vectors.RESPONSE_BODY)
                .keyId())
        .isEqualTo(OTHER.keyId());
  }

  @Test
  void verify_strippedSignatureHeaders_isInvalid() {
    Map<String, List<String>> h = signed200();
    h.remove("signature-input");
    h.remove("signature");

    assertThat(verify200(h).reason())
        .isEqualTo("the response is not signed: it has no Signature-Input and Signature headers");
  }

  @Test
  void verify_signatureHeaderMissing_saysWhich() {
    Map<String, List<String>> h = signed200();
    h.remove("signature");

    assertThat(verify200(h).reason())
        .isEqualTo("the response has a Signature-Input header but no Signature header");
  }

  @Test
  void verify_aForeignSignatureNextToOurs_isSkipped() {
    Map<String, List<String>> h = signed200();
    h.put(
        "signature-input",
        List.of(
            "cdn=(\"@authority\" \"date\");created=1;keyid=\"cdn-key\";alg=\"rsa-pss-sha512\", "
                + h.get("signature-input").get(0)));
    h.put("signature", List.of("cdn=:AAAA:, " + h.get("signature").get(0)));

    assertThat(verify200(h).valid()).isTrue();
  }

  @Test
  void verify_onlyAForeignSignature_reportsWhyItIsNotOurs() {
    Map<String, List<String>> h = new HashMap<>();
    h.put(
        "Signature-Input",
        List.of(
            "cdn=(\"@authority\" \"date\");created=1;keyid=\"cdn-key\";nonce=\"n\""
                + ";alg=\"ed25519\""));
    h.put("Signature", List.of("cdn=:AAAA:"));

    assertThat(verify200(h).reason())
        .isEqualTo("signature cdn covers \"@authority\", which protocol v1 does not use");
  }

  @Test
  void verify_malformedSignatureInput_namesTheHeaderAndThePlace() {
    Map<String, List<String>> h = with(signed200(), "signature-input", "appupdate=(\"@status\"");

    assertThat(verify200(h).reason())
        .isEqualTo(
            "Signature-Input is not an RFC 8941 dictionary: expected ' ' or ')' in an inner list"
                + " at offset 20, got the end");
  }

  @Test
  void verify_malformedSignature_namesTheHeader() {
    Map<String, List<String>> h = with(signed200(), "signature", "appupdate=:not base64!:");

    assertThat(verify200(h).reason())
        .startsWith("Signature is not an RFC 8941 dictionary: expected base64");
  }

  @Test
  void verify_signatureOfTheWrongLength_isInvalid() {
    Map<String, List<String>> h = with(signed200(), "signature", "appupdate=:AAAA:");

    assertThat(verify200(h).reason())
        .isEqualTo(
            "signature appupdate by trusted key 844f37232d3ae9f3 is not a 64-byte byte sequence"
                + " in the Signature header");
  }

  @Test
  void verify_signatureNotCoveringTheContent_isInvalid() {
    Map<String, List<String>> h = with(signed200(), "signature-input", Vectors.SIGNATURE_INPUT_204);

    assertThat(verify200(h).reason())
        .isEqualTo("signature appupdate does not cover \"content-digest\"");
  }

  @Test
  void verify_unexpectedParameterOrAlgorithm_isInvalid() {
    Map<String, List<String>> expires =
        with(signed200(), "signature-input", Vectors.SIGNATURE_INPUT_200 + ";expires=1");
    Map<String, List<String>> hmac =
        with(
            signed200(),
            "signature-input",
            Vectors.SIGNATURE_INPUT_200.replace("alg=\"ed25519\"", "alg=\"hmac-sha256\""));
    Map<String, List<String>> noKeyId =
        with(
            signed200(),
            "signature-input",
            Vectors.SIGNATURE_INPUT_200.replace(";keyid=\"844f37232d3ae9f3\"", ""));

    assertThat(verify200(expires).reason())
        .isEqualTo("signature appupdate has the parameter expires, which protocol v1 does not use");
    assertThat(verify200(hmac).reason())
        .isEqualTo(
            "signature appupdate uses alg \"hmac-sha256\"; protocol v1 uses alg=\"ed25519\"");
    assertThat(verify200(noKeyId).reason()).isEqualTo("signature appupdate has no keyid");
  }

  @Test
  void verify_repeatedComponent_isInvalid() {
    Map<String, List<String>> h =
        with(
            signed200(),
            "signature-input",
            Vectors.SIGNATURE_INPUT_200.replace("(\"@status\"", "(\"@status\" \"@status\""));

    assertThat(verify200(h).reason()).isEqualTo("signature appupdate covers \"@status\" twice");
  }

  @Test
  void verify_hugeHeader_isRefusedUnread() {
    Map<String, List<String>> h = with(signed200(), "signature", "a=1, ".repeat(2000) + "b=2");

    assertThat(verify200(h).reason()).isEqualTo("Signature is longer than 8192 characters");
  }

  @Test
  void sign_problemResponse_isRefused() {
    ResponseSigner signer = ResponseSigner.create(List.of(KEY));

    assertThatThrownBy(() -> signer.sign(Vectors.request(), 400, new byte[1], CREATED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("only successful responses (2xx) are signed, not problem responses; got 400");
  }

  @Test
  void create_sameKeyTwice_isRefused() {
    assertThatThrownBy(() -> ResponseSigner.create(List.of(KEY, Vectors.signingKey())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key 844f37232d3ae9f3 is given twice");
  }

  @Test
  void sign_withAPluggableSigner_verifiesWithTheJdk() {
    SigningKey jdk = Vectors.signingKey();
    int[] calls = {0};
    SigningKey plugged =
        SigningKey.of(
            jdk.publicKey(),
            message -> {
              calls[0]++;
              return jdk.sign(message);
            });

    SignatureHeaders h =
        ResponseSigner.create(List.of(plugged))
            .sign(Vectors.request(), 200, Vectors.RESPONSE_BODY, CREATED);

    assertThat(calls[0]).isEqualTo(1);
    assertThat(h.signature()).isEqualTo(Vectors.SIGNATURE_200);
  }

  @Test
  void requestBinding_normalizesTheTargetUri_andChecksItsValues() {
    assertThat(
            RequestBinding.of("POST", URI.create("HTTP://H.example:80"), "x", Vectors.NONCE)
                .targetUri())
        .isEqualTo(URI.create("http://h.example/"));
    assertThat(
            RequestBinding.of(
                    "POST",
                    URI.create("https://h.example:8443/p/v1/update?a=B"),
                    "x",
                    Vectors.NONCE)
                .targetUri())
        .isEqualTo(URI.create("https://h.example:8443/p/v1/update?a=B"));
    assertThatThrownBy(
            () -> RequestBinding.of("POST", URI.create("/v1/update"), "x", Vectors.NONCE))
        .hasMessageStartingWith("targetUri must be an absolute http or https URL");
    assertThatThrownBy(() -> RequestBinding.of("POST", Vectors.TARGET, "x", "short"))
        .hasMessage(
            "nonce must be 32 random bytes as base64url without padding (43 characters), got"
                + " \"short\"");
    assertThatThrownBy(() -> RequestBinding.of("POST", Vectors.TARGET, "a\nb", Vectors.NONCE))
        .hasMessageStartingWith("contentDigest must be a Content-Digest header value");
  }
}
