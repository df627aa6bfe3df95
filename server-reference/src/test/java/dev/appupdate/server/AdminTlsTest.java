package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin listener over HTTPS, with a key store made by the JDK's keytool. */
class AdminTlsTest {
  @TempDir Path dir;

  @Test
  void adminTls_servesHttpsWithTheKeyStoresCertificate() throws Exception {
    Path keyStore = keyStore();
    SSLContext context = trusting(keyStore);

    try (AppUpdateServer server =
        Fixtures.demoServer(dir)
            .adminPort(0)
            .adminBind(InetAddress.getByName("127.0.0.1"))
            .adminTls(keyStore, "secret-pass".toCharArray())
            .build()) {
      server.start();
      String token = Files.readString(dir.resolve("data").resolve(AdminToken.NAME)).strip();

      HttpResponse<String> r = stats(context, server.adminUrl(), token);

      assertThat(server.adminUrl().getScheme()).isEqualTo("https");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"products\"");
    }
  }

  @Test
  void adminTls_wildcardBind_acceptsTheAddressTheConnectionCameTo() throws Exception {
    Path keyStore = keyStore();
    SSLContext context = trusting(keyStore);

    try (AppUpdateServer server =
        Fixtures.demoServer(dir)
            .adminPort(0)
            .adminBind(InetAddress.getByName("0.0.0.0"))
            .adminTls(keyStore, "secret-pass".toCharArray())
            .build()) {
      server.start();
      String token = Files.readString(dir.resolve("data").resolve(AdminToken.NAME)).strip();
      int port = server.adminUrl().getPort();

      HttpResponse<String> r =
          stats(context, java.net.URI.create("https://127.0.0.1:" + port), token);

      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> stats(SSLContext context, java.net.URI admin, String token)
      throws Exception {
    return HttpClient.newBuilder()
        .sslContext(context)
        .connectTimeout(Duration.ofSeconds(10))
        .build()
        .send(
            HttpRequest.newBuilder(admin.resolve("/admin/v1/stats"))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  private static SSLContext trusting(Path keyStore) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      trusted.load(in, "secret-pass".toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  private Path keyStore() throws Exception {
    Path keyStore = dir.resolve("admin.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", "secret-pass", "-keypass", "secret-pass", "-alias", "admin",
                "-keyalg", "EC", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1",
                "-validity", "2")
            .redirectErrorStream(true)
            .start();
    keytool.getInputStream().readAllBytes();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).isZero();
    return keyStore;
  }
}
