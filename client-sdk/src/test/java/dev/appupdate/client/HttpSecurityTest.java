package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class HttpSecurityTest {

  @Test
  void isLoopback_acceptsLocalhostAndLoopbackLiterals() {
    for (String host :
        new String[] {
          "localhost",
          "LOCALHOST",
          "127.0.0.1",
          "127.255.255.254",
          "[::1]",
          "::1",
          "[0:0:0:0:0:0:0:1]"
        }) {
      assertThat(HttpSecurity.isLoopback(host)).as(host).isTrue();
    }
  }

  @Test
  void isLoopback_refusesEverythingElseWithoutResolvingNames() {
    for (String host :
        new String[] {
          "example.com",
          "localhost.example.com",
          "127.0.0.1.nip.io",
          "128.0.0.1",
          "10.0.0.1",
          "[::2]",
          "",
          "0.0.0.0"
        }) {
      assertThat(HttpSecurity.isLoopback(host)).as(host).isFalse();
    }
  }

  @Test
  void isLoopback_ipv4LiteralsWithLeadingZeros_areRefusedAsAmbiguous() {
    // Java reads 127.0.0.01 as 127.0.0.1, C's inet_aton reads 0177.0.0.1 as 127.0.0.1 (octal).
    for (String host : new String[] {"127.0.0.01", "127.000.000.001", "0177.0.0.1", "0127.0.0.1"}) {
      assertThat(HttpSecurity.isLoopback(host)).as(host).isFalse();
    }
  }

  @Test
  void isLoopback_textThatOnlyLooksLikeAnAddress_isRefused() {
    for (String host :
        new String[] {
          "999.0.0.1", "127.0.0.256", "127.0.0", "127.0.0.1.", "127..0.1", "127.0.0.1a",
          "[::1%lo]", "g::1", ".::1"
        }) {
      assertThat(HttpSecurity.isLoopback(host)).as(host).isFalse();
    }
  }

  @Test
  void isLoopback_ipv4MappedLoopback_isLoopback() {
    assertThat(HttpSecurity.isLoopback("[::ffff:127.0.0.1]")).isTrue();
  }

  @Test
  void refusal_portOutOfRange_isExplained() {
    assertThat(HttpSecurity.refusal(URI.create("https://cdn.example.com:99999/x"), false))
        .isEqualTo("https://cdn.example.com:99999/x has an invalid port 99999 (1 to 65535)");
    assertThat(HttpSecurity.refusal(URI.create("http://127.0.0.1:0/x"), false))
        .isEqualTo("http://127.0.0.1:0/x has an invalid port 0 (1 to 65535)");
  }

  @Test
  void refusal_httpsIsAlwaysAllowed() {
    assertThat(HttpSecurity.refusal(URI.create("https://cdn.example.com/x"), false)).isNull();
  }

  @Test
  void refusal_plainHttpToOtherHost_isExplained() {
    assertThat(HttpSecurity.refusal(URI.create("http://cdn.example.com/x"), false))
        .isEqualTo(
            "plain HTTP to cdn.example.com is refused (http://cdn.example.com/x); use https, or"
                + " allowInsecureHttp(true) to permit it");
  }

  @Test
  void refusal_plainHttpWithOptOut_isAllowed() {
    assertThat(HttpSecurity.refusal(URI.create("http://cdn.example.com/x"), true)).isNull();
  }

  @Test
  void redirectRefusal_httpsToPlainHttp_isRefusedEvenToLoopbackAndWithOptOut() {
    URI from = URI.create("https://cdn.example.com/file");

    assertThat(HttpSecurity.redirectRefusal(from, URI.create("http://127.0.0.1/file"), true))
        .isEqualTo(
            "refusing redirect from HTTPS https://cdn.example.com/file to plain HTTP"
                + " http://127.0.0.1/file");
    assertThat(HttpSecurity.redirectRefusal(from, URI.create("HTTP://evil.example.com/f"), false))
        .startsWith("refusing redirect from HTTPS");
  }

  @Test
  void redirectRefusal_httpsToHttps_isAllowed() {
    assertThat(
            HttpSecurity.redirectRefusal(
                URI.create("https://a.example.com/f"),
                URI.create("https://b.example.com/f"),
                false))
        .isNull();
  }

  @Test
  void redirectRefusal_loopbackHttpToOtherPlainHttpHost_isRefused() {
    assertThat(
            HttpSecurity.redirectRefusal(
                URI.create("http://localhost/f"), URI.create("http://b.example.com/f"), false))
        .startsWith("refusing redirect from http://localhost/f: plain HTTP to b.example.com");
  }

  @Test
  void refusal_userInformation_isRefusedWithoutEchoingIt() {
    assertThat(HttpSecurity.refusal(URI.create("https://user:s3cret@cdn.example.com/x?a=1"), true))
        .isEqualTo(
            "https://***@cdn.example.com/x?a=1 holds user information (user:password@) before the"
                + " host")
        .doesNotContain("s3cret");
    // Not a valid host after the '@': URI.getUserInfo() is null, the password is still there.
    assertThat(HttpSecurity.refusal(URI.create("http://user:s3cret@bad_host/x"), true))
        .startsWith("http://***@bad_host/x holds user information")
        .doesNotContain("s3cret");
  }

  @Test
  void redirectRefusal_toUserInformation_isRefusedWithoutEchoingIt() {
    assertThat(
            HttpSecurity.redirectRefusal(
                URI.create("http://localhost/f"), URI.create("http://u:s3cret@localhost/g"), false))
        .isEqualTo(
            "refusing redirect from http://localhost/f: http://***@localhost/g holds user"
                + " information (user:password@) before the host");
  }
}
