package dev.appupdate.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.appupdate.protocol.ServerCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stand-in for the admin listener: the real {@link DashboardRoute} for the page, and the admin
 * API ({@code GET /admin/v1/stats[?since=]}, {@code POST /admin/v1/releases/{product}/{update_type}
 * /{version}/halt|resume}) answered from a {@link DashboardBackend.Scenario} in the stats document's
 * shape, behind the bearer token.
 */
final class FakeAdminListener implements DashboardBackend {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ServerCodec CODEC = ServerCodec.create();

  private final HttpServer server;
  private final DashboardRoute dashboard = new DashboardRoute();
  private final Map<String, Release> releases = new LinkedHashMap<>();
  private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
  private final Scenario scenario;
  private final Instant loadedAt = Instant.now().minus(2, ChronoUnit.HOURS);
  private volatile String token;

  private FakeAdminListener(Scenario scenario, String token) throws IOException {
    this.scenario = scenario;
    this.token = token;
    for (Release r : scenario.releases()) {
      releases.put(r.key(), r);
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  static FakeAdminListener start(Scenario scenario, String token) {
    try {
      return new FakeAdminListener(scenario, token);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public URI url() {
    InetSocketAddress a = server.getAddress();
    return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/");
  }

  @Override
  public String token() {
    return token;
  }

  @Override
  public void rotateToken(String token) {
    this.token = token;
  }

  @Override
  public synchronized String state(String product, String updateType, String version) {
    return releases.get(product + "/" + updateType + "/" + version).state();
  }

  @Override
  public synchronized void addReports(
      String product, String updateType, String version, int successes, int failures) {
    Release r = releases.get(product + "/" + updateType + "/" + version);
    List<Hour> hourly = new ArrayList<>(r.hourly());
    hourly.add(new Hour(Instant.now().truncatedTo(ChronoUnit.HOURS), successes, failures));
    Map<String, Integer> byCode = new TreeMap<>(r.byCode());
    if (failures > 0) {
      byCode.merge("install_failed", failures, Integer::sum);
    }
    releases.put(r.key(), with(r, r.state(), r.halt(), byCode, hourly));
  }

  @Override
  public List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String target = exchange.getRequestURI().getRawPath();
    String query = exchange.getRequestURI().getRawQuery();
    requests.add(
        new Request(
            exchange.getRequestMethod(),
            query == null ? target : target + "?" + query,
            exchange.getRequestHeaders().getFirst("Authorization")));
    // Read to its end, as the server's Router does, so the connection stays open for the next one.
    exchange.getRequestBody().readAllBytes();
    // A watchdog that never fires: the fake answers at once, and tests drive no slow clients.
    Call call = new Call(exchange, CODEC, Watchdog.manual(System::nanoTime));
    try {
      if (target.startsWith("/admin/") || target.equals("/metrics")) {
        if (!("Bearer " + token).equals(call.requestHeader("Authorization"))) {
          call.responseHeaders().set("WWW-Authenticate", "Bearer");
          throw HttpProblem.of(401, "Unauthorized", "a valid bearer token is required");
        }
        admin(call, target, query);
      } else {
        if (!call.method().equals("GET") && !call.method().equals("HEAD")) {
          throw HttpProblem.methodNotAllowed(call.method(), target, List.of("GET", "HEAD"));
        }
        dashboard.handle(call);
      }
    } catch (HttpProblem p) {
      call.sendProblem(p);
    } finally {
      exchange.close();
    }
  }

  private void admin(Call call, String path, String query) throws IOException, HttpProblem {
    if (path.equals("/admin/v1/stats") && call.method().equals("GET")) {
      call.responseHeaders().set("Cache-Control", "no-store");
      call.send(200, "application/json", JSON.writeValueAsBytes(stats(since(query))));
      return;
    }
    String[] parts = path.split("/", -1);
    // "", "admin", "v1", "releases", product, update_type, version, action
    if (parts.length == 8
        && parts[3].equals("releases")
        && call.method().equals("POST")
        && (parts[7].equals("halt") || parts[7].equals("resume"))) {
      String key = decode(parts[4]) + "/" + decode(parts[5]) + "/" + decode(parts[6]);
      synchronized (this) {
        Release r = releases.get(key);
        if (r == null) {
          throw HttpProblem.notFound("no release " + key);
        }
        releases.put(
            key,
            parts[7].equals("halt")
                ? with(r, "halted", new Halt(Instant.now(), "operator", null), r.byCode(), r.hourly())
                : with(r, "live", null, r.byCode(), r.hourly()));
      }
      call.sendEmpty(204);
      return;
    }
    throw HttpProblem.noRoute(path);
  }

  private static Instant since(String query) throws HttpProblem {
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("since=")) {
          try {
            return Instant.parse(decode(pair.substring("since=".length())));
          } catch (DateTimeParseException e) {
            throw HttpProblem.badRequest("since is not an ISO-8601 instant");
          }
        }
      }
    }
    return Instant.EPOCH;
  }

  private synchronized ObjectNode stats(Instant since) {
    ObjectNode root = JSON.createObjectNode();
    root.put("generated_at", Instant.now().toString());
    root.put("since", since.toString());
    ObjectNode catalog = root.putObject("catalog");
    catalog.put("loaded_at", loadedAt.toString());
    catalog.put("load_millis", 42);
    if (scenario.catalogError() == null) {
      catalog.putNull("last_error");
    } else {
      ObjectNode error = catalog.putObject("last_error");
      error.put("at", scenario.catalogError().at().toString());
      error.put("message", scenario.catalogError().message());
    }
    ObjectNode store = root.putObject("store");
    store.put("kind", "jsonl");
    store.put("status", scenario.storeStatus());
    store.put("reason", scenario.storeReason());
    Map<String, ArrayNode> products = new LinkedHashMap<>();
    ArrayNode productArray = root.putArray("products");
    for (Release r : releases.values()) {
      ArrayNode list =
          products.computeIfAbsent(
              r.product(),
              p -> {
                ObjectNode product = productArray.addObject();
                product.put("product", p);
                return product.putArray("releases");
              });
      list.add(release(r, since));
    }
    return root;
  }

  private static ObjectNode release(Release r, Instant since) {
    ObjectNode o = JSON.createObjectNode();
    o.put("update_type", r.updateType());
    o.put("version", r.version());
    ArrayNode channels = o.putArray("channels");
    r.channels().forEach(channels::add);
    o.put("rollout_percent", r.rolloutPercent());
    o.put("signed", r.signed());
    o.put("state", r.state());
    if (r.halt() == null) {
      o.putNull("halt");
    } else {
      ObjectNode halt = o.putObject("halt");
      halt.put("at", r.halt().at().toString());
      halt.put("actor", r.halt().actor());
      halt.put("detail", r.halt().detail());
    }
    ObjectNode threshold = o.putObject("halt_threshold");
    threshold.put("max_failure_rate", 0.05);
    threshold.put("min_reports", 50);
    Map<Instant, int[]> hours = new TreeMap<>();
    for (Hour h : r.hourly()) {
      if (!h.hour().isBefore(since)) {
        int[] sf = hours.computeIfAbsent(h.hour(), x -> new int[2]);
        sf[0] += h.successes();
        sf[1] += h.failures();
      }
    }
    int successes = hours.values().stream().mapToInt(sf -> sf[0]).sum();
    int failures = hours.values().stream().mapToInt(sf -> sf[1]).sum();
    o.put("reports", successes + failures);
    o.put("successes", successes);
    o.put("failures", failures);
    if (successes + failures == 0) {
      o.putNull("failure_rate");
      o.putNull("first_report");
      o.putNull("last_report");
    } else {
      o.put("failure_rate", (double) failures / (successes + failures));
      o.put("first_report", hours.keySet().iterator().next().plusSeconds(60).toString());
      Instant last = ((TreeMap<Instant, int[]>) hours).lastKey();
      o.put("last_report", last.plusSeconds(90).toString());
    }
    ObjectNode byCode = o.putObject("by_code");
    r.byCode().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> byCode.put(e.getKey(), e.getValue()));
    ArrayNode hourly = o.putArray("hourly");
    hours.forEach(
        (hour, sf) -> {
          ObjectNode h = hourly.addObject();
          h.put("hour", hour.toString());
          h.put("successes", sf[0]);
          h.put("failures", sf[1]);
        });
    return o;
  }

  private static Release with(
      Release r, String state, Halt halt, Map<String, Integer> byCode, List<Hour> hourly) {
    return new Release(
        r.product(),
        r.updateType(),
        r.version(),
        r.channels(),
        r.rolloutPercent(),
        r.signed(),
        state,
        halt,
        byCode,
        hourly);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
