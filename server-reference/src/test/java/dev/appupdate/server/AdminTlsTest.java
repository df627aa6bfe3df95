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
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      trusted.load(in, "secret-pass".toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);

    try (AppUpdateServer server =
        Fixtures.demoServer(dir)
            .adminPort(0)
            .adminBind(InetAddress.getByName("127.0.0.1"))
            .adminTls(keyStore, "secret-pass".toCharArray())
            .build()) {
      server.start();
      String token = Files.readString(dir.resolve("data").resolve(AdminToken.NAME)).strip();

      HttpResponse<String> r =
          HttpClient.newBuilder()
              .sslContext(context)
              .connectTimeout(Duration.ofSeconds(10))
              .build()
              .send(
                  HttpRequest.newBuilder(server.adminUrl().resolve("/admin/v1/stats"))
                      .header("Authorization", "Bearer " + token)
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(server.adminUrl().getScheme()).isEqualTo("https");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("\"products\"");
    }
  }
}
