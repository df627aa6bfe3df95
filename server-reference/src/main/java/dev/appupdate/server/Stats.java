package dev.appupdate.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.Release;
import dev.appupdate.server.CatalogHolder.HaltKey;
import dev.appupdate.server.CompletionStore.CompletionCount;
import dev.appupdate.server.CompletionStore.HaltEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The document of {@code GET /admin/v1/stats} (docs/OPERATIONS.md, docs/schemas/admin-stats.schema.json):
 * per product and release of the catalog served, the reports the completion store counted since
 * the window's start (rounded down to the hour), with the release's rollout state.
 */
final class Stats {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Stats() {}

  /** The tallies of one release over the window. */
  private static final class Tally {
    long successes;
    long failures;
    final Map<String, Long> byCode = new TreeMap<>();
    final TreeMap<Instant, long[]> hourly = new TreeMap<>();
  }

  static byte[] document(
      CatalogHolder.State state,
      Map<HaltKey, HaltEvent> halted,
      CompletionStore store,
      String storeKind,
      Instant requestedSince,
      Instant now)
      throws IOException {
    // Whole hours, as the JSONL store keeps its counts: both stores then count the same reports,
    // and the document says which start it used.
    Instant since = requestedSince.truncatedTo(ChronoUnit.HOURS);
    Map<HaltKey, Tally> tallies = new HashMap<>();
    for (CompletionCount c : store.counts(since)) {
      Tally t =
          tallies.computeIfAbsent(
              new HaltKey(c.product(), c.updateType(), c.version()), k -> new Tally());
      long[] hour = t.hourly.computeIfAbsent(c.hour(), h -> new long[2]);
      if (c.failureCode() == null) {
        t.successes += c.reports();
        hour[0] += c.reports();
      } else {
        t.byCode.merge(c.failureCode(), c.reports(), Long::sum);
        // Cancelled counts nowhere: not as a failure, not as a report.
        if (!c.failureCode().equals("cancelled")) {
          t.failures += c.reports();
          hour[1] += c.reports();
        }
      }
    }
    ObjectNode doc = MAPPER.createObjectNode();
    doc.put("generated_at", now.toString());
    doc.put("since", since.toString());
    CatalogHolder.Snapshot snapshot = state.catalog();
    ObjectNode catalog = doc.putObject("catalog");
    catalog.put("loaded_at", snapshot.loadedAt().toString());
    catalog.put("load_millis", snapshot.loadMillis());
    if (state.lastFailure() == null) {
      catalog.putNull("last_error");
    } else {
      ObjectNode error = catalog.putObject("last_error");
      error.put("at", state.lastFailure().at().toString());
      error.put("message", state.lastFailure().message());
    }
    ObjectNode storeNode = doc.putObject("store");
    CompletionStore.StoreHealth health = store.health();
    storeNode.put("kind", storeKind);
    storeNode.put("status", health.status().name().toLowerCase(Locale.ROOT));
    storeNode.put("reason", health.reason());
    Map<String, ArrayNode> products = new LinkedHashMap<>();
    Catalog c = snapshot.catalog();
    List<Release> releases = c == null ? List.of() : c.releases();
    for (Release r : sorted(releases)) {
      HaltKey key = HaltKey.of(r);
      ObjectNode o =
          products.computeIfAbsent(r.product(), p -> MAPPER.createArrayNode()).addObject();
      o.put("update_type", r.updateType());
      o.put("version", r.version());
      ArrayNode channels = o.putArray("channels");
      r.match().channels().forEach(channels::add);
      o.put("rollout_percent", r.rolloutPercent());
      o.put("signed", !r.signatures().isEmpty());
      HaltEvent halt = halted.get(key);
      o.put("state", halt != null ? "halted" : r.paused() ? "paused" : "live");
      if (halt == null) {
        o.putNull("halt");
      } else {
        ObjectNode h = o.putObject("halt");
        h.put("at", halt.at().toString());
        h.put("actor", halt.actor());
        h.put("detail", halt.detail());
      }
      if (r.halt() == null) {
        o.putNull("halt_threshold");
      } else {
        ObjectNode t = o.putObject("halt_threshold");
        t.put("max_failure_rate", r.halt().maxFailureRate());
        t.put("min_reports", r.halt().minReports());
      }
      Tally t = tallies.getOrDefault(key, new Tally());
      long reports = t.successes + t.failures;
      o.put("reports", reports);
      o.put("successes", t.successes);
      o.put("failures", t.failures);
      if (reports == 0) {
        o.putNull("failure_rate");
      } else {
        o.put("failure_rate", (double) t.failures / reports);
      }
      ObjectNode byCode = o.putObject("by_code");
      t.byCode.forEach(byCode::put);
      if (t.hourly.isEmpty()) {
        o.putNull("first_report");
        o.putNull("last_report");
      } else {
        o.put("first_report", t.hourly.firstKey().toString());
        o.put("last_report", t.hourly.lastKey().toString());
      }
      ArrayNode hourly = o.putArray("hourly");
      t.hourly.forEach(
          (hour, n) -> {
            ObjectNode h = hourly.addObject();
            h.put("hour", hour.toString());
            h.put("successes", n[0]);
            h.put("failures", n[1]);
          });
    }
    ArrayNode productList = doc.putArray("products");
    products.forEach(
        (product, list) -> {
          ObjectNode p = productList.addObject();
          p.put("product", product);
          p.set("releases", list);
        });
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
  }

  /** By product, update type, then highest version first, as the dashboard lists them. */
  private static List<Release> sorted(List<Release> releases) {
    List<Release> list = new ArrayList<>(releases);
    list.sort(
        (a, b) -> {
          int c = a.product().compareTo(b.product());
          if (c == 0) {
            c = a.updateType().compareTo(b.updateType());
          }
          return c != 0 ? c : b.parsedVersion().compareTo(a.parsedVersion());
        });
    return list;
  }
}
