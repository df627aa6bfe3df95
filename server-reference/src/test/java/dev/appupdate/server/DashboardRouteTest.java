package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DashboardRouteTest {
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;
  private AppUpdateServer server;

  @BeforeEach
  void start() throws Exception {
    server = Fixtures.demoServer(dir).watchCatalog(false).adminPort(0).build();
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @CsvSource({
    "/, text/html; charset=utf-8, <!doctype html>",
    "/dashboard.js, text/javascript; charset=utf-8, use strict",
    "/dashboard.css, text/css; charset=utf-8, :root {",
    "/favicon.svg, image/svg+xml, <svg"
  })
  void asset_withoutToken_isServedWithItsTypeAndLockedDownHeaders(
      String path, String type, String content) throws Exception {
    HttpResponse<String> r = get(path, "GET");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue(type);
    assertThat(r.headers().firstValue("Content-Security-Policy"))
        .hasValue("default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(r.body()).contains(content);
  }

  @Test
  void head_sendsTheLengthWithoutABody() throws Exception {
    HttpResponse<String> get = get("/dashboard.js", "GET");
    HttpResponse<String> head = get("/dashboard.js", "HEAD");

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValueAsLong("Content-Length"))
        .hasValue(get.body().getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void unknownPath_isAProblem404() throws Exception {
    HttpResponse<String> r = get("/dashboard.map", "GET");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @Test
  void paths_areExactlyTheAssets() {
    assertThat(new DashboardRoute().paths())
        .containsExactlyInAnyOrder("/", "/dashboard.js", "/dashboard.css", "/favicon.svg");
  }

  /**
   * The page's policy would stop inline script and style; this keeps the files from depending on
   * either, and the script from ever parsing server text as HTML.
   */
  @Test
  void assets_haveNoInlineScriptOrStyle_andTheScriptNeverParsesHtml() throws IOException {
    String html = resource("index.html");
    String js = resource("dashboard.js");

    assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)").matcher(html).find()).isFalse();
    assertThat(Pattern.compile("\\son[a-z]+=|\\sstyle=|<style").matcher(html).find()).isFalse();
    assertThat(js)
        .doesNotContain("innerHTML")
        .doesNotContain("outerHTML")
        .doesNotContain("insertAdjacentHTML")
        .doesNotContain("document.write")
        .doesNotContain("eval(")
        .doesNotContain("localStorage")
        .doesNotContain("'style'");
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = DashboardRoute.class.getResourceAsStream("dashboard/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private HttpResponse<String> get(String path, String method) throws Exception {
    return http.send(
        HttpRequest.newBuilder(server.adminUrl().resolve(path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
