package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class FailuresTest {
  private static final URI LOCAL = URI.create("http://127.0.0.1:8000/");
  private static final URI REMOTE = URI.create("https://updates.example.com/app/");
  private static final Duration CONNECT = Duration.ofSeconds(10);
  private static final Duration REQUEST = Duration.ofSeconds(30);

  private static String network(Throwable t, URI server) {
    return Failures.describe(t, server, CONNECT, REQUEST);
  }

  @Test
  void connectionRefused_namesTheAddress() {
    // As the JDK's HttpClient reports it: a message only on the cause.
    ConnectException e = new ConnectException();
    e.initCause(new ConnectException("Connection refused"));

    assertThat(network(e, LOCAL)).isEqualTo("connection refused to 127.0.0.1:8000");
  }

  @Test
  void connectTimeout_saysHowLongItWaitedForWhichAddress() {
    assertThat(network(new HttpConnectTimeoutException("HTTP connect timed out"), REMOTE))
        .isEqualTo("timed out after 10 s connecting to updates.example.com:443");
  }

  @Test
  void requestTimeout_saysHowLongItWaitedForWhichAddress() {
    assertThat(network(new HttpTimeoutException("request timed out"), REMOTE))
        .isEqualTo("timed out after 30 s waiting for updates.example.com:443");
  }

  @Test
  void clientsOwnTimeout_keepsItsWordsWithReadableDurations() {
    assertThat(network(new HttpTimeoutException("no data received for PT30S"), LOCAL))
        .isEqualTo("timed out: no data received for 30 s");
  }

  @Test
  void unresolvableHost_saysUnknownHostWithTheName() {
    ConnectException e = new ConnectException();
    e.initCause(new UnresolvedAddressException());

    assertThat(network(e, URI.create("https://updates.example.invalid/")))
        .isEqualTo("unknown host updates.example.invalid");
    assertThat(network(new UnknownHostException("x"), URI.create("http://example.invalid:8000")))
        .isEqualTo("unknown host example.invalid");
  }

  @Test
  void tlsFailure_saysTheHandshakeFailedAndWhyWithoutClassNames() {
    SSLHandshakeException e =
        new SSLHandshakeException(
            "PKIX path building failed:"
                + " sun.security.provider.certpath.SunCertPathBuilderException: unable to find"
                + " valid certification path to requested target");

    assertThat(network(e, REMOTE))
        .isEqualTo(
            "TLS handshake failed: PKIX path building failed: unable to find valid certification"
                + " path to requested target");
  }

  @Test
  void otherConnectFailure_namesTheAddressAndTheReason() {
    assertThat(network(new ConnectException("No route to host"), URI.create("http://10.1.2.3")))
        .isEqualTo("cannot connect to 10.1.2.3:80: no route to host");
  }

  @Test
  void networkFailures_neverNameAJavaClass() {
    Throwable[] failures = {
      new ConnectException(),
      new IOException(new ConnectException("Connection refused")),
      new IOException(),
      new HttpTimeoutException(null),
      new SSLHandshakeException(null),
      new IOException("java.io.EOFException: EOF reached while reading"),
    };
    for (Throwable t : failures) {
      assertThat(network(t, LOCAL))
          .as(t.toString())
          .doesNotContainPattern("\\w+(Exception|Error)\\b")
          .doesNotContain("java.");
    }
  }

  @Test
  void describe_wrappedException_usesTheMessageOfTheCauseWithoutItsClassName() {
    assertThat(Failures.describe(new IOException(new IOException("disk on fire"))))
        .isEqualTo("disk on fire");
    assertThat(Failures.describe(new IOException("java.io.EOFException: EOF reached")))
        .isEqualTo("EOF reached");
  }

  @Test
  void describe_fileErrors_sayWhatIsWrongWithoutRepeatingThePath() {
    assertThat(Failures.describe(new NoSuchFileException("/x/y"))).isEqualTo("no such file");
    assertThat(Failures.describe(new AccessDeniedException("/x/y"))).isEqualTo("permission denied");
  }

  @Test
  void describe_nothingToSay_saysSoWithoutAClassName() {
    assertThat(Failures.describe(new IOException())).isEqualTo("input/output error");
    assertThat(Failures.describe(new IllegalStateException())).isEqualTo("unexpected error");
  }

  @Test
  void describe_multiLineMessage_becomesOneLine() {
    assertThat(Failures.describe(new IOException("first\n  second\r\nthird")))
        .isEqualTo("first second third");
  }

  @Test
  void seconds_wholeOrFractional() {
    assertThat(Failures.seconds(Duration.ofSeconds(10))).isEqualTo("10 s");
    assertThat(Failures.seconds(Duration.ofMillis(1500))).isEqualTo("1.5 s");
  }
}
