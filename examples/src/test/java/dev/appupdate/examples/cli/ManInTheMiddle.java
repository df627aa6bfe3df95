package dev.appupdate.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.appupdate.protocol.signature.ContentDigest;
import dev.appupdate.protocol.signature.SignatureHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A man in the middle between a client and an update server: a plain-HTTP proxy on a free
 * loopback port that forwards every request to the server and every answer back, and can change
 * the answers to update checks on the way. It holds none of the keys, so it can do anything a
 * stolen CDN or a TLS-intercepting proxy can: rewrite an offer, drop headers, answer by itself, or
 * replay an answer it saw earlier.
 */
final class ManInTheMiddle implements AutoCloseable {
  /** What the proxy does to an update check ({@code POST /v1/update}); all else passes. */
  enum Behaviour {
    /** Forward the check and its answer unchanged, and keep the answer for {@link #REPLAY}. */
    PASS,
    /**
     * Forward the check, and in the answer give one offer another file's URL, digest and size
     * (see {@link #replaceOffer}), with the answer's {@code Content-Digest} made to match.
     */
    REPLACE_OFFER,
    /** Forward the check, and drop {@code Signature} and {@code Signature-Input} from the answer. */
    STRIP_SIGNATURES,
    /** Answer {@code 204 No Content} without asking the server: a forged "no update". */
    NO_UPDATE,
    /** Answer with the last answer that passed under {@link #PASS}, without asking the server. */
    REPLAY
  }

  /** An answer as it went back to the client: status, headers (lower-case names) and body. */
  record Answer(int status, Map<String, List<String>> headers, byte[] body) {
    boolean signed() {
      return headers.containsKey(SignatureHeaders.SIGNATURE.toLowerCase(Locale.ROOT));
    }
  }

  /** Hop-by-hop and framing headers, which each connection sets for itself. */
  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "connection",
          "content-length",
          "date",
          "expect",
          "host",
          "keep-alive",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer proxy;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private final AtomicInteger forwardedChecks = new AtomicInteger();
  private volatile URI server;
  private volatile Behaviour behaviour = Behaviour.PASS;
  private volatile Answer kept;
  private volatile Answer last;
  private volatile Answer lastFromServer;
  private volatile Replacement replacement;

  /** What {@link Behaviour#REPLACE_OFFER} writes into the offer of one update type. */
  private record Replacement(String updateType, URI url, String hashValue, long size) {}

  private ManInTheMiddle() throws IOException {
    proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    proxy.createContext("/", this::handle);
    proxy.start();
  }

  /**
   * Starts the proxy; it forwards nothing until {@link #forwardTo} names the server, which must be
   * started knowing the proxy's URL (its public URL, so that it signs for what the client uses).
   */
  static ManInTheMiddle start() throws IOException {
    return new ManInTheMiddle();
  }

  /** Returns the proxy's base URL, such as {@code http://127.0.0.1:41234/}: the client's server. */
  URI url() {
    return URI.create(
        "http://"
            + proxy.getAddress().getAddress().getHostAddress()
            + ":"
            + proxy.getAddress().getPort()
            + "/");
  }

  /** Forwards from now on to the server at {@code base}, a base URL ending in {@code /}. */
  void forwardTo(URI base) {
    server = Objects.requireNonNull(base);
  }

  /** Changes what the proxy does to the next update checks. */
  void behave(Behaviour b) {
    behaviour = Objects.requireNonNull(b);
  }

  /** Sets what {@link Behaviour#REPLACE_OFFER} writes into the offer of {@code updateType}. */
  void replaceOffer(String updateType, URI url, String hashValue, long size) {
    replacement = new Replacement(updateType, url, hashValue, size);
  }

  /** Returns how many update checks reached the server through the proxy. */
  int forwardedChecks() {
    return forwardedChecks.get();
  }

  /** Returns the last answer to an update check that went back to the client; null before. */
  Answer lastAnswer() {
    return last;
  }

  /** Returns the last answer to an update check as the server sent it; null before. */
  Answer lastFromServer() {
    return lastFromServer;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] requestBody;
      try (InputStream in = exchange.getRequestBody()) {
        requestBody = in.readAllBytes();
      }
      boolean check =
          exchange.getRequestMethod().equals("POST")
              && exchange.getRequestURI().getPath().equals("/v1/update");
      Behaviour b = check ? behaviour : Behaviour.PASS;
      Answer answer;
      switch (b) {
        case NO_UPDATE:
          answer = new Answer(204, Map.of(), new byte[0]);
          break;
        case REPLAY:
          answer = Objects.requireNonNull(kept, "no answer passed to replay");
          break;
        default:
          answer = forward(exchange, requestBody);
          if (check) {
            forwardedChecks.incrementAndGet();
            lastFromServer = answer;
            answer = tamper(b, answer);
          }
          break;
      }
      if (check) {
        last = answer;
        if (b == Behaviour.PASS) {
          kept = answer;
        }
      }
      respond(exchange, answer);
    }
  }

  private Answer forward(HttpExchange exchange, byte[] body) throws IOException {
    URI base = Objects.requireNonNull(server, "forwardTo was not called");
    URI target = exchange.getRequestURI();
    URI uri =
        base.resolve(
            target.getRawPath().substring(1)
                + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery()));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .method(
                exchange.getRequestMethod(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> request.header(name, v));
              }
            });
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted forwarding to " + uri);
    }
    Map<String, List<String>> headers = new TreeMap<>();
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              if (!NOT_FORWARDED.contains(lower) && !lower.startsWith(":")) {
                headers.put(lower, List.copyOf(values));
              }
            });
    return new Answer(response.statusCode(), headers, response.body());
  }

  private Answer tamper(Behaviour b, Answer answer) throws IOException {
    if (b == Behaviour.STRIP_SIGNATURES) {
      Map<String, List<String>> headers = new TreeMap<>(answer.headers());
      headers.remove(SignatureHeaders.SIGNATURE.toLowerCase(Locale.ROOT));
      headers.remove(SignatureHeaders.SIGNATURE_INPUT.toLowerCase(Locale.ROOT));
      return new Answer(answer.status(), headers, answer.body());
    }
    if (b == Behaviour.REPLACE_OFFER && answer.status() == 200) {
      Replacement r = Objects.requireNonNull(replacement, "replaceOffer was not called");
      JsonNode document = JSON.readTree(answer.body());
      boolean replaced = false;
      for (JsonNode offer : document.path("available_updates")) {
        if (offer.path("update_type").asText().equals(r.updateType())) {
          ((ObjectNode) offer)
              .put("url", r.url().toString())
              .put("hash_value", r.hashValue())
              .put("size", r.size());
          replaced = true;
        }
      }
      if (!replaced) {
        throw new IllegalStateException("no offer of " + r.updateType() + " to replace");
      }
      byte[] body = JSON.writeValueAsBytes(document);
      Map<String, List<String>> headers = new TreeMap<>(answer.headers());
      // A careful attacker keeps the body's digest consistent: only the signature can then tell.
      String digest = ContentDigest.HEADER.toLowerCase(Locale.ROOT);
      if (headers.containsKey(digest)) {
        headers.put(digest, List.of(ContentDigest.of(body).headerValue()));
      }
      return new Answer(answer.status(), headers, body);
    }
    return answer;
  }

  private static void respond(HttpExchange exchange, Answer answer) throws IOException {
    answer.headers().forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
    boolean empty =
        answer.body().length == 0
            || answer.status() == 204
            || exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(answer.status(), empty ? -1 : answer.body().length);
    if (!empty) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer.body());
      }
    }
  }

  @Override
  public void close() {
    proxy.stop(0);
  }
}
