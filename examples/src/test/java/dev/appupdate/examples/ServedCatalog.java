package dev.appupdate.examples;

import com.sun.net.httpserver.HttpServer;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.requestid.RequestIds;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * An {@link EmbeddedServerExample} server on a free port, offering releases of {@code your_app}
 * to everyone and serving their bytes under {@code /files/}. The bytes served can be changed
 * after the catalog was written, to simulate a file tampered with on the server.
 */
public final class ServedCatalog implements AutoCloseable {
  /** The product of every release. */
  public static final String PRODUCT = "your_app";

  private final HttpServer server;
  private final Catalog catalog;
  private final byte[] key = RequestIds.newKey();
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final List<CompletionReport> completions = new CopyOnWriteArrayList<>();

  /** One release: its update type, version and the bytes the catalog declares. */
  public record Offered(String updateType, String version, byte[] bytes) {
    String fileName() {
      return updateType + "-" + version;
    }
  }

  private ServedCatalog(Offered... releases) throws IOException {
    String json =
        java.util.Arrays.stream(releases)
            .map(ServedCatalog::releaseJson)
            .collect(Collectors.joining(",\n", "{\"releases\": [\n", "\n]}"));
    catalog = Catalog.parse(json.getBytes(StandardCharsets.UTF_8), "test catalog");
    server = EmbeddedServerExample.start(0, catalog, key, completions::add);
    for (Offered r : releases) {
      files.put(r.fileName(), r.bytes());
    }
    server.createContext(
        "/files/",
        exchange -> {
          try (exchange) {
            String name = exchange.getRequestURI().getPath().substring("/files/".length());
            byte[] body = files.get(name);
            if (body == null) {
              exchange.sendResponseHeaders(404, -1);
              return;
            }
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        });
  }

  /** Starts a server offering {@code releases}. */
  public static ServedCatalog start(Offered... releases) throws IOException {
    return new ServedCatalog(releases);
  }

  /** Returns a release of {@code n} pseudo-random bytes, the same for the same seed. */
  public static Offered release(String updateType, String version, int n, long seed) {
    byte[] bytes = new byte[n];
    new Random(seed).nextBytes(bytes);
    return new Offered(updateType, version, bytes);
  }

  /** Serves {@code bytes} for a release instead of the bytes its catalog entry describes. */
  public void tamper(Offered release, byte[] bytes) {
    files.put(release.fileName(), bytes.clone());
  }

  /** Returns the catalog the server serves. */
  public Catalog catalog() {
    return catalog;
  }

  /** Returns the server's base URL, for example {@code http://127.0.0.1:41234/}. */
  public URI baseUrl() {
    return EmbeddedServerExample.baseUrl(server);
  }

  /** Returns the request-id key the server issues and verifies ids with. */
  public byte[] key() {
    return key.clone();
  }

  /** Returns the completion reports received so far. */
  public List<CompletionReport> completions() {
    return List.copyOf(completions);
  }

  /** Returns the catalog JSON of one release, with a relative URL under {@code files/}. */
  static String releaseJson(Offered r) {
    return "{\"product\": \"" + PRODUCT + "\", \"update_type\": \"" + r.updateType()
        + "\", \"version\": \"" + r.version() + "\", \"url\": \"files/" + r.fileName()
        + "\", \"hash_function\": \"sha512\", \"hash_value\": \"" + sha512(r.bytes())
        + "\", \"size\": " + r.bytes().length + "}";
  }

  /** Returns the sha512 digest of {@code bytes} in lower-case hex. */
  public static String sha512(byte[] bytes) {
    return HexFormat.of().formatHex(HashFunction.SHA512.newDigest().digest(bytes));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
