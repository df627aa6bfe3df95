package dev.appupdate.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Clients that each check for updates and report the outcome of every offered update, one after
 * the other, as installed applications do; for the cluster demo (docs/deploy/cluster-demo.sh) and
 * the completion throughput figures (benchmarks/scripts/completion-load.sh). A report that fails
 * (an error status, a refused or dropped connection) is sent again after a short backoff, as the
 * SDK's retries do, until acknowledged or its retry budget is spent; only then is it counted as an
 * error.
 *
 * <pre>
 * java -cp benchmarks.jar dev.appupdate.bench.CompletionLoad URL CLIENTS SECONDS [ACKED_FILE]
 * java -cp benchmarks.jar dev.appupdate.bench.CompletionLoad URL CLIENTS reports:N
 * </pre>
 *
 * <p>The second form measures reports alone: it first obtains N request ids (untimed), then the
 * clients send the N reports as fast as they are acknowledged, and {@code reports_per_second}
 * covers that phase only.
 *
 * <p>Prints one {@code key=value} line per figure: {@code checks} (update checks answered 200),
 * {@code acknowledged} (reports answered 204), {@code rows} (outcomes in them: one per offered
 * update), {@code retries}, {@code errors} (after retries), {@code seconds} and {@code
 * reports_per_second}. ACKED_FILE receives one {@code request_id<TAB>update_type} line per
 * acknowledged outcome.
 */
public final class CompletionLoad {
  private static final Pattern REQUEST_ID = Pattern.compile("\"request_id\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern UPDATE =
      Pattern.compile("\"update_type\"\\s*:\\s*\"([^\"]+)\"[^}]*?\"version\"\\s*:\\s*\"([^\"]+)\"");
  private static final int ATTEMPTS = 40;
  private static final Duration BACKOFF = Duration.ofMillis(100);

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final URI update;
  private final URI completion;
  private final AtomicLong checks = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();

  private CompletionLoad(URI base) {
    String b = base.toString().endsWith("/") ? base.toString() : base + "/";
    this.update = URI.create(b + "v1/update");
    this.completion = URI.create(b + "v1/completion");
  }

  /**
   * Runs the load.
   *
   * @param args URL, number of clients, seconds, and optionally the file of acknowledged keys
   * @throws Exception when the load cannot run
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 3 || args.length > 4) {
      System.err.println("usage: CompletionLoad URL CLIENTS SECONDS [ACKED_FILE]");
      System.exit(2);
    }
    CompletionLoad load = new CompletionLoad(URI.create(args[0]));
    int clients = Integer.parseInt(args[1]);
    long nanos;
    if (args[2].startsWith("reports:")) {
      nanos = load.reportsOnly(clients, Integer.parseInt(args[2].substring("reports:".length())));
    } else {
      nanos = load.run(clients, Duration.ofSeconds(Long.parseLong(args[2])));
    }
    load.print(System.out, nanos);
    if (args.length == 4) {
      Files.write(Path.of(args[3]), load.acked, StandardCharsets.UTF_8);
    }
  }

  private long run(int clients, Duration duration) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    List<Future<?>> running = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      running.add(
          pool.submit(
              () -> {
                String installation = UUID.randomUUID().toString();
                while (System.nanoTime() < end) {
                  cycle(installation);
                }
                return null;
              }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    long nanos = System.nanoTime() - start;
    pool.shutdown();
    return nanos;
  }

  /** Obtains {@code n} offers, then times reporting them all. */
  private long reportsOnly(int clients, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    ConcurrentLinkedQueue<String[]> offers = new ConcurrentLinkedQueue<>();
    List<Callable<Object>> fetch = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int share = n / clients + (i < n % clients ? 1 : 0);
      fetch.add(
          () -> {
            String installation = UUID.randomUUID().toString();
            for (int k = 0; k < share; k++) {
              String[] offer = offer(installation);
              if (offer != null) {
                offers.add(offer);
              }
            }
            return null;
          });
    }
    for (Future<Object> f : pool.invokeAll(fetch)) {
      f.get();
    }
    List<Callable<Object>> report = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      report.add(
          () -> {
            String[] offer;
            while ((offer = offers.poll()) != null) {
              report(offer);
            }
            return null;
          });
    }
    long start = System.nanoTime();
    for (Future<Object> f : pool.invokeAll(report)) {
      f.get();
    }
    long nanos = System.nanoTime() - start;
    pool.shutdown();
    return nanos;
  }

  /** One check and, when something is offered, one report of every offer as a success. */
  private void cycle(String installation) throws InterruptedException {
    String[] offer = offer(installation);
    if (offer != null) {
      report(offer);
    }
  }

  /**
   * Checks for updates; returns the request id, the report body and the update types, or null
   * when nothing was offered or the check failed.
   */
  private String[] offer(String installation) throws InterruptedException {
    String check =
        "{\"product\":\"your_app\",\"version\":\"666\",\"platform\":\"macOS\",\"locale\":\"en-US\","
            + "\"installation_id\":\""
            + installation
            + "\"}";
    HttpResponse<String> offered = send(update, check, 200);
    if (offered == null) {
      return null;
    }
    checks.incrementAndGet();
    Matcher id = REQUEST_ID.matcher(offered.body());
    if (!id.find()) {
      return null;
    }
    StringBuilder report = new StringBuilder("{\"request_id\":\"").append(id.group(1));
    report.append("\",\"updates\":{");
    List<String> types = new ArrayList<>();
    Matcher u = UPDATE.matcher(offered.body());
    while (u.find()) {
      report.append(types.isEmpty() ? "" : ",");
      report.append('"').append(u.group(1)).append("\":{\"status\":\"success\",\"version\":\"");
      report.append(u.group(2)).append("\"}");
      types.add(u.group(1));
    }
    report.append("}}");
    if (types.isEmpty()) {
      return null;
    }
    List<String> offer = new ArrayList<>();
    offer.add(id.group(1));
    offer.add(report.toString());
    offer.addAll(types);
    return offer.toArray(new String[0]);
  }

  /** Reports an offer until acknowledged or out of retries. */
  private void report(String[] offer) throws InterruptedException {
    if (send(completion, offer[1], 204) != null) {
      acknowledged.incrementAndGet();
      rows.addAndGet(offer.length - 2);
      for (int i = 2; i < offer.length; i++) {
        acked.add(offer[0] + "\t" + offer[i]);
      }
    }
  }

  /** Sends until answered {@code expected}; returns null (and counts an error) when it never is. */
  private HttpResponse<String> send(URI uri, String body, int expected)
      throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == expected) {
          return r;
        }
        if (r.statusCode() < 500) {
          // Refused for good (a 4xx): retrying would not change the answer.
          errors.incrementAndGet();
          System.err.println("refused " + r.statusCode() + " " + uri + ": " + r.body());
          return null;
        }
      } catch (IOException e) {
        // A connection dropped (a replica killed) or refused: retried like a 5xx.
      }
      if (attempt == ATTEMPTS) {
        errors.incrementAndGet();
        return null;
      }
      retries.incrementAndGet();
      LockSupport.parkNanos(BACKOFF.toNanos());
    }
  }

  private void print(PrintStream out, long nanos) {
    double seconds = nanos / 1e9;
    out.println("checks=" + checks.get());
    out.println("acknowledged=" + acknowledged.get());
    out.println("rows=" + rows.get());
    out.println("retries=" + retries.get());
    out.println("errors=" + errors.get());
    out.println(String.format(Locale.ROOT, "seconds=%.1f", seconds));
    out.println(
        String.format(Locale.ROOT, "reports_per_second=%.0f", acknowledged.get() / seconds));
  }
}
