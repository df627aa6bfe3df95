package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.signature.Ed25519Keys;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateLimitTest {
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dir;

  private final AtomicLong ticker = new AtomicLong(-5 * SECOND);
  private AppUpdateServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start(AppUpdateServer.Builder b) throws Exception {
    server = b.rateLimitTicker(ticker::get).build();
    server.start();
  }

  private RawHttp.Response post(String path, String... headers) throws Exception {
    String body = "{}";
    StringBuilder head =
        new StringBuilder("POST " + path + " HTTP/1.1\nHost: x\nContent-Type: application/json\n");
    for (String h : headers) {
      head.append(h).append('\n');
    }
    head.append("Content-Length: ").append(body.length());
    return RawHttp.send(server.port(), head.toString(), body.getBytes());
  }

  @Test
  void completions_overTheBurst_are429WithRetryAfter_untilTheBucketRefills() throws Exception {
    start(Fixtures.demoServer(dir).completionRateLimit(0.5, 2));

    assertThat(post("/v1/completion").status()).isEqualTo(400);
    assertThat(post("/v1/completion").status()).isEqualTo(400);
    RawHttp.Response refused = post("/v1/completion");

    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.header("Retry-After")).isEqualTo("2");
    assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(refused.text()).contains("\"status\":429").contains("/v1/completion");

    ticker.addAndGet(2 * SECOND);
    assertThat(post("/v1/completion").status()).isEqualTo(400);
    assertThat(post("/v1/completion").status()).isEqualTo(429);
  }

  @Test
  void completions_areLimitedByDefault_checksAreNot() throws Exception {
    start(Fixtures.demoServer(dir));

    for (int i = 0; i < RateLimit.COMPLETIONS.burst(); i++) {
      assertThat(post("/v1/completion").status()).isEqualTo(400);
    }
    assertThat(post("/v1/completion").status()).isEqualTo(429);
    for (int i = 0; i < 500; i++) {
      assertThat(post("/v1/update").status()).isEqualTo(400);
    }
  }

  @Test
  void checks_whenLimited_countASignedCheckTwice() throws Exception {
    Path key = dir.resolve("response.key");
    Ed25519Keys.write(Ed25519Keys.generate(), key, dir.resolve("response.pub"));
    start(Fixtures.demoServer(dir).responseKeys(key).checkRateLimit(0.001, 3));

    // Not a valid signature request: what counts is that it asks, before anything is read.
    assertThat(post("/v1/update", "Accept-Signature: x").status()).isEqualTo(400);
    assertThat(post("/v1/update", "Accept-Signature: x").status()).isEqualTo(429);
    assertThat(post("/v1/update").status()).isEqualTo(400);
    assertThat(post("/v1/explain").status()).isEqualTo(429);
  }

  @Test
  void checks_whenLimited_anExplanationAskingForASignatureCountsOnce() throws Exception {
    Path key = dir.resolve("response.key");
    Ed25519Keys.write(Ed25519Keys.generate(), key, dir.resolve("response.pub"));
    start(Fixtures.demoServer(dir).responseKeys(key).checkRateLimit(0.001, 2));

    // /v1/explain answers are never signed, so the header does not make them dearer.
    assertThat(post("/v1/explain", "Accept-Signature: x").status()).isEqualTo(400);
    assertThat(post("/v1/explain", "Accept-Signature: x").status()).isEqualTo(400);
    assertThat(post("/v1/explain", "Accept-Signature: x").status()).isEqualTo(429);
  }

  @Test
  void exemptRange_isNeverLimited() throws Exception {
    start(
        Fixtures.demoServer(dir)
            .completionRateLimit(0.001, 1)
            .rateLimitExempt("10.0.0.0/8", "127.0.0.0/8"));

    for (int i = 0; i < 5; i++) {
      assertThat(post("/v1/completion").status()).isEqualTo(400);
    }
  }

  @Test
  void trustedProxy_forwardedClientsHaveABucketEach() throws Exception {
    start(
        Fixtures.demoServer(dir)
            .completionRateLimit(0.001, 1)
            .trustedProxies("127.0.0.1", "192.0.2.0/24"));

    assertThat(post("/v1/completion", "X-Forwarded-For: 198.51.100.1").status()).isEqualTo(400);
    assertThat(post("/v1/completion", "X-Forwarded-For: 198.51.100.1").status()).isEqualTo(429);
    // The client's own claim on the left does not count: the last untrusted hop does.
    assertThat(post("/v1/completion", "X-Forwarded-For: 203.0.113.9, 198.51.100.1").status())
        .isEqualTo(429);
    assertThat(post("/v1/completion", "X-Forwarded-For: 198.51.100.2, 192.0.2.7").status())
        .isEqualTo(400);
    assertThat(post("/v1/completion", "X-Forwarded-For: 198.51.100.3").status()).isEqualTo(400);
  }

  @Test
  void untrustedConnection_xForwardedForIsIgnored() throws Exception {
    start(Fixtures.demoServer(dir).completionRateLimit(0.001, 1).trustedProxies("192.0.2.0/24"));

    assertThat(post("/v1/completion", "X-Forwarded-For: 198.51.100.1").status()).isEqualTo(400);
    assertThat(post("/v1/completion", "X-Forwarded-For: 198.51.100.2").status()).isEqualTo(429);
  }

  @Test
  void limiter_ipv6ClientsCountByTheirSlash64() throws Exception {
    RateLimiter limiter = new RateLimiter(new RateLimit(1, 1), ticker::get, 10);

    assertThat(limiter.acquire(InetAddress.getByName("2001:db8:1:2::1"), 1)).isZero();
    assertThat(limiter.acquire(InetAddress.getByName("2001:db8:1:2:ffff::9"), 1))
        .isEqualTo(SECOND);
    assertThat(limiter.acquire(InetAddress.getByName("2001:db8:1:3::1"), 1)).isZero();
  }

  @Test
  void limiter_fullTable_dropsQuietAddresses_thenShares() throws Exception {
    RateLimiter limiter = new RateLimiter(new RateLimit(1, 1), ticker::get, 2);

    assertThat(limiter.acquire(InetAddress.getByName("192.0.2.1"), 1)).isZero();
    assertThat(limiter.acquire(InetAddress.getByName("192.0.2.2"), 1)).isZero();
    assertThat(limiter.acquire(InetAddress.getByName("192.0.2.3"), 1)).isZero();
    assertThat(limiter.acquire(InetAddress.getByName("192.0.2.4"), 1)).isPositive();
    assertThat(limiter.size()).isEqualTo(3);

    ticker.addAndGet(SECOND);
    assertThat(limiter.acquire(InetAddress.getByName("192.0.2.5"), 1)).isZero();
    assertThat(limiter.size()).isEqualTo(2);
  }

  @Test
  void limiter_fullTable_sweepsAtMostOncePerInterval() throws Exception {
    RateLimiter limiter = new RateLimiter(new RateLimit(2, 1), ticker::get, 2);
    limiter.acquire(InetAddress.getByName("192.0.2.1"), 1);
    limiter.acquire(InetAddress.getByName("192.0.2.2"), 1);
    // Full table, nothing to drop: this sweep finds nothing, and the address shares.
    limiter.acquire(InetAddress.getByName("192.0.2.3"), 1);
    assertThat(limiter.size()).isEqualTo(3);

    // Both buckets are full again, but a second walk of the table must wait for the interval.
    ticker.addAndGet(SECOND / 2);
    limiter.acquire(InetAddress.getByName("192.0.2.4"), 1);
    assertThat(limiter.size()).isEqualTo(3);

    ticker.addAndGet(RateLimiter.SWEEP_INTERVAL.toNanos() - SECOND / 2);
    assertThat(limiter.acquire(InetAddress.getByName("192.0.2.5"), 1)).isZero();
    assertThat(limiter.size()).isEqualTo(2);
  }

  @Test
  void limiter_costOverTheBurst_emptiesTheBucketRatherThanRefusingForEver() {
    RateLimiter limiter = new RateLimiter(new RateLimit(1, 1), ticker::get, 10);

    assertThat(limiter.acquire(InetAddress.getLoopbackAddress(), 2)).isZero();
    assertThat(limiter.acquire(InetAddress.getLoopbackAddress(), 2)).isEqualTo(SECOND);
  }

  @Test
  void rateLimit_parse_readsRateUnitAndBurst() {
    assertThat(RateLimit.parse("60/m:300")).isEqualTo(new RateLimit(1, 300));
    assertThat(RateLimit.parse("10/s")).isEqualTo(new RateLimit(10, 600));
    assertThat(RateLimit.parse("36/h").burst()).isEqualTo(1);
    assertThat(RateLimit.COMPLETIONS).hasToString("60/m:300");
    assertThatThrownBy(() -> RateLimit.parse("0/s")).hasMessageContaining("positive");
    assertThatThrownBy(() -> RateLimit.parse("5/d")).hasMessageContaining("60/m");
    assertThatThrownBy(() -> RateLimit.parse("5/s:0")).hasMessageContaining("burst");
  }

  @Test
  void cidr_parse_matchesItsRangeOnly_andNeverLooksUpNames() throws Exception {
    Cidr net = Cidr.parse("10.1.0.0/16");

    assertThat(net.contains(InetAddress.getByName("10.1.200.3"))).isTrue();
    assertThat(net.contains(InetAddress.getByName("10.2.0.1"))).isFalse();
    assertThat(net.contains(InetAddress.getByName("::1"))).isFalse();
    assertThat(Cidr.parse("2001:db8::/32").contains(InetAddress.getByName("2001:db8:ff::1")))
        .isTrue();
    assertThat(Cidr.parse("192.0.2.7").contains(InetAddress.getByName("192.0.2.8"))).isFalse();
    assertThat(Cidr.literal("localhost")).isNull();
    assertThatThrownBy(() -> Cidr.parse("example.com/8")).hasMessageContaining("IP address");
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("0-32");
  }

  @Test
  void cidr_literal_takesOnlyUnambiguousDottedQuads() throws Exception {
    assertThat(Cidr.literal(" 192.0.2.255 ")).isEqualTo(InetAddress.getByName("192.0.2.255"));
    assertThat(Cidr.literal("[2001:db8::1]")).isEqualTo(InetAddress.getByName("2001:db8::1"));
    assertThat(Cidr.literal("999.1.1.1")).isNull();
    assertThat(Cidr.literal("1.2.3.256")).isNull();
    assertThat(Cidr.literal("010.1.1.1")).isNull();
    assertThat(Cidr.literal("1.2.3.4:80")).isNull();
    assertThatThrownBy(() -> Cidr.parse("010.0.0.0/8")).hasMessageContaining("010.0.0.0/8");
  }

  @Test
  void builder_refusesABadRangeAndAHalfSwitchedOffLimit() {
    assertThatThrownBy(() -> AppUpdateServer.builder().trustedProxies("nginx"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AppUpdateServer.builder().completionRateLimit(0, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
