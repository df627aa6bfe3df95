package dev.appupdate.protocol;

import static dev.appupdate.protocol.TestDocs.doc;
import static dev.appupdate.protocol.TestDocs.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code signatures} member of an offer: written by the server, read strictly by clients. */
class OfferSignaturesCodecTest {
  private static final String SHA512 = hex(HashFunction.SHA512, "important data v1");
  private static final String ID1 = "0123456789abcdef";
  private static final String ID2 = "fedcba9876543210";
  private static final String SIG = "A".repeat(85) + "Q";

  private final ServerCodec server = ServerCodec.create();
  private final ClientCodec client = ClientCodec.create();

  private static AvailableUpdate.Builder offer() {
    return AvailableUpdate.builder()
        .updateType("data")
        .url(URI.create("https://updates.example.com/data"))
        .hashFunction(HashFunction.SHA512)
        .hashValue(SHA512)
        .size(1234)
        .version("1.0");
  }

  private static byte[] response(String signatures) {
    return doc(
        "{'available_updates':[{'update_type':'data','url':'https://updates.example.com/data',"
            + "'hash_function':'sha512','hash_value':'"
            + SHA512
            + "','size':1234,"
            + "'version':'1.0','signatures':"
            + signatures
            + "}],'request_id':'r1'}");
  }

  @Test
  void encodeThenDecode_signatures_roundTripInOrder() {
    AvailableUpdate signed =
        offer()
            .signatures(List.of(ReleaseSignature.of(ID2, SIG), ReleaseSignature.of(ID1, SIG)))
            .build();

    byte[] json = server.encodeUpdateResponse(UpdateResponse.of(List.of(signed), "r1"));

    assertThat(new String(json, StandardCharsets.UTF_8))
        .contains(
            "\"signatures\":[{\"key_id\":\""
                + ID2
                + "\",\"signature\":\""
                + SIG
                + "\"},"
                + "{\"key_id\":\""
                + ID1
                + "\",\"signature\":\""
                + SIG
                + "\"}]");
    assertThat(client.decodeUpdateResponse(json).availableUpdates()).containsExactly(signed);
  }

  @Test
  void encode_unsignedOffer_writesNoSignaturesMember() {
    byte[] json = server.encodeUpdateResponse(UpdateResponse.of(List.of(offer().build()), "r1"));

    assertThat(new String(json, StandardCharsets.UTF_8)).doesNotContain("signatures");
  }

  @Test
  void decode_unknownMemberOfASignature_isIgnored() {
    UpdateResponse r =
        client.decodeUpdateResponse(
            response("[{'key_id':'" + ID1 + "','signature':'" + SIG + "','alg':'ed25519'}]"));

    assertThat(r.availableUpdates().get(0).signatures())
        .containsExactly(ReleaseSignature.of(ID1, SIG));
  }

  @Test
  void decode_malformedSignature_setsTheOfferAside() {
    UpdateResponse r =
        client.decodeUpdateResponse(
            response(
                "[{'key_id':'"
                    + ID1
                    + "','signature':'"
                    + SIG.substring(1)
                    + "'},"
                    + "{'key_id':'"
                    + ID2
                    + "'}]"));

    assertThat(r.availableUpdates()).isEmpty();
    assertThat(r.rejected()).hasSize(1);
    assertThat(r.rejected().get(0).errors())
        .containsExactly(
            new FieldError(
                "available_updates[0].signatures[0].signature",
                "must be an Ed25519 signature: 64 bytes as 86 base64url characters without"
                    + " padding, got 85 characters"),
            new FieldError("available_updates[0].signatures[1].signature", "is required"));
  }

  @Test
  void decode_twoSignaturesByOneKey_setsTheOfferAside() {
    UpdateResponse r =
        client.decodeUpdateResponse(
            response(
                "[{'key_id':'"
                    + ID1
                    + "','signature':'"
                    + SIG
                    + "'},"
                    + "{'key_id':'"
                    + ID1
                    + "','signature':'"
                    + SIG
                    + "'}]"));

    assertThat(r.rejected().get(0).errors())
        .containsExactly(
            new FieldError(
                "available_updates[0].signatures[1].key_id",
                "duplicates signatures[0]: a release has at most one signature per key, got "
                    + ID1
                    + " twice"));
  }

  @Test
  void builder_twoSignaturesByOneKey_isRefused() {
    AvailableUpdate.Builder b =
        offer().signatures(List.of(ReleaseSignature.of(ID1, SIG), ReleaseSignature.of(ID1, SIG)));

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("signatures[1].key_id: duplicates signatures[0]");
  }

  @Test
  void releaseSignature_of_checksBothValues() {
    assertThatThrownBy(() -> ReleaseSignature.of("abc", SIG))
        .hasMessage("key_id: must be 16 lower-case hex digits, got 3 characters");
    assertThatThrownBy(() -> ReleaseSignature.of(ID1, SIG.replace('A', '+')))
        .hasMessage(
            "signature: must be base64url (A-Z, a-z, 0-9, '-', '_', no padding), got '+' at"
                + " offset 0");
  }
}
