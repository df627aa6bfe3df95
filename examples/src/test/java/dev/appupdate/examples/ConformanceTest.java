package dev.appupdate.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.appupdate.conformance.CaseResult;
import dev.appupdate.conformance.Conformance;
import dev.appupdate.conformance.ConformanceReport;
import dev.appupdate.protocol.catalog.Catalog;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance kit against {@link EmbeddedServerExample}, and against the same server behind a
 * front that breaks one rule at a time: exactly the cases checking that rule fail.
 */
class ConformanceTest {
  private static final ServedCatalog.Offered DATA =
      ServedCatalog.release("my_important_data", "1.0", 1234, 1);
  private static final ServedCatalog.Offered BLOB =
      ServedCatalog.release("my_important_binary_blob", "2.0", 4321, 2);

  private ServedCatalog server;
  private HttpServer front;

  @BeforeEach
  void start() throws IOException {
    server = ServedCatalog.start(DATA, BLOB);
  }

  @AfterEach
  void stop() {
    if (front != null) {
      front.stop(0);
    }
    server.close();
  }

  private ConformanceReport run(URI base) throws Exception {
    return Conformance.builder().server(base).catalog(catalog()).build().run();
  }

  private Catalog catalog() {
    return server.catalog();
  }

  @Test
  void embeddedServerExample_passesEveryCase() throws Exception {
    ConformanceReport report = run(server.baseUrl());

    assertThat(report.failures()).as(report.text()).isEmpty();
    assertThat(report.names(CaseResult.Status.PASS))
        .contains(
            "update.offer",
            "update.nothing_to_offer",
            "routes.method_not_allowed v1/update",
            "content_type.refused text/plain",
            "size.too_large",
            "json.duplicate_keys",
            "completion.accepted",
            "completion.idempotent",
            "completion.forged_request_id",
            "completion.foreign_request_id",
            "files.download");
    // No server key, no patches in the catalog, no rate limit: skipped with a reason.
    assertThat(report.names(CaseResult.Status.SKIP))
        .containsExactly("patches.offered", "signatures.response", "rate_limits.retry_after");
  }

  @Test
  void productOnly_checksOffersWithoutExpectations() throws Exception {
    ConformanceReport report =
        Conformance.builder().server(server.baseUrl()).product(ServedCatalog.PRODUCT).build().run();

    assertThat(report.failures()).as(report.text()).isEmpty();
    assertThat(report.names(CaseResult.Status.PASS)).contains("update.offer", "completion.accepted");
  }

  @Test
  void noAllowHeader_failsOnlyTheMethodCases() throws Exception {
    front = front(Breakage.NO_ALLOW);

    assertThat(failed(run(frontUrl())))
        .containsExactlyInAnyOrder(
            "routes.method_not_allowed v1/update", "routes.method_not_allowed v1/completion");
  }

  @Test
  void problemAsPlainJson_failsEveryProblemCase() throws Exception {
    front = front(Breakage.PROBLEM_AS_JSON_ON_415);

    assertThat(failed(run(frontUrl())))
        .containsExactlyInAnyOrder(
            "content_type.refused text/plain",
            "content_type.refused application/json; charset=iso-8859-1",
            "content_type.refused application/json; charset=");
  }

  @Test
  void forgedIdsAccepted_failsTheRequestIdCases() throws Exception {
    front = front(Breakage.REFUSAL_422_AS_204);

    assertThat(failed(run(frontUrl())))
        .containsExactlyInAnyOrder(
            "completion.forged_request_id",
            "completion.foreign_request_id",
            "completion.not_offered",
            "completion.wrong_version");
  }

  @Test
  void emptyOfferAs200_failsNothingToOffer() throws Exception {
    front = front(Breakage.NOTHING_AS_200);

    assertThat(failed(run(frontUrl())))
        .containsExactlyInAnyOrder(
            "update.nothing_to_offer",
            "update.unknown_members_ignored",
            "content_type.accepted application/vnd.example+json",
            "content_type.accepted APPLICATION/JSON; charset=\"UTF-8\"",
            "content_type.accepted application/x-www-form-urlencoded",
            "content_type.accepted (none)");
  }

  @Test
  void duplicateKeysAccepted_failsTheDuplicateKeyCases() throws Exception {
    front = front(Breakage.DUPLICATE_KEYS_AS_204);

    assertThat(failed(run(frontUrl())))
        .containsExactlyInAnyOrder("json.duplicate_keys", "json.nested_duplicate_keys");
  }

  @Test
  void rateLimitedWithoutRetryAfter_failsTheRetryAfterCase() throws Exception {
    front = front(Breakage.THROTTLE_NOT_FOUND_WITHOUT_RETRY_AFTER);

    ConformanceReport report = run(frontUrl());

    assertThat(failed(report)).containsExactlyInAnyOrder("routes.not_found", "rate_limits.retry_after");
  }

  private static List<String> failed(ConformanceReport report) {
    return report.failures().stream().map(CaseResult::name).toList();
  }

  /** One rule each front breaks; everything else goes to the embedded server unchanged. */
  private enum Breakage {
    NO_ALLOW,
    PROBLEM_AS_JSON_ON_415,
    REFUSAL_422_AS_204,
    NOTHING_AS_200,
    DUPLICATE_KEYS_AS_204,
    THROTTLE_NOT_FOUND_WITHOUT_RETRY_AFTER
  }

  private URI frontUrl() {
    return URI.create("http://127.0.0.1:" + front.getAddress().getPort() + "/");
  }

  private HttpServer front(Breakage breakage) throws IOException {
    HttpClient http = HttpClient.newHttpClient();
    HttpServer s =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    s.createContext(
        "/",
        exchange -> {
          try (exchange) {
            forward(http, breakage, exchange);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    s.start();
    return s;
  }

  private void forward(HttpClient http, Breakage breakage, HttpExchange exchange)
      throws IOException, InterruptedException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    String path = exchange.getRequestURI().getRawPath();
    String text = new String(body, StandardCharsets.UTF_8);
    if (breakage == Breakage.DUPLICATE_KEYS_AS_204 && text.contains("\"product\": \"q\"")
        || breakage == Breakage.DUPLICATE_KEYS_AS_204 && text.contains("\"a\": 2")) {
      exchange.sendResponseHeaders(204, -1);
      return;
    }
    if (breakage == Breakage.THROTTLE_NOT_FOUND_WITHOUT_RETRY_AFTER
        && path.equals("/v1/conformance-no-such-route")) {
      send(exchange, 429, "application/problem+json",
          "{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429}");
      return;
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://" + server.baseUrl().getRawAuthority() + exchange.getRequestURI()))
            .method(
                exchange.getRequestMethod(),
                body.length == 0 && exchange.getRequestMethod().equals("GET")
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (String name : Set.of("Content-Type", "Range", "If-Range")) {
      String value = exchange.getRequestHeaders().getFirst(name);
      if (value != null) {
        request.header(name, value);
      }
    }
    HttpResponse<byte[]> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    int status = answer.statusCode();
    String type = answer.headers().firstValue("Content-Type").orElse(null);
    if (breakage == Breakage.NOTHING_AS_200 && status == 204 && path.equals("/v1/update")) {
      send(exchange, 200, "application/json", "{\"available_updates\":[],\"request_id\":\"x\"}");
      return;
    }
    if (breakage == Breakage.REFUSAL_422_AS_204 && status == 422) {
      // Accepts reports under forged, foreign or mismatched request ids.
      exchange.sendResponseHeaders(204, -1);
      return;
    }
    if (breakage == Breakage.PROBLEM_AS_JSON_ON_415 && status == 415) {
      type = "application/json";
    }
    answer.headers().map().forEach((name, values) -> {
      if (name.equalsIgnoreCase("Allow") && breakage == Breakage.NO_ALLOW
          || name.equalsIgnoreCase("Content-Length")
          || name.equalsIgnoreCase("Content-Type")
          || name.equalsIgnoreCase("Date")
          || name.equalsIgnoreCase("Transfer-Encoding")) {
        return;
      }
      exchange.getResponseHeaders().put(name, values);
    });
    if (type != null) {
      exchange.getResponseHeaders().set("Content-Type", type);
    }
    exchange.sendResponseHeaders(status, answer.body().length == 0 ? -1 : answer.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer.body());
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
