package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.signature.Ed25519Keys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateClientBuilderTest {

  private static final UpdateRequest REQUEST = UpdateRequest.of("your_app", "1.0", "Linux", "en");

  private static UpdateClient.Builder minimal(String uri) {
    return UpdateClient.builder().serverUri(URI.create(uri)).request(REQUEST);
  }

  @Test
  void build_withARequest_sendsItAsItIs() {
    UpdateRequest request =
        UpdateRequest.builder("your_app", "1.0", "macOS", "de-CH")
            .channel("beta")
            .arch("aarch64")
            .osVersion("14.2")
            .installationId("3f1c0a9e-52c6-4d1e-9a57-0b4d2f6f1e2a")
            .installed("blocklist", "2.0")
            .build();

    UpdateClient client =
        UpdateClient.builder().serverUri(URI.create("https://h")).request(request).build();

    assertThat(client.request()).isSameAs(request);
  }

  @Test
  void jvmRequest_detectsPlatformAndLocaleFromTheJvm() {
    UpdateRequest request = UpdateClient.jvmRequest("your_app", "1.0").build();

    assertThat(request)
        .isEqualTo(
            UpdateRequest.of(
                "your_app",
                "1.0",
                JvmDefaults.platform(System.getProperty("os.name")),
                JvmDefaults.locale(Locale.getDefault())));
    assertThat(request.channel()).isEqualTo("release");
    assertThat(request.installationId()).isNull();
  }

  @Test
  void jvmRequest_takesTheOptionalFields() {
    UpdateRequest request =
        UpdateClient.jvmRequest("your_app", "1.0")
            .channel("beta")
            .installed("blocklist", "2.0")
            .build();

    assertThat(request.channel()).isEqualTo("beta");
    assertThat(request.installed()).containsExactly(Map.entry("blocklist", "2.0"));
  }

  @Test
  void jvmRequest_invalidProduct_namesTheProtocolFieldWhenBuilt() {
    UpdateRequest.Builder b = UpdateClient.jvmRequest("your app", "1.0");

    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("product: must start with a letter or digit");
  }

  @Test
  void build_withoutServerUri_namesTheMissingProperty() {
    assertThatThrownBy(() -> UpdateClient.builder().request(REQUEST).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("serverUri is required");
  }

  @Test
  void build_withoutRequest_namesTheMissingProperty() {
    assertThatThrownBy(() -> UpdateClient.builder().serverUri(URI.create("https://h")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("request is required");
  }

  @Test
  void serverUri_setTwice_isRejected() {
    UpdateClient.Builder b = minimal("https://a.example.com");

    assertThatThrownBy(() -> b.serverUri(URI.create("https://b.example.com")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("serverUri already set");
  }

  @Test
  void request_setTwice_isRejected() {
    UpdateClient.Builder b = minimal("https://h");

    assertThatThrownBy(() -> b.request(UpdateRequest.of("other", "2.0", "Linux", "en")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("request already set");
    assertThat(b.build().request()).isSameAs(REQUEST);
  }

  @Test
  void request_null_isNamedAndLeavesThePropertyUnset() {
    UpdateClient.Builder b = UpdateClient.builder().serverUri(URI.create("https://h"));

    assertThatThrownBy(() -> b.request(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("request == null");
    assertThat(b.request(REQUEST).build().request()).isSameAs(REQUEST);
  }

  @Test
  void httpClient_afterConnectTimeout_isRejectedAsConflict() {
    UpdateClient.Builder b = minimal("https://h").connectTimeout(Duration.ofSeconds(3));

    assertThatThrownBy(() -> b.httpClient(HttpClient.newHttpClient()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("httpClient conflicts with connectTimeout: configure timeouts");
  }

  @Test
  void proxy_afterHttpClient_isRejectedAsConflict() {
    UpdateClient.Builder b = minimal("https://h").httpClient(HttpClient.newHttpClient());

    assertThatThrownBy(() -> b.proxy(java.net.ProxySelector.of(null)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("proxy conflicts with httpClient");
  }

  @Test
  void httpClient_thatFollowsRedirects_isRejected() {
    HttpClient following =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    assertThatThrownBy(() -> minimal("https://h").httpClient(following).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("httpClient follows redirects (NORMAL)");
  }

  @Test
  void build_plainHttpServerOnOtherHost_isRefused() {
    assertThatThrownBy(() -> minimal("http://updates.example.com").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("serverUri: plain HTTP to updates.example.com is refused");
  }

  @Test
  void build_plainHttpServerOnOtherHostWithOptOut_isAllowed() {
    UpdateClient client = minimal("http://updates.example.com").allowInsecureHttp(true).build();

    assertThat(client).isNotNull();
  }

  @Test
  void build_plainHttpServerOnLoopback_isAllowed() {
    for (String uri :
        new String[] {"http://localhost:8000", "http://127.0.0.2", "http://[::1]:80"}) {
      assertThat(minimal(uri).build()).as(uri).isNotNull();
    }
  }

  @Test
  void build_serverUriWithUserInformation_isRefusedWithoutEchoingIt() {
    for (String uri :
        new String[] {
          "https://user:s3cret@updates.example.com/api", "http://user:s3cret@bad_host/",
          "https://user:s3cret@/api?x=1"
        }) {
      assertThatThrownBy(() -> minimal(uri).build())
          .as(uri)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("serverUri must not hold user information (user:password@)")
          .hasMessageNotContaining("s3cret");
    }
  }

  @Test
  void build_serverUriWithQuery_isRejected() {
    assertThatThrownBy(() -> minimal("https://h/api?x=1").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("serverUri must not have a query or fragment, got https://h/api?x=1");
  }

  @Test
  void requestTimeout_notPositive_isRejected() {
    assertThatThrownBy(() -> minimal("https://h").requestTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("requestTimeout must be positive, got PT0S");
  }

  @Test
  void requestTimeout_refusedValue_leavesThePropertyUnset() {
    UpdateClient.Builder b = minimal("https://h");
    assertThatThrownBy(() -> b.requestTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(b.requestTimeout(Duration.ofSeconds(5)).build()).isNotNull();
  }

  @Test
  void serverUri_null_isNamedAndLeavesThePropertyUnset() {
    UpdateClient.Builder b = UpdateClient.builder().request(REQUEST);

    assertThatThrownBy(() -> b.serverUri(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("serverUri == null");
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("serverUri is required");
  }

  @Test
  void minimumSpeed_invalidWindow_leavesThePropertyUnset() {
    UpdateClient.Builder b = minimal("https://h");
    assertThatThrownBy(() -> b.minimumSpeed(100, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minimumSpeed window must be positive, got PT-1S");

    assertThat(b.minimumSpeed(100, Duration.ofSeconds(5)).build()).isNotNull();
  }

  @Test
  void connectTimeout_conflictingWithHttpClient_leavesThePropertyUnset() {
    UpdateClient.Builder b = minimal("https://h").httpClient(HttpClient.newHttpClient());
    assertThatThrownBy(() -> b.connectTimeout(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("connectTimeout conflicts with httpClient");

    assertThatThrownBy(() -> b.connectTimeout(Duration.ofSeconds(1)))
        .hasMessageStartingWith("connectTimeout conflicts with httpClient");
  }

  @Test
  void build_serverUriWithAPortOutOfRange_isRefused() {
    assertThatThrownBy(() -> minimal("https://updates.example.com:70000").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "serverUri: https://updates.example.com:70000/ has an invalid port 70000 (1 to 65535)");
  }

  @Test
  void minimumSpeed_negative_isRejected() {
    assertThatThrownBy(() -> minimal("https://h").minimumSpeed(-1, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("minimumSpeed bytesPerSecond must not be negative, got -1");
  }

  @Test
  void platform_mapsOsNames() {
    assertThat(JvmDefaults.platform("Mac OS X")).isEqualTo("macOS");
    assertThat(JvmDefaults.platform("Darwin")).isEqualTo("macOS");
    assertThat(JvmDefaults.platform("Windows 11")).isEqualTo("Windows");
    assertThat(JvmDefaults.platform("Windows Server 2022")).isEqualTo("Windows");
    assertThat(JvmDefaults.platform("Linux")).isEqualTo("Linux");
    assertThat(JvmDefaults.platform("FreeBSD")).isEqualTo("FreeBSD");
    assertThat(JvmDefaults.platform(null)).isEqualTo("unknown");
    assertThat(JvmDefaults.platform(" ")).isEqualTo("unknown");
  }

  @Test
  void locale_isTheBcp47TagOfTheJvmLocale() {
    assertThat(JvmDefaults.locale(Locale.forLanguageTag("de-CH"))).isEqualTo("de-CH");
    assertThat(JvmDefaults.locale(Locale.US)).isEqualTo("en-US");
    assertThat(JvmDefaults.locale(Locale.ROOT)).isEqualTo("und");
  }

  @Test
  void trustedReleaseKeys_setTwice_isRejected() {
    PublicKey key = Ed25519Keys.generate().getPublic();
    UpdateClient.Builder b = minimal("https://h").trustedReleaseKeys(key);

    assertThatThrownBy(() -> b.trustedReleaseKeys(Ed25519Keys.publicKeyPem(key)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("trustedReleaseKeys already set");
  }

  @Test
  void trustedReleaseKeys_none_isRejectedAndLeavesThePropertyUnset() {
    UpdateClient.Builder b = minimal("https://h");

    assertThatThrownBy(() -> b.trustedReleaseKeys(new PublicKey[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trustedReleaseKeys: no trusted key");
    b.trustedReleaseKeys(Ed25519Keys.generate().getPublic());
  }

  @Test
  void trustedReleaseKeys_notAnEd25519Key_isRejected() throws Exception {
    PublicKey rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPublic();

    assertThatThrownBy(() -> minimal("https://h").trustedReleaseKeys(rsa))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an Ed25519 public key");
  }

  @Test
  void trustedReleaseKeys_fileNameGivenAsText_hintsAtPassingAPath() {
    assertThatThrownBy(() -> minimal("https://h").trustedReleaseKeys("release.pub"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trustedReleaseKeys: pem[0]: not PEM")
        .hasMessageContaining("pass its Path");
  }

  @Test
  void trustedServerKeys_privateKeyPem_isRejectedWithAHint(@TempDir Path dir) throws Exception {
    Path priv = dir.resolve("server.key");
    Ed25519Keys.write(Ed25519Keys.generate(), priv, dir.resolve("server.pub"));
    String pem = Files.readString(priv);

    assertThatThrownBy(() -> minimal("https://h").trustedServerKeys(pem))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("this is a private key");
  }

  @Test
  void trustedServerKeys_missingFile_throwsIOExceptionNamingIt() {
    Path missing = Path.of("no-such-dir", "server.pub");

    assertThatThrownBy(() -> minimal("https://h").trustedServerKeys(missing))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("server.pub");
  }

  @Test
  void trustedServerKeys_moreThanAnAcceptSignatureCanName_isRejected() {
    PublicKey[] keys = new PublicKey[17];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = Ed25519Keys.generate().getPublic();
    }

    assertThatThrownBy(() -> minimal("https://h").trustedServerKeys(keys))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("trustedServerKeys: at most 16 keys, got 17");
  }
}
