package dev.appupdate.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.Version;
import dev.appupdate.server.CatalogHolder.HaltKey;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The admin listener, apart from the public API: {@code GET /admin/v1/stats}, {@code POST
 * /admin/v1/releases/{product}/{update_type}/{version}/halt} and {@code .../resume}, and {@code GET
 * /metrics}. Every request must carry the bearer token ({@link AdminToken}) and a {@code Host}
 * header naming this listener's address, so that a web page in a browser on the same machine
 * cannot reach it through a DNS name it controls. It runs on two threads of its own, so a slow
 * scrape never takes a worker of the update check.
 */
final class AdminServer implements AutoCloseable {
  static final String PREFIX = "/admin/v1/";
  static final String RELEASES = PREFIX + "releases/";

  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration DEFAULT_WINDOW = Duration.ofDays(7);
  private static final int BODY_LIMIT = 4096;
  private static final DashboardRoute DASHBOARD = new DashboardRoute();

  private final HttpServer http;
  private final ExecutorService executor;

  private AdminServer(HttpServer http, ExecutorService executor) {
    this.http = http;
    this.executor = executor;
  }

  /** What the admin routes read and change. */
  record Parts(
      ServerCodec codec,
      CatalogHolder catalog,
      Halts halts,
      CompletionStore store,
      String storeKind,
      Metrics metrics,
      Clock clock,
      Watchdog watchdog) {}

  /**
   * Binds and starts the listener.
   *
   * @throws IOException if the port cannot be bound or the TLS key store cannot be read
   */
  static AdminServer start(ServerConfig.Admin config, AdminToken token, Parts parts)
      throws IOException {
    InetSocketAddress address = new InetSocketAddress(config.bind(), config.port());
    HttpServer http;
    try {
      if (config.tlsKeyStore() == null) {
        http = HttpServer.create(address, 0);
      } else {
        HttpsServer https = HttpsServer.create(address, 0);
        https.setHttpsConfigurator(
            new HttpsConfigurator(sslContext(config.tlsKeyStore(), config.tlsPassword())));
        http = https;
      }
    } catch (BindException e) {
      throw new IOException(
          "cannot listen on admin address "
              + ServerConfig.literal(config.bind())
              + ":"
              + config.port()
              + ": "
              + e.getMessage(),
          e);
    }
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "appupdate-admin");
              t.setDaemon(true);
              return t;
            });
    int port = http.getAddress().getPort();
    http.setExecutor(executor);
    http.createContext("/", exchange -> handle(exchange, config, port, token, parts));
    http.start();
    LOG.log(
        Level.INFO,
        "admin listener on {0}://{1}:{2,number,#}, bearer token in {3}",
        config.tlsKeyStore() == null ? "http" : "https",
        ServerConfig.literal(config.bind()),
        port,
        config.tokenFile().toAbsolutePath());
    return new AdminServer(http, executor);
  }

  private static SSLContext sslContext(Path keyStore, char[] password) throws IOException {
    try (InputStream in = Files.newInputStream(keyStore)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use admin TLS key store " + keyStore + ": " + e.getMessage(), e);
    }
  }

  int port() {
    return http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }

  private static void handle(
      HttpExchange exchange, ServerConfig.Admin config, int port, AdminToken token, Parts parts) {
    Call call = new Call(exchange, parts.codec(), parts.watchdog());
    try {
      try {
        // Read to its end before answering, so that the connection stays usable for the next
        // request (the server runs with drainAmount=0, see Router).
        byte[] body = exchange.getRequestBody().readNBytes(BODY_LIMIT + 1);
        if (body.length > BODY_LIMIT) {
          throw HttpProblem.contentTooLarge(BODY_LIMIT);
        }
        route(call, body, config, port, token, parts);
      } catch (HttpProblem p) {
        if (!call.responded()) {
          call.sendProblem(p);
        }
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "admin request failed: " + JsonBody.token(call.method()), e);
        if (!call.responded()) {
          call.sendProblem(HttpProblem.internalError("the admin request failed"));
        }
      }
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "admin request aborted: {0}", e.toString());
    } finally {
      exchange.close();
    }
  }

  private static void route(
      Call call, byte[] body, ServerConfig.Admin config, int port, AdminToken token, Parts parts)
      throws IOException, HttpProblem {
    // On a wildcard address the listener is the address the connection came to: the bind
    // address itself (0.0.0.0) is nothing a client connects to or names.
    InetAddress listener =
        config.bind().isAnyLocalAddress()
            ? call.exchange().getLocalAddress().getAddress()
            : config.bind();
    checkHost(call.requestHeader("Host"), listener, port);
    String path = call.rawPath();
    if (DASHBOARD.paths().contains(path)) {
      // The page, its script and its style hold no data and need no token: the script asks the
      // operator for it and sends it with each /admin/v1 request.
      requireMethod(call, "GET");
      DASHBOARD.handle(call);
      return;
    }
    boolean metrics = path.equals("/metrics");
    if (!metrics && !path.startsWith(PREFIX)) {
      throw HttpProblem.noRoute(path);
    }
    if (!token.accepts(call.requestHeader("Authorization"))) {
      throw HttpProblem.unauthorized(
          "the admin API needs the bearer token of the token file: Authorization: Bearer TOKEN");
    }
    call.responseHeaders().set("Cache-Control", "no-store");
    if (metrics) {
      requireMethod(call, "GET");
      call.send(200, Metrics.CONTENT_TYPE, parts.metrics().scrape());
    } else if (path.equals(PREFIX + "stats")) {
      requireMethod(call, "GET");
      Instant now = parts.clock().instant();
      Instant since = since(call.exchange().getRequestURI().getRawQuery(), now);
      byte[] stats;
      try {
        stats =
            Stats.document(
                parts.catalog().state(),
                parts.halts().halted(),
                parts.store(),
                parts.storeKind(),
                since,
                now);
      } catch (IOException e) {
        parts.metrics().storeError();
        LOG.log(Level.WARNING, "stats: the completion store cannot be read: " + e.getMessage());
        throw HttpProblem.unavailable("the completion store cannot be read: " + e.getMessage(), 5);
      }
      call.send(200, "application/json", stats);
    } else if (path.startsWith(RELEASES)) {
      releaseAction(call, body, path.substring(RELEASES.length()), parts);
    } else {
      throw HttpProblem.noRoute(path);
    }
  }

  private static void requireMethod(Call call, String method) throws HttpProblem {
    boolean ok =
        call.method().equals(method) || (method.equals("GET") && call.method().equals("HEAD"));
    if (!ok) {
      throw HttpProblem.methodNotAllowed(
          call.method(), call.rawPath(), method.equals("GET") ? List.of("GET", "HEAD") : List.of(method));
    }
  }

  /**
   * Refuses a {@code Host} that does not name this listener: its address literal, or {@code
   * localhost} when it listens on a loopback address, with the port.
   */
  static void checkHost(String host, InetAddress bind, int port) throws HttpProblem {
    if (host != null && namesListener(host.strip(), bind, port)) {
      return;
    }
    throw HttpProblem.of(
        421,
        "Misdirected Request",
        "the Host header must name this admin listener ("
            + ServerConfig.literal(bind)
            + ":"
            + port
            + "), got "
            + (host == null ? "none" : JsonBody.printable(host)));
  }

  private static boolean namesListener(String host, InetAddress bind, int port) {
    int colon = host.lastIndexOf(':');
    if (colon < 0 || host.endsWith("]") || !host.substring(colon + 1).equals(Integer.toString(port))) {
      return false;
    }
    String name = host.substring(0, colon);
    if (name.equalsIgnoreCase("localhost")) {
      return bind.isLoopbackAddress();
    }
    boolean v6 = name.startsWith("[") && name.endsWith("]");
    boolean v4 = name.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    if (!v6 && !v4) {
      // A DNS name, which a rebinding page controls: never looked up, never accepted.
      return false;
    }
    try {
      // A literal: parsed without any lookup.
      return InetAddress.getByName(v6 ? name.substring(1, name.length() - 1) : name).equals(bind);
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static Instant since(String rawQuery, Instant now) throws HttpProblem {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return now.minus(DEFAULT_WINDOW);
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      if (!name.equals("since")) {
        throw HttpProblem.badRequest("unknown query parameter " + JsonBody.printable(name) + "; the stats take only since");
      }
      String value = URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), StandardCharsets.UTF_8);
      try {
        return Instant.parse(value);
      } catch (DateTimeParseException e) {
        throw HttpProblem.badRequest(
            "since must be an ISO-8601 instant such as 2026-12-01T00:00:00Z, got "
                + JsonBody.printable(value));
      }
    }
    return now.minus(DEFAULT_WINDOW);
  }

  /** {@code {product}/{update_type}/{version}/halt} or {@code .../resume}. */
  private static void releaseAction(Call call, byte[] body, String rest, Parts parts)
      throws IOException, HttpProblem {
    String[] segments = rest.split("/", -1);
    if (segments.length != 4
        || !(segments[3].equals("halt") || segments[3].equals("resume"))) {
      throw HttpProblem.noRoute(call.rawPath());
    }
    requireMethod(call, "POST");
    String product = URLDecoder.decode(segments[0], StandardCharsets.UTF_8);
    String updateType = URLDecoder.decode(segments[1], StandardCharsets.UTF_8);
    String version;
    try {
      version = Version.parse(URLDecoder.decode(segments[2], StandardCharsets.UTF_8)).canonical();
    } catch (IllegalArgumentException e) {
      throw HttpProblem.badRequest("not a version: " + JsonBody.printable(segments[2]));
    }
    String note = note(body);
    HaltKey key = new HaltKey(product, updateType, version);
    boolean halt = segments[3].equals("halt");
    Halts.Change change;
    try {
      change = halt ? parts.halts().halt(key, note) : parts.halts().resume(key, note);
    } catch (IOException e) {
      parts.metrics().storeError();
      LOG.log(Level.WARNING, "cannot record a halt or resume: " + e.getMessage());
      throw HttpProblem.unavailable("the completion store cannot record it: " + e.getMessage(), 5);
    }
    String name = product + " " + updateType + " " + version;
    switch (change) {
      case UNKNOWN_RELEASE:
        throw HttpProblem.notFound("the catalog served has no release " + JsonBody.printable(name));
      case ALREADY:
        throw HttpProblem.of(
            409, "Conflict", name + (halt ? " is halted already" : " is not halted"));
      default:
        break;
    }
    ObjectNode o = MAPPER.createObjectNode();
    o.put("product", product);
    o.put("update_type", updateType);
    o.put("version", version);
    o.put("state", halt ? "halted" : "resumed");
    call.send(200, "application/json", MAPPER.writeValueAsBytes(o));
  }

  /** An optional JSON body {@code {"note": "..."}}. */
  private static String note(byte[] body) throws HttpProblem {
    if (body.length == 0) {
      return null;
    }
    JsonNode n;
    try {
      n = MAPPER.readTree(body);
    } catch (IOException e) {
      throw HttpProblem.badRequest("the body must be a JSON object such as {\"note\": \"why\"}");
    }
    JsonNode note = n == null ? null : n.get("note");
    if (n == null || !n.isObject() || (note != null && !note.isTextual()) || n.size() > (note == null ? 0 : 1)) {
      throw HttpProblem.badRequest("the body must be a JSON object such as {\"note\": \"why\"}");
    }
    if (note != null && note.textValue().length() > 1024) {
      throw HttpProblem.badRequest("the note must be at most 1024 characters");
    }
    return note == null ? null : note.textValue();
  }
}
