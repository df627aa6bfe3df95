package dev.appupdate.protocol.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.FieldError;
import dev.appupdate.protocol.ProtocolException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcceptSignatureTest {

  @Test
  void headerValue_oneMemberPerTrustedKey_sameNonce() {
    AcceptSignature a =
        AcceptSignature.of(Vectors.NONCE, List.of(Vectors.KEY_ID, "0011223344556677"));

    assertThat(a.headerValue())
        .isEqualTo(
            "appupdate=(\"@status\" \"content-digest\" \"@method\";req \"@target-uri\";req"
                + " \"content-digest\";req);keyid=\"844f37232d3ae9f3\";nonce=\""
                + Vectors.NONCE
                + "\";alg=\"ed25519\", appupdate-2=(\"@status\" \"content-digest\" \"@method\";req"
                + " \"@target-uri\";req \"content-digest\";req);keyid=\"0011223344556677\";nonce=\""
                + Vectors.NONCE
                + "\";alg=\"ed25519\"");
  }

  @Test
  void parse_whatTheClientSends_givesItsNonceAndKeyIds() {
    AcceptSignature sent =
        AcceptSignature.of(Vectors.NONCE, List.of(Vectors.KEY_ID, "0011223344556677"));

    AcceptSignature read = AcceptSignature.parse(sent.headerValue()).orElseThrow();

    assertThat(read.nonce()).isEqualTo(Vectors.NONCE);
    assertThat(read.keyIds()).containsExactly(Vectors.KEY_ID, "0011223344556677");
  }

  @Test
  void parse_otherMembers_areIgnored_andNoKeyIdIsAllowed() {
    AcceptSignature read =
        AcceptSignature.parse(
            "sig1=(\"@method\");keyid=\"x\", appupdate=(\"@status\");nonce=\""
                + Vectors.NONCE
                + "\";created")
            .orElseThrow();

    assertThat(read.nonce()).isEqualTo(Vectors.NONCE);
    assertThat(read.keyIds()).isEmpty();
  }

  @Test
  void create_drawsAFreshNonceEachTime() {
    TrustedKeys trusted = Vectors.trusted();

    AcceptSignature a = AcceptSignature.create(trusted);
    AcceptSignature b = AcceptSignature.create(trusted);

    assertThat(a.nonce()).hasSize(43).isNotEqualTo(b.nonce());
    assertThat(a.keyIds()).containsExactly(Vectors.KEY_ID);
  }

  @Test
  void parse_noAppupdateMember_isNoRequestForOurSignature() {
    String nonce = ";nonce=\"" + Vectors.NONCE + "\"";

    assertThat(AcceptSignature.parse("sig1=(\"@status\")" + nonce)).isEmpty();
    assertThat(AcceptSignature.parse("appupdate-2=(\"@status\")" + nonce)).isEmpty();
    assertThat(AcceptSignature.parse("sig1=(\"@method\"), appupdate-2=1")).isEmpty();
    assertThat(
            AcceptSignature.parse("appupdate-2=(\"@status\")" + nonce + ", appupdate=()" + nonce))
        .isPresent();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "appupdate=(|is not an RFC 8941 dictionary: expected an item (a number, \"string\","
            + " token, :bytes: or ?boolean) at offset 11, got the end",
        "appupdate=1;nonce=\"x\"|member appupdate must be an inner list of components",
        "appupdate=()|member appupdate has no nonce parameter",
        "appupdate=();nonce=\"abc\"|member appupdate: nonce must be 32 random bytes as"
            + " base64url without padding (43 characters)",
        "appupdate=();nonce=1|member appupdate: nonce must be a string",
        "appupdate=();nonce=\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\";keyid=\"KEY\"|member"
            + " appupdate: keyid must be 16 lower-case hex digits, got 3 characters",
        "appupdate=();nonce=\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\";alg=\"rsa\"|member"
            + " appupdate: alg must be \"ed25519\"",
        "appupdate=();nonce=\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\", appupdate-2=()"
            + ";nonce=\"_-_-AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxw\"|member appupdate-2 has"
            + " another nonce than the first member",
      })
  void parse_malformed_namesTheHeaderAndWhatIsWrong(String header, String message) {
    assertThatThrownBy(() -> AcceptSignature.parse(header))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(new FieldError("Accept-Signature", message)));
  }

  @Test
  void of_badNonce_isRefused() {
    assertThatThrownBy(
            () -> AcceptSignature.of("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("nonce must be 32 random bytes");
  }
}
