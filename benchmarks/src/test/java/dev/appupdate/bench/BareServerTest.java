package dev.appupdate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BareServerTest {
  private static final byte[] BODY = "{\"fixed\":true}".getBytes(StandardCharsets.UTF_8);

  @Test
  void post_getsTheFixedBodyAsJson() throws Exception {
    try (BareServer server = start()) {
      HttpURLConnection c = connect(server, "POST");
      c.setDoOutput(true);
      try (OutputStream out = c.getOutputStream()) {
        out.write(Seed.REQUEST.getBytes(StandardCharsets.UTF_8));
      }

      assertThat(c.getResponseCode()).isEqualTo(200);
      assertThat(c.getContentType()).isEqualTo("application/json");
      try (InputStream in = c.getInputStream()) {
        assertThat(in.readAllBytes()).isEqualTo(BODY);
      }
    }
  }

  @Test
  void get_isRefusedWithAllowPost() throws Exception {
    try (BareServer server = start()) {
      HttpURLConnection c = connect(server, "GET");

      assertThat(c.getResponseCode()).isEqualTo(405);
      assertThat(c.getHeaderField("Allow")).isEqualTo("POST");
    }
  }

  @Test
  void paddedJson_hasExactlyTheAskedSize() {
    byte[] json = BareServer.paddedJson(749);

    assertThat(json).hasSize(749);
    assertThat(new String(json, StandardCharsets.US_ASCII))
        .startsWith("{\"padding\":\"xxx")
        .endsWith("xx\"}");
  }

  private static BareServer start() throws Exception {
    return BareServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BODY, 1);
  }

  private static HttpURLConnection connect(BareServer server, String method) throws Exception {
    URL url = new URL("http://127.0.0.1:" + server.port() + BareServer.PATH);
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    c.setRequestMethod(method);
    return c;
  }
}
