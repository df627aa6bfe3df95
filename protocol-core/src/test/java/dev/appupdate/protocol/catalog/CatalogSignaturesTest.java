package dev.appupdate.protocol.catalog;

import static dev.appupdate.protocol.catalog.CatalogTest.catalog;
import static dev.appupdate.protocol.catalog.CatalogTest.parse;
import static dev.appupdate.protocol.catalog.CatalogTest.problems;
import static dev.appupdate.protocol.catalog.CatalogTest.release;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.ReleaseSignature;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code signatures} key of a catalog release. */
class CatalogSignaturesTest {
  static final String ID1 = "0123456789abcdef";
  static final String ID2 = "fedcba9876543210";
  static final String SIG = "A".repeat(85) + "w";

  static String signature(String keyId, String signature) {
    return "{\"key_id\":\"" + keyId + "\",\"signature\":\"" + signature + "\"}";
  }

  @Test
  void parse_signatures_areReadInOrder() {
    Catalog c =
        parse(
            catalog(
                release(
                    "\"signatures\":[" + signature(ID1, SIG) + "," + signature(ID2, SIG) + "]")));

    assertThat(c.releases().get(0).signatures())
        .containsExactly(ReleaseSignature.of(ID1, SIG), ReleaseSignature.of(ID2, SIG));
  }

  @Test
  void parse_noSignatures_isAnUnsignedRelease() {
    assertThat(parse(catalog(release(""))).releases().get(0).signatures()).isEmpty();
    assertThat(parse(catalog(release("\"signatures\":[]"))).releases().get(0).signatures())
        .isEmpty();
  }

  @Test
  void parse_badSignatures_reportsEachWithItsPath() {
    String json =
        catalog(
            release(
                "\"signatures\":["
                    + signature("0123456789ABCDEF", SIG)
                    + ","
                    + signature(ID1, SIG + "=")
                    + ","
                    + "{\"key_id\":\""
                    + ID2
                    + "\"},"
                    + "7,"
                    + "{\"key_id\":\""
                    + ID2
                    + "\",\"signature\":\""
                    + SIG
                    + "\",\"alg\":\"x\"},"
                    + signature(ID1, "A".repeat(85) + "B")
                    + ","
                    + signature(ID1, SIG)
                    + "]"));

    assertThat(problems(json))
        .containsExactly(
            "releases[0].signatures[0].key_id: must be lower-case hex digits, got 'A' at offset"
                + " 10",
            "releases[0].signatures[1].signature: must be an Ed25519 signature: 64 bytes as 86"
                + " base64url characters without padding, got 87 characters",
            "releases[0].signatures[2].signature: is required",
            "releases[0].signatures[3]: must be a JSON object, got 7",
            "releases[0].signatures[4].alg: unknown key; allowed: key_id, signature",
            "releases[0].signatures[5].signature: must be canonical base64url: the last"
                + " character of 64 bytes is A, Q, g or w, got 'B'",
            "releases[0].signatures[4].key_id: duplicates signatures[2]: a release has at most"
                + " one signature per key, got "
                + ID2
                + " twice",
            "releases[0].signatures[5].key_id: duplicates signatures[1]: a release has at most"
                + " one signature per key, got "
                + ID1
                + " twice",
            "releases[0].signatures[6].key_id: duplicates signatures[1]: a release has at most"
                + " one signature per key, got "
                + ID1
                + " twice");
  }

  @Test
  void parse_signaturesNotAnArray_isReported() {
    assertThat(problems(catalog(release("\"signatures\":{}"))))
        .containsExactly("releases[0].signatures: must be a JSON array, got an object");
  }

  @Test
  void builder_twoSignaturesByOneKey_isRefused() {
    Release.Builder b =
        CatalogTest.parse(catalog(release(""))).releases().get(0).toBuilder()
            .signatures(List.of(ReleaseSignature.of(ID1, SIG), ReleaseSignature.of(ID1, SIG)));

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "signatures[1].key_id: duplicates signatures[0]: a release has at most one"
                + " signature per key, got "
                + ID1
                + " twice");
  }

  @Test
  void toString_namesTheSigningKeys() {
    Release r =
        parse(catalog(release("\"signatures\":[" + signature(ID1, SIG) + "]"))).releases().get(0);

    assertThat(r.toString()).endsWith(", signed by " + ID1 + "]");
  }
}
