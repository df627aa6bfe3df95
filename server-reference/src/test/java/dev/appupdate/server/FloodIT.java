package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Floods against the server jar while a probe on 127.0.0.1 sends normal update checks on fresh
 * connections, with the assertions of {@link SlowClientsIT}: 1,000 idle connections re-opened as
 * they close, completion reports with a 1,024-emoji reason under fresh request ids, and requests
 * whose methods hold escape sequences, NUL and 32 KB. The attackers connect from 127.0.0.2, which
 * is what tells them from the probe and the legitimate reporter for the per-address limits (both
 * sides are loopback). Attacks run 12 seconds (the fill attack 15, the hostile methods 6) instead
 * of the report's 60, to keep the suite short.
 */
class FloodIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static AbuseHarness harness;

  @BeforeAll
  static void start() throws Exception {
    harness = AbuseHarness.start(dir);
  }

  @AfterAll
  static void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void idleConnections_1000ReopenedAsTheyClose_probesStillServed() throws Exception {
    AbuseHarness.ProbeResult r =
        harness.underAttack(
            "idle connections",
            Duration.ofSeconds(12),
            running ->
                AbuseHarness.holdConnections(
                    running,
                    1000,
                    Duration.ofMillis(500),
                    new AbuseHarness.ConnectionStep() {
                      @Override
                      public Socket open() throws IOException {
                        return harness.connect(AbuseHarness.ATTACKER);
                      }

                      @Override
                      public long step(Socket s, long progress) throws IOException {
                        return progress + AbuseHarness.drain(s, 16);
                      }
                    }));

    harness.assertServed(r);
  }

  @Test
  void completionFill_perAddressLimitBoundsTheLog_andAnotherAddressStillReports()
      throws Exception {
    Path log = harness.data.resolve("completions.jsonl");
    long before = Files.size(log);
    String reason = "\uD83D\uDE00".repeat(1024);
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger legitimate = new AtomicInteger();
    Duration attack = Duration.ofSeconds(15);
    long start = System.nanoTime();
    AbuseHarness.ProbeResult r =
        harness.underAttack(
            "completion fill",
            attack,
            running -> {
              ExecutorService threads = Executors.newFixedThreadPool(4);
              for (int t = 0; t < 4; t++) {
                threads.execute(
                    () -> {
                      while (running.get()) {
                        try {
                          String id = requestId(AbuseHarness.ATTACKER);
                          int status =
                              harness
                                  .post(
                                      AbuseHarness.ATTACKER,
                                      "/v1/completion",
                                      failedReport(id, reason))
                                  .status();
                          (status == 204 ? accepted : refused).incrementAndGet();
                        } catch (IOException e) {
                          refused.incrementAndGet();
                        }
                      }
                    });
              }
              // The legitimate reporter, on the probe's address, while the attack goes on.
              try {
                while (running.get() && legitimate.get() == 0) {
                  if (accepted.get() > 0 && refused.get() > 0) {
                    String id = requestId(AbuseHarness.PROBE);
                    int status =
                        harness
                            .post(
                                AbuseHarness.PROBE,
                                "/v1/completion",
                                Fixtures.completion(
                                    id, Fixtures.DATA.updateType(), "success", "1.0"))
                            .status();
                    legitimate.set(status);
                  }
                  TimeUnit.MILLISECONDS.sleep(50); // the reporter's pacing
                }
                threads.shutdown();
                threads.awaitTermination(30, TimeUnit.SECONDS);
              } catch (IOException e) {
                legitimate.set(-1);
              } catch (InterruptedException e) {
                threads.shutdownNow();
                Thread.currentThread().interrupt();
              }
            });
    double seconds = (System.nanoTime() - start) / 1e9;
    long grown = Files.size(log) - before;
    long records = Files.readAllLines(log).size();
    RateLimit limit = RateLimit.COMPLETIONS;
    long bound = (long) (limit.burst() + limit.perSecond() * seconds) + 2;
    System.out.printf(
        "abuse completion fill: %d reports accepted, %d refused, log grew %d bytes in %.1f s"
            + " (%.0f bytes/s, %.0f bytes per record), legitimate report %d%n",
        accepted.get(),
        refused.get(),
        grown,
        seconds,
        grown / seconds,
        grown / (double) Math.max(1, accepted.get()),
        legitimate.get());

    harness.assertServed(r);
    assertThat(legitimate.get()).as("the legitimate report's status").isEqualTo(204);
    assertThat(refused.get()).as("attacker's refused reports").isPositive();
    // The attacker's records: one bucket's burst plus its refill over the attack, whatever it
    // sends; each record is bounded by the request body limit.
    assertThat(accepted.get()).as("attacker's accepted reports").isLessThanOrEqualTo((int) bound);
    assertThat(records).isLessThanOrEqualTo(bound + 1);
    assertThat(grown).isLessThanOrEqualTo((bound + 1) * 2L * AppUpdateServer.DEFAULT_BODY_LIMIT);
  }

  @Test
  void hostileMethods_areLoggedShortAndPrintable_probesStillServed() throws Exception {
    Path stderr = harness.server.stderrFile();
    long before = Files.size(stderr);
    AtomicInteger sent = new AtomicInteger();
    List<String> methods =
        List.of("\u001b[2J\u001b[31mGET", "GE\u0000T", "G".repeat(32_000), "PO\nST");
    AbuseHarness.ProbeResult r =
        harness.underAttack(
            "hostile methods",
            Duration.ofSeconds(6),
            running -> {
              for (int i = 0; running.get(); i++) {
                try {
                  harness.send(
                      AbuseHarness.ATTACKER,
                      methods.get(i % methods.size()) + " /healthz HTTP/1.1\nHost: x",
                      new byte[0]);
                  sent.incrementAndGet();
                } catch (IOException e) {
                  // refused before the handler: nothing logged
                }
              }
            });
    harness.assertServed(r);
    byte[] logged = Files.readAllBytes(stderr);
    String grown = new String(logged, (int) before, logged.length - (int) before, StandardCharsets.ISO_8859_1);
    System.out.printf(
        "abuse hostile methods: %d requests, %d bytes of log (%.0f per request)%n",
        sent.get(), grown.length(), grown.length() / (double) Math.max(1, sent.get()));
    assertThat(sent.get()).isPositive();
    assertThat(grown.chars()).allMatch(c -> c == '\n' || (c >= 0x20 && c < 0x7f));
    assertThat(grown.lines()).allMatch(line -> line.length() < 300);
  }

  private static String requestId(java.net.InetAddress from) throws IOException {
    RawHttp.Response check = harness.post(from, "/v1/update", Fixtures.SEED_REQUEST);
    if (check.status() != 200) {
      throw new IOException("check answered " + check.status());
    }
    return JSON.readTree(check.body()).get("request_id").asText();
  }

  private static String failedReport(String requestId, String reason) throws IOException {
    return "{\"request_id\":\""
        + requestId
        + "\",\"updates\":{\""
        + Fixtures.DATA.updateType()
        + "\":{\"status\":\"failed\",\"version\":\"1.0\",\"reason\":"
        + JSON.writeValueAsString(reason)
        + "}}}";
  }
}
