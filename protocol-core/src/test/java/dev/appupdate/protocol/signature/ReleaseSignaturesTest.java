package dev.appupdate.protocol.signature;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.ReleaseSignature;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.Matcher;
import dev.appupdate.protocol.catalog.Release;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReleaseSignaturesTest {
  private static final SigningKey KEY = Vectors.signingKey();
  private static final SigningKey OTHER = SigningKey.of(Ed25519Keys.generate());

  @Test
  void canonicalBytes_matchTheVectorOfProtocolMd() {
    assertThat(HexFormat.of().formatHex(ReleaseSignatures.canonicalBytes(Vectors.release())))
        .isEqualTo(Vectors.CANONICAL_HEX);
  }

  @Test
  void sign_vectorRelease_givesTheVectorSignature() {
    Release signed = ReleaseSignatures.sign(Vectors.release(), KEY);

    assertThat(signed.signatures())
        .containsExactly(ReleaseSignature.of(Vectors.KEY_ID, Vectors.RELEASE_SIGNATURE));
    assertThat(signed.toBuilder().signatures(List.of()).build()).isEqualTo(Vectors.release());
  }

  @Test
  void verify_signedRelease_isValidNamingTheKey() {
    Verification v =
        ReleaseSignatures.verify(ReleaseSignatures.sign(Vectors.release(), KEY), Vectors.trusted());

    assertThat(v.valid()).isTrue();
    assertThat(v.keyId()).isEqualTo(Vectors.KEY_ID);
    assertThat(v.reason()).isNull();
  }

  static Stream<Arguments> tamperings() {
    return Stream.of(
        Arguments.of("product", (UnaryOperator<Release.Builder>) b -> b.product("other_app")),
        Arguments.of("update type", (UnaryOperator<Release.Builder>) b -> b.updateType("blob")),
        Arguments.of("version", (UnaryOperator<Release.Builder>) b -> b.version("1.0.0")),
        Arguments.of(
            "hash value",
            (UnaryOperator<Release.Builder>) b -> b.hashValue("0" + Vectors.HASH.substring(1))),
        Arguments.of("size", (UnaryOperator<Release.Builder>) b -> b.size(1235)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tamperings")
  void verify_signedFieldChangedAfterSigning_doesNotVerify(
      String field, UnaryOperator<Release.Builder> change) {
    Release signed = ReleaseSignatures.sign(Vectors.release(), KEY);
    Release tampered = change.apply(signed.toBuilder()).build();

    Verification v = ReleaseSignatures.verify(tampered, Vectors.trusted());

    assertThat(v.valid()).isFalse();
    assertThat(v.reason())
        .isEqualTo(
            "the signature by trusted key 844f37232d3ae9f3 does not verify: the product, update"
                + " type, version, hash function, hash value or size differs from what was"
                + " signed");
  }

  @Test
  void canonicalBytes_bindTheHashFunction_andFieldBoundaries() {
    String h64 = Vectors.HASH.substring(0, 64);

    assertThat(ReleaseSignatures.canonicalBytes("a", "t", "1", HashFunction.SHA256, h64, 1))
        .isNotEqualTo(ReleaseSignatures.canonicalBytes("a", "t", "1", HashFunction.SHA384, h64, 1));
    // Without length prefixes "ab"+"c" and "a"+"bc" would sign alike.
    assertThat(ReleaseSignatures.canonicalBytes("ab", "c", "1", HashFunction.SHA256, h64, 1))
        .isNotEqualTo(
            ReleaseSignatures.canonicalBytes("a", "bc", "1", HashFunction.SHA256, h64, 1));
  }

  @Test
  void verify_urlAndMirrorsChanged_stillVerifies_theDigestPinsTheBytes() {
    Release signed = ReleaseSignatures.sign(Vectors.release(), KEY);
    Release moved =
        Release.builder()
            .product(signed.product())
            .updateType(signed.updateType())
            .version(signed.version())
            .url("https://cdn.example.net/elsewhere.json")
            .mirrors("https://mirror.example.org/m.json")
            .hashFunction(signed.hashFunction())
            .hashValue(signed.hashValue())
            .size(signed.size())
            .signatures(signed.signatures())
            .build();

    assertThat(ReleaseSignatures.verify(moved, Vectors.trusted()).valid()).isTrue();
  }

  @Test
  void verify_signedByAnotherKey_isInvalidNamingThatKey() {
    Release signed = ReleaseSignatures.sign(Vectors.release(), OTHER);

    Verification v = ReleaseSignatures.verify(signed, Vectors.trusted());

    assertThat(v.valid()).isFalse();
    assertThat(v.keyId()).isNull();
    assertThat(v.reason()).isEqualTo("signed only by keys that are not trusted: " + OTHER.keyId());
  }

  @Test
  void verify_unsigned_isInvalid() {
    assertThat(ReleaseSignatures.verify(Vectors.release(), Vectors.trusted()).reason())
        .isEqualTo("not signed");
  }

  @Test
  void verify_garbageSignatureClaimingATrustedKey_isInvalidNotAnException() {
    Release forged =
        Vectors.release().toBuilder()
            .signatures(List.of(ReleaseSignature.of(Vectors.KEY_ID, "A".repeat(86))))
            .build();

    Verification v = ReleaseSignatures.verify(forged, Vectors.trusted());

    assertThat(v.valid()).isFalse();
    assertThat(v.reason()).startsWith("the signature by trusted key 844f37232d3ae9f3 does not");
  }

  @Test
  void rotation_oldAndNewKeySign_eachClientFindsItsKey() {
    Release both = ReleaseSignatures.sign(ReleaseSignatures.sign(Vectors.release(), KEY), OTHER);

    assertThat(both.signatures())
        .extracting(ReleaseSignature::keyId)
        .containsExactly(Vectors.KEY_ID, OTHER.keyId());
    assertThat(ReleaseSignatures.verify(both, Vectors.trusted()).keyId()).isEqualTo(Vectors.KEY_ID);
    assertThat(ReleaseSignatures.verify(both, TrustedKeys.of(OTHER.publicKey())).keyId())
        .isEqualTo(OTHER.keyId());
  }

  @Test
  void rotation_aBadSignatureByOneTrustedKey_doesNotHideAGoodOneByAnother() {
    Release both =
        Vectors.release().toBuilder()
            .signatures(
                List.of(
                    ReleaseSignature.of(OTHER.keyId(), "A".repeat(86)),
                    ReleaseSignatures.sign(Vectors.release(), KEY).signatures().get(0)))
            .build();

    Verification v =
        ReleaseSignatures.verify(both, TrustedKeys.of(OTHER.publicKey(), KEY.publicKey()));

    assertThat(v.valid()).isTrue();
    assertThat(v.keyId()).isEqualTo(Vectors.KEY_ID);
  }

  @Test
  void sign_again_withTheSameKeyAfterAnEdit_replacesItsSignature() {
    Release signed = ReleaseSignatures.sign(ReleaseSignatures.sign(Vectors.release(), OTHER), KEY);
    Release edited = signed.toBuilder().size(99).build();

    Release resigned = ReleaseSignatures.sign(edited, KEY);

    assertThat(resigned.signatures())
        .extracting(ReleaseSignature::keyId)
        .containsExactly(OTHER.keyId(), Vectors.KEY_ID);
    assertThat(ReleaseSignatures.verify(resigned, Vectors.trusted()).valid()).isTrue();
    assertThat(ReleaseSignatures.verify(resigned, TrustedKeys.of(OTHER.publicKey())).valid())
        .isFalse();
  }

  @Test
  void offer_fromTheMatcher_carriesTheSignatures_andVerifiesForTheRequestedProduct() {
    Release signed = ReleaseSignatures.sign(Vectors.release(), KEY);
    String catalog =
        "{\"releases\":[{\"product\":\"your_app\",\"update_type\":\"my_important_data\","
            + "\"version\":\"1.0\",\"url\":\"files/important_data_v1.json\","
            + "\"hash_function\":\"sha512\",\"hash_value\":\""
            + Vectors.HASH
            + "\","
            + "\"size\":1234,\"signatures\":[{\"key_id\":\""
            + Vectors.KEY_ID
            + "\","
            + "\"signature\":\""
            + signed.signatures().get(0).signature()
            + "\"}]}]}";
    Matcher matcher =
        Matcher.create(
            Catalog.parse(catalog.getBytes(StandardCharsets.UTF_8), "c.json"),
            URI.create("https://updates.example.com/"));

    List<AvailableUpdate> offers =
        matcher.match(UpdateRequest.builder("your_app", "0.9", "macOS", "de").build());

    assertThat(offers).hasSize(1);
    AvailableUpdate offer = offers.get(0);
    assertThat(offer.signatures()).isEqualTo(signed.signatures());
    assertThat(ReleaseSignatures.verify("your_app", offer, Vectors.trusted()).valid()).isTrue();
    assertThat(ReleaseSignatures.verify("their_app", offer, Vectors.trusted()).valid()).isFalse();
  }
}
