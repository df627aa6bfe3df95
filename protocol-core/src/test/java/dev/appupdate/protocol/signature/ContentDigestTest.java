package dev.appupdate.protocol.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.FieldError;
import dev.appupdate.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentDigestTest {
  // RFC 9530, section 2: the digest of {"hello": "world"}.
  private static final byte[] HELLO = "{\"hello\": \"world\"}".getBytes(StandardCharsets.UTF_8);
  private static final String HELLO_DIGEST =
      "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";

  @Test
  void of_rfc9530Example_givesTheRfcsHeaderValue() {
    assertThat(ContentDigest.of(HELLO).headerValue()).isEqualTo(HELLO_DIGEST);
  }

  @Test
  void parse_thenMatches_onlyTheSameBody() {
    ContentDigest d = ContentDigest.parse(HELLO_DIGEST);

    assertThat(d.matches(HELLO)).isTrue();
    assertThat(d.matches("{\"hello\": \"World\"}".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(d).isEqualTo(ContentDigest.of(HELLO));
  }

  @Test
  void parse_otherAlgorithmsBeside_areIgnored() {
    ContentDigest d =
        ContentDigest.parse(
            "sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/"
                + "WkppmM44T3qg==:, "
                + HELLO_DIGEST);

    assertThat(d.matches(HELLO)).isTrue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "sha-512=:AAAA:|has no sha-256 digest, the one this protocol uses; got sha-512",
        "|has no sha-256 digest, the one this protocol uses; got none",
        "sha-256=:AAAA:|sha-256 must be a byte sequence of 32 bytes, such as"
            + " sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
        "sha-256=X48E|sha-256 must be a byte sequence of 32 bytes, such as"
            + " sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:",
        "sha-256=:X48E;|is not an RFC 8941 dictionary: byte sequence at offset 8 has no"
            + " closing ':'",
      })
  void parse_malformed_namesTheHeaderAndWhatIsWrong(String header, String message) {
    assertThatThrownBy(() -> ContentDigest.parse(header == null ? "" : header))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> assertThat(e.errors()).containsExactly(new FieldError("Content-Digest", message)));
  }

  @Test
  void of_emptyBody_isTheDigestOfNothing() {
    assertThat(ContentDigest.of(new byte[0]).headerValue())
        .isEqualTo("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
  }
}
