package dev.appupdate.protocol.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.signature.StructuredFields.InnerList;
import dev.appupdate.protocol.signature.StructuredFields.Item;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The signature base of RFC 9421, held to the RFC's own published Ed25519 example. */
class SignatureBaseTest {
  // RFC 9421, Appendix B.1.4: test-key-ed25519.
  static final String RFC_PRIVATE_PEM =
      "-----BEGIN PRIVATE KEY-----\n"
          + "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n"
          + "-----END PRIVATE KEY-----\n";
  static final String RFC_PUBLIC_PEM =
      "-----BEGIN PUBLIC KEY-----\n"
          + "MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\n"
          + "-----END PUBLIC KEY-----\n";

  // RFC 9421, Appendix B.2.6: signing a request using ed25519.
  static final String RFC_BASE =
      "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n"
          + "\"@method\": POST\n"
          + "\"@path\": /foo\n"
          + "\"@authority\": example.com\n"
          + "\"content-type\": application/json\n"
          + "\"content-length\": 18\n"
          + "\"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\""
          + " \"content-type\" \"content-length\");created=1618884473"
          + ";keyid=\"test-key-ed25519\"";
  static final String RFC_SIGNATURE_INPUT =
      "sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\""
          + " \"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";
  static final String RFC_SIGNATURE =
      "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpB"
          + "KRCw==:";

  private static InnerList rfcParams() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("created", 1618884473L);
    params.put("keyid", "test-key-ed25519");
    return new InnerList(
        List.of(
            Item.of("date"),
            Item.of("@method"),
            Item.of("@path"),
            Item.of("@authority"),
            Item.of("content-type"),
            Item.of("content-length")),
        params);
  }

  private static final List<String> RFC_VALUES =
      List.of(
          "Tue, 20 Apr 2021 02:07:55 GMT", "POST", "/foo", "example.com", "application/json", "18");

  @Test
  void build_rfc9421AppendixB26_givesTheRfcsSignatureBase() {
    assertThat(SignatureBase.build(rfcParams(), RFC_VALUES)).isEqualTo(RFC_BASE);
  }

  @Test
  void sign_rfc9421AppendixB26_givesTheRfcsSignature() {
    PrivateKey key = Ed25519Keys.parsePrivateKey(RFC_PRIVATE_PEM);

    byte[] signature = Ed25519.sign(key, SignatureBase.bytes(rfcParams(), RFC_VALUES));

    Map<String, Object> inputs = new LinkedHashMap<>();
    inputs.put("sig-b26", rfcParams());
    Map<String, Object> signatures = new LinkedHashMap<>();
    signatures.put("sig-b26", Item.of(signature));
    assertThat(StructuredFields.serializeDictionary(inputs)).isEqualTo(RFC_SIGNATURE_INPUT);
    assertThat(StructuredFields.serializeDictionary(signatures)).isEqualTo(RFC_SIGNATURE);
  }

  @Test
  void verify_rfc9421AppendixB26_parsedFromItsHeaders_verifiesWithTheRfcsPublicKey()
      throws Exception {
    PublicKey key = Ed25519Keys.parsePublicKey(RFC_PUBLIC_PEM);
    InnerList input =
        (InnerList) StructuredFields.parseDictionary(RFC_SIGNATURE_INPUT).get("sig-b26");
    byte[] signature =
        (byte[]) ((Item) StructuredFields.parseDictionary(RFC_SIGNATURE).get("sig-b26")).value;

    byte[] base = SignatureBase.bytes(input, RFC_VALUES);

    assertThat(new String(base, StandardCharsets.US_ASCII)).isEqualTo(RFC_BASE);
    assertThat(Ed25519.verify(key, base, signature)).isTrue();
    assertThat(Base64.getEncoder().encodeToString(signature))
        .isEqualTo(
            "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WP"
                + "pBKRCw==");
    base[base.length - 2] ^= 1;
    assertThat(Ed25519.verify(key, base, signature)).isFalse();
  }

  @Test
  void build_valueWithALineFeed_isRefused_itWouldForgeTheNextLine() {
    InnerList params = new InnerList(List.of(Item.of("x")), Map.of());

    assertThatThrownBy(() -> SignatureBase.build(params, List.of("a\n\"@status\": 200")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("value of \"x\" holds U+000A");
  }

  @Test
  void build_repeatedComponent_isRefused() {
    InnerList params = new InnerList(List.of(Item.of("x"), Item.of("x")), Map.of());

    assertThatThrownBy(() -> SignatureBase.build(params, List.of("1", "2")))
        .hasMessage("component \"x\" cannot be covered here");
  }

  @Test
  void build_protocolVectors_matchProtocolMd() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("created", Vectors.CREATED);
    params.put("keyid", Vectors.KEY_ID);
    params.put("nonce", Vectors.NONCE);
    params.put("alg", "ed25519");

    String base200 =
        SignatureBase.build(
            new InnerList(Profile.COMPONENTS, params),
            ResponseSigner.values(
                Profile.COMPONENTS, 200, Vectors.RESPONSE_DIGEST, Vectors.request()));
    String base204 =
        SignatureBase.build(
            new InnerList(Profile.COMPONENTS_WITHOUT_CONTENT, params),
            ResponseSigner.values(
                Profile.COMPONENTS_WITHOUT_CONTENT, 204, null, Vectors.request()));

    assertThat(base200).isEqualTo(Vectors.BASE_200);
    assertThat(base204).isEqualTo(Vectors.BASE_204);
  }
}
