package dev.appupdate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class ContentTypesTest {
  private final ServerCodec codec = ServerCodec.create();

  @ParameterizedTest
  @NullSource
  @ValueSource(
      strings = {
        "",
        "application/json",
        "APPLICATION/JSON",
        " application/json ",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        "application/json; CHARSET=\"Utf-8\"",
        "application/json; charset=us-ascii",
        "application/json; charset=\"US-ASCII\"",
        "application/json; version=2; charset=utf-8",
        "application/json; profile=\"a;charset=latin1\"",
        "application/problem+json",
        "application/vnd.example+json; charset=utf-8",
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=UTF-8",
        "application/json;",
        "application/json; ; charset=utf-8;",
        "application/json \t;\tcharset=utf-8 ; q=1",
        "application/json; foo=\"\"",
        "application/json; foo=\"a\\\"b;c\"; charset=utf-8",
        "application/json; charset=\"utf\\-8\"",
        "application/json; foo=!#$%&'*+-.^_`|~",
        "application/vnd.a!#$%&'*.^_`|~-b+json"
      })
  void accepted(String contentType) {
    assertThat(codec.checkContentType(contentType)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "text/plain",
        "text/json",
        "application/xml",
        "application/+json",
        "application/a/b+json",
        "application/a b+json",
        "application/\"x\"+json",
        "application/a;b+json",
        "multipart/form-data; boundary=x",
        "json"
      })
  void refusedMediaType_is415NamingIt(String contentType) {
    Optional<Problem> p = codec.checkContentType(contentType);

    assertThat(p).isPresent();
    assertThat(p.get().status()).isEqualTo(415);
    assertThat(p.get().title()).isEqualTo("Unsupported Media Type");
    assertThat(p.get().detail()).startsWith("content type \"").contains("is not accepted");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json; charset=iso-8859-1",
        "application/json; charset=\"ISO-8859-1\"",
        "application/json; charset=utf-16",
        "application/json; charset=utf8",
        "application/x-www-form-urlencoded; charset=windows-1252",
        "application/json; charset=utf-8; charset=latin1"
      })
  void refusedCharset_is415NamingTheCharset(String contentType) {
    Optional<Problem> p = codec.checkContentType(contentType);

    assertThat(p).isPresent();
    assertThat(p.get().status()).isEqualTo(415);
    assertThat(p.get().detail()).startsWith("charset \"").contains("is not accepted");
  }

  @Test
  void refusedCharset_detailQuotesTheCharsetAsSent() {
    assertThat(codec.checkContentType("application/json; charset=\"ISO-8859-1\"").get().detail())
        .isEqualTo(
            "charset \"ISO-8859-1\" is not accepted: bodies are UTF-8 JSON (send charset utf-8,"
                + " or none)");
  }

  @Test
  void contentType_strayQuoteInAnUnquotedParameter_doesNotHideALatin1Charset() {
    // RFC 9110: a '"' may appear only in a quoted-string, so a"b is no token. The header is
    // malformed; it must not be accepted as UTF-8 JSON while it declares iso-8859-1.
    assertThat(codec.checkContentType("application/json; foo=a\"b; charset=iso-8859-1").get().detail())
        .isEqualTo(
            "malformed Content-Type \"application/json; foo=a\\\"b; charset=iso-8859-1\":"
                + " unexpected '\"' at offset 23 in the value of parameter \"foo\"; quote a value"
                + " that holds anything but letters, digits and !#$%&'*+-.^_`|~");
  }

  @Test
  void contentType_unterminatedQuotedParameter_doesNotHideALatin1Charset() {
    assertThat(codec.checkContentType("application/json; foo=\"x; charset=iso-8859-1").get().detail())
        .isEqualTo(
            "malformed Content-Type \"application/json; foo=\\\"x; charset=iso-8859-1\":"
                + " the quoted value of parameter \"foo\" is not closed");
  }

  @Test
  void contentType_subtypeThatIsNoToken_isRefused() {
    // "a b+json" and "\"x\"+json" are not RFC 9110 tokens, so not application/*+json.
    assertThat(codec.checkContentType("application/a b+json")).isPresent();
    assertThat(codec.checkContentType("application/\"x\"+json")).isPresent();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json; charset=",
        "application/json; charset=;",
        "application/json; charset",
        "application/json; charset= utf-8",
        "application/json; charset =utf-8",
        "application/json; =utf-8",
        "application/json; \"charset\"=utf-8",
        "application/json; foo=\"x\"y; charset=utf-8",
        "application/json; foo=\"x\" y",
        "application/json; foo=a b",
        "application/json; foo=a\"b\"",
        "application/json; foo=\"x",
        "application/json; foo=\"x\\",
        "application/json; foo=\"x\\\"",
        "application/json; foo=\"a\u0001b\"",
        "application/json; foo=@",
        "application/json; foo=\u00e9",
        "application/json; charset=utf-8 utf-16"
      })
  void malformedParameters_are415SayingWhatIsMalformed(String contentType) {
    Optional<Problem> p = codec.checkContentType(contentType);

    assertThat(p).isPresent();
    assertThat(p.get().status()).isEqualTo(415);
    assertThat(p.get().title()).isEqualTo("Unsupported Media Type");
    assertThat(p.get().detail()).startsWith("malformed Content-Type \"application/json; ");
  }

  @Test
  void emptyCharset_isMalformed() {
    assertThat(codec.checkContentType("application/json; charset=").get().detail())
        .isEqualTo(
            "malformed Content-Type \"application/json; charset=\": parameter \"charset\" has no"
                + " value");
  }
}
