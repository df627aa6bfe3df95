package dev.appupdate.bench;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.requestid.RequestIdClaims;
import dev.appupdate.protocol.requestid.RequestIds;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Request-id tokens: {@link RequestIds#issue} of the id of the seed response (product {@code
 * your_app}, two offers) and {@link RequestIds#verify} of such an id followed by one {@link
 * RequestIdClaims#offered} check, as a completion report needs, against their floor, one
 * HMAC-SHA256 over the same token bytes. Issuing computes five HMACs (an update-type tag and an
 * offer tag per offer, then the MAC), parses each offered version and draws an 8-byte nonce from
 * {@link java.security.SecureRandom}; verifying computes one HMAC and the check another.
 *
 * <p>The two floors: {@code hmacReused}, a {@link Mac} created and keyed once, and {@code
 * hmacFresh}, a {@link Mac} looked up and keyed per call, as {@code RequestIds} does for each of
 * its HMACs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestIdBenchmark {
  private static final String HMAC = "HmacSHA256";

  private RequestIds ids;
  private List<AvailableUpdate> offers;
  private String requestId;
  private byte[] token;
  private SecretKeySpec key;
  private Mac reused;

  /** Creates the issuer under a fixed key, one id to verify, and the keyed floor. */
  @Setup
  public void setUp() throws GeneralSecurityException {
    byte[] keyBytes = new byte[RequestIds.KEY_LENGTH];
    new SplittableRandom(7).nextBytes(keyBytes);
    ids = RequestIds.create(keyBytes, Clock.systemUTC(), Duration.ofDays(30));
    offers = Seed.offers();
    requestId = ids.issue(Seed.PRODUCT, offers);
    token = Base64.getUrlDecoder().decode(requestId.getBytes(StandardCharsets.US_ASCII));
    key = new SecretKeySpec(keyBytes, HMAC);
    reused = Mac.getInstance(HMAC);
    reused.init(key);
  }

  /** Issues the id of the two seed offers. */
  @Benchmark
  public String issue() {
    return ids.issue(Seed.PRODUCT, offers);
  }

  /** Verifies an id of the two seed offers and checks one offer against it. */
  @Benchmark
  public boolean verify() {
    RequestIdClaims claims = ids.verify(requestId);
    return claims.offered("my_important_data", "1.0");
  }

  /** One HMAC-SHA256 over the token's bytes with a keyed {@link Mac} kept between calls. */
  @Benchmark
  public byte[] hmacReused() {
    return reused.doFinal(token);
  }

  /** One HMAC-SHA256 over the token's bytes with a {@link Mac} looked up and keyed per call. */
  @Benchmark
  public byte[] hmacFresh() throws GeneralSecurityException {
    Mac mac = Mac.getInstance(HMAC);
    mac.init(key);
    return mac.doFinal(token);
  }
}
