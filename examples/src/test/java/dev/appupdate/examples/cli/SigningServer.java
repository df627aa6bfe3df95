package dev.appupdate.examples.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.appupdate.examples.ServedCatalog;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.ReleaseSignature;
import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.UpdateResponse;
import dev.appupdate.protocol.signature.AcceptSignature;
import dev.appupdate.protocol.signature.ContentDigest;
import dev.appupdate.protocol.signature.ReleaseSignatures;
import dev.appupdate.protocol.signature.RequestBinding;
import dev.appupdate.protocol.signature.ResponseSigner;
import dev.appupdate.protocol.signature.SignatureHeaders;
import dev.appupdate.protocol.signature.SigningKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An update server in the test's JVM on a free loopback port: answers every update check with what
 * the test set, signed as protocol v1 specifies when it was given a response key (docs/PROTOCOL.md,
 * "Response signatures"), serves the bytes of its offers under {@code /files/} and takes every
 * completion report with {@code 204}.
 */
final class SigningServer implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final AtomicInteger checks = new AtomicInteger();
  private final AtomicInteger completions = new AtomicInteger();
  private final AtomicInteger downloads = new AtomicInteger();
  private volatile int status = 204;
  private volatile byte[] body = new byte[0];

  /** Signs answers to checks that ask for a signature; null: answers are never signed. */
  private volatile ResponseSigner signer;

  private SigningServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/update", this::check);
    server.createContext(
        "/v1/completion",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            completions.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
          }
        });
    server.createContext(
        "/files/",
        exchange -> {
          try (exchange) {
            byte[] file = files.get(exchange.getRequestURI().getPath().substring(7));
            if (file == null) {
              exchange.sendResponseHeaders(404, -1);
              return;
            }
            downloads.incrementAndGet();
            send(exchange, 200, file);
          }
        });
    server.start();
  }

  static SigningServer start() throws IOException {
    return new SigningServer();
  }

  /** Returns the base URL, such as {@code http://127.0.0.1:41234/}. */
  URI baseUrl() {
    return URI.create(
        "http://"
            + server.getAddress().getAddress().getHostAddress()
            + ":"
            + server.getAddress().getPort()
            + "/");
  }

  /** From now on signs the answers of checks that ask for it with {@code key}. */
  void signWith(SigningKey key) {
    signer = ResponseSigner.create(List.of(key));
  }

  /** From now on answers every check with {@code 204 No Content}. */
  void answerNoUpdate() {
    status = 204;
    body = new byte[0];
  }

  /** From now on answers every check with these offers, each served under {@code /files/}. */
  void answer(Offer... offers) {
    List<AvailableUpdate> updates = new ArrayList<>();
    for (Offer o : offers) {
      String name = o.release().updateType() + "-" + o.release().version();
      files.put(name, o.release().bytes());
      updates.add(o.offer(baseUrl().resolve("files/" + name)));
    }
    body = ServerCodec.create().encodeUpdateResponse(UpdateResponse.of(updates, "req-1"));
    status = 200;
  }

  /** Returns how many checks, downloads and completion reports the server answered. */
  int checks() {
    return checks.get();
  }

  int downloads() {
    return downloads.get();
  }

  int completions() {
    return completions.get();
  }

  private void check(HttpExchange exchange) throws IOException {
    try (exchange; InputStream in = exchange.getRequestBody()) {
      in.readAllBytes();
      checks.incrementAndGet();
      int s = status;
      byte[] b = body;
      String accept = exchange.getRequestHeaders().getFirst(AcceptSignature.HEADER);
      ResponseSigner current = signer;
      if (current != null && accept != null) {
        RequestBinding request =
            RequestBinding.of(
                "POST",
                baseUrl().resolve("v1/update"),
                exchange.getRequestHeaders().getFirst(ContentDigest.HEADER),
                AcceptSignature.parse(accept).orElseThrow().nonce());
        SignatureHeaders h = current.sign(request, s, b, Instant.now());
        if (h.contentDigest() != null) {
          exchange.getResponseHeaders().add(ContentDigest.HEADER, h.contentDigest());
        }
        exchange.getResponseHeaders().add(SignatureHeaders.SIGNATURE_INPUT, h.signatureInput());
        exchange.getResponseHeaders().add(SignatureHeaders.SIGNATURE, h.signature());
      }
      if (s == 200) {
        exchange.getResponseHeaders().add("Content-Type", "application/json");
      }
      send(exchange, s, b);
    }
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /**
   * One offer of a release of {@code your_app}, signed by the given release keys.
   *
   * @param release the update type, version and bytes
   * @param keys the release keys that sign it; none for an unsigned offer
   */
  record Offer(ServedCatalog.Offered release, SigningKey... keys) {
    AvailableUpdate offer(URI url) {
      AvailableUpdate unsigned =
          AvailableUpdate.builder()
              .updateType(release.updateType())
              .version(release.version())
              .url(url)
              .hashFunction(HashFunction.SHA512)
              .hashValue(ServedCatalog.sha512(release.bytes()))
              .size(release.bytes().length)
              .build();
      List<ReleaseSignature> signatures = new ArrayList<>();
      for (SigningKey key : keys) {
        byte[] signature =
            key.sign(ReleaseSignatures.canonicalBytes(ServedCatalog.PRODUCT, unsigned));
        signatures.add(
            ReleaseSignature.of(
                key.keyId(), Base64.getUrlEncoder().withoutPadding().encodeToString(signature)));
      }
      return unsigned.toBuilder().signatures(signatures).build();
    }
  }
}
