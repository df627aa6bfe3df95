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
        "application/x-www-form-urlencoded; charset=UTF-8"
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
        "application/json; charset=",
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
}
