package dev.appupdate.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTPS-to-HTTP rule through the real transport: WireMock serves HTTPS with a self-signed
 * certificate that the test's HTTP client trusts, and redirects to its own plain-HTTP port on the
 * loopback host, a target that would be allowed if it were not a downgrade.
 */
class HttpsRedirectTest {
  @RegisterExtension
  static WireMockExtension server =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().dynamicHttpsPort().http2PlainDisabled(true))
          .build();

  private static final byte[] PAYLOAD = Fixtures.payload(5_000, 31);

  @TempDir Path dir;

  private final FakeTime time = new FakeTime();

  private static String https() {
    return server.getRuntimeInfo().getHttpsBaseUrl();
  }

  private static String http() {
    return server.getRuntimeInfo().getHttpBaseUrl();
  }

  private UpdateClient client() throws GeneralSecurityException {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new TrustManager[] {new TrustEverything()}, null);
    HttpClient http =
        HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
    return Fixtures.client(https(), time)
        .httpClient(http)
        .retryPolicy(RetryPolicy.none())
        .build();
  }

  @Test
  void download_overHttps_isVerified() throws Exception {
    server.stubFor(get("/data").willReturn(aResponse().withBody(PAYLOAD)));
    AvailableUpdate offer =
        Fixtures.offer("my_data", "1.0", PAYLOAD, URI.create(https() + "/data"));

    DownloadedUpdate d = client().download(offer, dir);

    assertThat(Files.readAllBytes(d.path())).isEqualTo(PAYLOAD);
  }

  @Test
  void download_httpsRedirectingToPlainHttpOnLoopback_isRefused() throws Exception {
    server.stubFor(
        get("/data")
            .willReturn(aResponse().withStatus(302).withHeader("Location", http() + "/plain")));
    server.stubFor(get("/plain").willReturn(aResponse().withBody(PAYLOAD)));
    AvailableUpdate offer =
        Fixtures.offer("my_data", "1.0", PAYLOAD, URI.create(https() + "/data"));
    UpdateClient client = client();

    assertThatThrownBy(() -> client.download(offer, dir))
        .isInstanceOfSatisfying(
            DownloadException.class,
            e -> assertThat(e.reason()).isEqualTo("refused redirect (HTTP 302)"))
        .hasMessage(
            "refusing redirect from HTTPS " + https() + "/data to plain HTTP " + http() + "/plain");
    server.verify(0, getRequestedFor(urlEqualTo("/plain")));
    assertThat(Fixtures.files(dir)).isEmpty();
  }

  @Test
  void check_httpsRedirectingToPlainHttpOnLoopback_isRefused() throws Exception {
    server.stubFor(
        post("/v1/update")
            .willReturn(
                aResponse().withStatus(307).withHeader("Location", http() + "/v1/update-plain")));
    UpdateClient client = client();

    assertThatThrownBy(client::check)
        .isInstanceOfSatisfying(
            UpdateServerException.class, e -> assertThat(e.status()).isEqualTo(307))
        .hasMessageContaining("did not follow: refusing redirect from HTTPS");
    server.verify(0, postRequestedFor(urlEqualTo("/v1/update-plain")));
  }

  /** Trusts WireMock's self-signed certificate, and skips the host name check with it. */
  private static final class TrustEverything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
