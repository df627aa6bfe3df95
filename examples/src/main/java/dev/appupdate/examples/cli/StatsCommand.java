package dev.appupdate.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code appupdate stats}: the reference server's per-release statistics ({@code GET
 * /admin/v1/stats} on its admin listener) as a table, or the document itself with {@code --json}.
 */
@CommandLine.Command(
    name = "stats",
    header = "print the completion statistics of each release from a server's admin listener",
    customSynopsis =
        "appupdate stats --admin URL --token-file FILE [--product P] [--since INSTANT] [--json]",
    description = {
      "Asks the admin listener of an appupdate reference server for its statistics and prints one"
          + " line per release: state (live, paused, halted), rollout, reports, failures, failure"
          + " rate (cancelled reports count nowhere), the most frequent failure codes and the hour"
          + " of the last report. The token is sent as a bearer token and never printed."
    },
    exitCodeList = {
      "0:printed",
      "1:the token file could not be read, or the server refused the token",
      "2:usage error",
      "3:no answer from the admin listener, or not a statistics document"
    },
    footerHeading = "%nExample:%n",
    footer =
        "  appupdate stats --admin http://127.0.0.1:8001 --token-file appupdate-data/admin.token")
final class StatsCommand implements Command {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintStream out;
  private final PrintStream err;

  @Option(names = "--admin", paramLabel = "URL", required = true,
      description = "the admin listener, for example http://127.0.0.1:8001")
  private String adminText;

  @Option(names = "--token-file", paramLabel = "FILE", required = true,
      description = "the file holding the admin token (the server's --admin-token-file)")
  private String tokenFileText;

  @Option(names = "--product", paramLabel = "P", description = "only the releases of product P")
  private String product;

  @Option(names = "--since", paramLabel = "INSTANT",
      description = "count reports from this ISO-8601 instant on (default: the server's, 7 days)")
  private String since;

  @Option(names = "--json", description = "print the statistics document as the server sent it")
  private boolean json;

  private URI admin;

  StatsCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public List<String> validate() {
    List<String> problems = new ArrayList<>();
    if (adminText != null) {
      try {
        URI uri = new URI(adminText);
        if (uri.getScheme() == null
            || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
            || uri.getHost() == null) {
          problems.add("--admin: must be an http or https URL, got " + adminText);
        } else {
          admin = URI.create(adminText.endsWith("/") ? adminText : adminText + "/");
        }
      } catch (URISyntaxException e) {
        problems.add("--admin: not a URL: " + Failures.oneLine(e.getMessage()));
      }
    }
    if (since != null) {
      try {
        Instant.parse(since);
      } catch (DateTimeParseException e) {
        problems.add("--since: must be an instant such as 2026-12-01T00:00:00Z, got " + since);
      }
    }
    return problems;
  }

  @Override
  public int run() {
    String token;
    try {
      token = Files.readString(Path.of(tokenFileText), StandardCharsets.UTF_8).strip();
    } catch (IOException | RuntimeException e) {
      err.println("appupdate stats: cannot read the token file " + tokenFileText + ": "
          + Failures.oneLine(String.valueOf(e.getMessage())));
      return Exit.FAILED;
    }
    URI url = admin.resolve("admin/v1/stats" + (since == null ? "" : "?since=" + since));
    HttpResponse<String> response;
    try {
      response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(10))
              .build()
              .send(
                  HttpRequest.newBuilder(url)
                      .timeout(Duration.ofSeconds(30))
                      .header("Authorization", "Bearer " + token)
                      .header("Accept", "application/json")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      err.println("appupdate stats: no answer from " + url + ": " + Failures.describe(e));
      return Exit.NO_SERVER;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("appupdate stats: interrupted");
      return Exit.FAILED;
    }
    if (response.statusCode() == 401) {
      err.println("appupdate stats: " + url + " refused the token of " + tokenFileText);
      return Exit.FAILED;
    }
    JsonNode doc;
    try {
      doc = JSON.readTree(response.body());
    } catch (IOException e) {
      doc = null;
    }
    if (response.statusCode() != 200 || doc == null || !doc.path("products").isArray()) {
      err.println("appupdate stats: " + url + " answered " + response.statusCode()
          + ", not a statistics document");
      return Exit.NO_SERVER;
    }
    if (json) {
      out.println(response.body().strip());
      return Exit.OK;
    }
    Table table =
        new Table("PRODUCT", "TYPE", "VERSION", "STATE", "ROLLOUT", "REPORTS", "FAILURES", "RATE",
            "CODES", "LAST REPORT");
    for (JsonNode p : doc.get("products")) {
      String name = p.path("product").asText();
      if (product != null && !product.equals(name)) {
        continue;
      }
      for (JsonNode r : p.path("releases")) {
        table.row(
            name,
            r.path("update_type").asText(),
            r.path("version").asText(),
            r.path("state").asText(),
            r.path("rollout_percent").asText(),
            r.path("reports").asText(),
            r.path("failures").asText(),
            r.path("failure_rate").isNull() ? "-" : String.format(Locale.ROOT, "%.3f",
                r.path("failure_rate").asDouble()),
            codes(r.path("by_code")),
            r.path("last_report").isNull() ? "-" : r.path("last_report").asText());
      }
    }
    table.print(out);
    for (JsonNode p : doc.get("products")) {
      for (JsonNode r : p.path("releases")) {
        if (r.path("halt").isObject()
            && (product == null || product.equals(p.path("product").asText()))) {
          out.println(p.path("product").asText() + " " + r.path("update_type").asText() + " "
              + r.path("version").asText() + " halted " + r.path("halt").path("at").asText()
              + " (" + r.path("halt").path("actor").asText() + "): "
              + r.path("halt").path("detail").asText());
        }
      }
    }
    return Exit.OK;
  }

  /** {@code install_failed=3 bad_checksum=1}, most frequent first; {@code -} when none. */
  private static String codes(JsonNode byCode) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : byCode.properties()) {
      entries.add(Map.entry(e.getKey(), e.getValue().asLong()));
    }
    if (entries.isEmpty()) {
      return "-";
    }
    entries.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Long> e : entries) {
      sb.append(sb.length() == 0 ? "" : " ").append(e.getKey()).append('=').append(e.getValue());
    }
    return sb.toString();
  }
}
