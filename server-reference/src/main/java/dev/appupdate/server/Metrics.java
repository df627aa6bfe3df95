package dev.appupdate.server;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The server's Prometheus metrics, in a registry of its own (two servers in one JVM do not mix
 * their counts). What the update check records is resolved once here: an increment is then one
 * add to a striped counter, with no label lookup and no allocation, so that recording does not
 * show in the check's throughput (docs/PERFORMANCE.md).
 */
final class Metrics {
  /** The text format's media type, version 0.0.4. */
  static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  /**
   * The routes the latency histogram tells apart, so every route of the public listener; every
   * other path counts as {@code other}. OpenApiTest checks docs/openapi.yaml against it.
   */
  static final String[] ROUTES = {
    "/v1/update", "/v1/completion", "/v1/explain", "/healthz", "/files/", "other"
  };

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final CounterDataPoint offered;
  private final CounterDataPoint noUpdate;
  private final CounterDataPoint clientError;
  private final CounterDataPoint serverError;
  private final Counter offers;
  private final Map<String, CounterDataPoint> offersByType = new ConcurrentHashMap<>();
  private final Counter completions;
  private final DistributionDataPoint[] latency = new DistributionDataPoint[ROUTES.length];
  private final CounterDataPoint reloads;
  private final CounterDataPoint reloadFailures;
  private final CounterDataPoint storeErrors;
  private final Counter halts;

  Metrics() {
    Counter checks =
        Counter.builder()
            .name("appupdate_checks_total")
            .help("Update checks (POST /v1/update) by result")
            .labelNames("result")
            .register(registry);
    offered = checks.labelValues("offered");
    noUpdate = checks.labelValues("no_update");
    clientError = checks.labelValues("client_error");
    serverError = checks.labelValues("server_error");
    offers =
        Counter.builder()
            .name("appupdate_offers_total")
            .help("Offers made by update checks, by update type")
            .labelNames("update_type")
            .register(registry);
    completions =
        Counter.builder()
            .name("appupdate_completions_total")
            .help("Completion outcomes recorded, by status and failure code (none on success)")
            .labelNames("status", "code")
            .register(registry);
    Histogram requests =
        Histogram.builder()
            .name("appupdate_request_duration_seconds")
            .help("Time from routing a request to its last byte written, by route")
            .labelNames("route")
            .classicOnly()
            .classicUpperBounds(
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10)
            .register(registry);
    for (int i = 0; i < ROUTES.length; i++) {
      latency[i] = requests.labelValues(ROUTES[i]);
    }
    reloads =
        Counter.builder()
            .name("appupdate_catalog_reloads_total")
            .help("Catalog files loaded and served after a change")
            .register(registry)
            .labelValues();
    reloadFailures =
        Counter.builder()
            .name("appupdate_catalog_reload_failures_total")
            .help("Catalog files refused after a change; the catalog before kept serving")
            .register(registry)
            .labelValues();
    storeErrors =
        Counter.builder()
            .name("appupdate_store_errors_total")
            .help("Completion store operations that failed (a report answered 503, a read)")
            .register(registry)
            .labelValues();
    halts =
        Counter.builder()
            .name("appupdate_halts_total")
            .help("Halts and resumes this server recorded, by action and actor")
            .labelNames("action", "actor")
            .register(registry);
    JvmMetrics.builder().register(registry);
  }

  /** Adds gauges read at scrape time: halted releases and the completion store's state. */
  void gauges(Supplier<Integer> haltedReleases, Supplier<CompletionStore.StoreHealth> store) {
    GaugeWithCallback.builder()
        .name("appupdate_halted_releases")
        .help("Releases withheld now by a halt")
        .callback(cb -> cb.call(haltedReleases.get()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("appupdate_store_status")
        .help("The completion store's state: 1 for the current one of ok, degraded, down")
        .labelNames("status")
        .callback(
            cb -> {
              CompletionStore.StoreHealth.Status now = store.get().status();
              for (CompletionStore.StoreHealth.Status s : CompletionStore.StoreHealth.Status.values()) {
                cb.call(s == now ? 1 : 0, s.name().toLowerCase(Locale.ROOT));
              }
            })
        .register(registry);
  }

  /** Records the answer to an update check by its status. */
  void check(int status) {
    if (status == 200) {
      offered.inc();
    } else if (status == 204) {
      noUpdate.inc();
    } else if (status >= 500 || status == 0) {
      serverError.inc();
    } else {
      clientError.inc();
    }
  }

  void offer(String updateType) {
    // The client's label lookup builds a list per call; this one does not.
    offersByType.computeIfAbsent(updateType, t -> offers.labelValues(t)).inc();
  }

  void completion(String status, String code) {
    completions.labelValues(status, code == null ? "none" : code).inc();
  }

  /** Records how long a request to {@code rawPath} took. */
  void request(String rawPath, long nanos) {
    int route = ROUTES.length - 1;
    if (rawPath.startsWith("/files/")) {
      route = 4;
    } else {
      for (int i = 0; i < 4; i++) {
        if (ROUTES[i].equals(rawPath)) {
          route = i;
          break;
        }
      }
    }
    latency[route].observe(nanos / 1e9);
  }

  void reload(boolean ok) {
    (ok ? reloads : reloadFailures).inc();
  }

  void storeError() {
    storeErrors.inc();
  }

  void halt(boolean halted, String actor) {
    halts.labelValues(halted ? "halt" : "resume", actor).inc();
  }

  /** Returns every metric in the Prometheus text format. */
  byte[] scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    writer.write(out, registry.scrape());
    return out.toByteArray();
  }
}
