package dev.appupdate.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET|HEAD} of the operator dashboard's static files on the admin listener: the page at
 * {@code /}, its script, style sheet and icon, read once from the jar. They hold no data and no
 * secret, so they need no token; the page asks for the token and sends it only in the {@code
 * Authorization} header of its {@code /admin/v1/} requests. Mount one instance under each of
 * {@link #paths()}.
 *
 * <p>Every answer forbids what the page does not need: scripts, styles and requests come from the
 * admin origin only (no inline script, so injected markup cannot run even if it reached the page),
 * no framing (the halt and resume buttons cannot be clickjacked), and no form submission (a token
 * typed into the page can never leave it in a URL).
 */
final class DashboardRoute implements Route {
  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private static final String FOLDER = "dashboard/";

  private record Asset(String contentType, byte[] body) {}

  private final Map<String, Asset> assets;

  DashboardRoute() {
    Map<String, Asset> m = new LinkedHashMap<>();
    m.put("/", load("index.html", "text/html; charset=utf-8"));
    m.put("/dashboard.js", load("dashboard.js", "text/javascript; charset=utf-8"));
    m.put("/dashboard.css", load("dashboard.css", "text/css; charset=utf-8"));
    m.put("/favicon.svg", load("favicon.svg", "image/svg+xml"));
    this.assets = Map.copyOf(m);
  }

  /** Returns the exact paths this route answers. */
  Set<String> paths() {
    return assets.keySet();
  }

  @Override
  public void handle(Call call) throws IOException, HttpProblem {
    Asset asset = assets.get(call.rawPath());
    if (asset == null) {
      throw HttpProblem.noRoute(call.rawPath());
    }
    call.responseHeaders().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    call.responseHeaders().set("X-Content-Type-Options", "nosniff");
    call.responseHeaders().set("Referrer-Policy", "no-referrer");
    // Revalidated on every load, so a server upgrade never runs an old script against a new API.
    call.responseHeaders().set("Cache-Control", "no-cache");
    call.send(200, asset.contentType(), asset.body());
  }

  private static Asset load(String name, String contentType) {
    try (InputStream in = DashboardRoute.class.getResourceAsStream(FOLDER + name)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks the dashboard file " + FOLDER + name);
      }
      return new Asset(contentType, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dashboard file " + FOLDER + name, e);
    }
  }
}
