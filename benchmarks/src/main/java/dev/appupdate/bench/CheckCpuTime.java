package dev.appupdate.bench;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.UpdateResponse;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.Matcher;
import dev.appupdate.protocol.requestid.RequestIds;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The protocol work of one update check, without HTTP, in thread CPU time: what the reference
 * server does per check on top of the JDK server's exchange (decode the request, match it against
 * the catalog {@code server-load.sh} serves, issue a request id, encode the response), each part
 * alone and all four in a row. The sum is the least a check can cost above the bare server, so it
 * bounds the throughput ratio that {@code server-load.sh} measures. Thread CPU time, so that the
 * figure holds on a machine shared with other work; the lowest of the rounds is the least
 * disturbed.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.appupdate.bench.CheckCpuTime
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -cp benchmarks/target/benchmarks.jar \
 *     dev.appupdate.bench.CheckCpuTime
 * }</pre>
 */
public final class CheckCpuTime {
  private static final int ROUNDS = 5;
  private static final int OPS = 500_000;

  /** The request of {@code benchmarks/scripts/seed-request.lua}. */
  private static final byte[] BODY = Seed.REQUEST.getBytes(StandardCharsets.UTF_8);

  private CheckCpuTime() {}

  /**
   * Runs the measurement.
   *
   * @param args unused
   * @throws Exception if the catalog cannot be written or read
   */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("appupdate-check-cpu");
    Path file = dir.resolve("catalog.json");
    Matcher matcher;
    try {
      // The catalog server-load.sh serves: 10,000 synthetic releases over 100 products, and the
      // seed product's two.
      new SyntheticCatalog(10_000, 100).writeJson(file, Seed.releases());
      matcher = Matcher.create(Catalog.read(file), URI.create("http://127.0.0.1:8000/"));
    } finally {
      Files.deleteIfExists(file);
      Files.delete(dir);
    }
    ServerCodec codec = ServerCodec.create();
    RequestIds ids =
        RequestIds.create(RequestIds.newKey(), Clock.systemUTC(), Duration.ofDays(30));
    UpdateRequest request = codec.decodeUpdateRequest(BODY);
    List<AvailableUpdate> offers = matcher.match(request);
    if (offers.size() != 2) {
      throw new IllegalStateException("the seed request should get 2 offers, got " + offers);
    }
    String id = ids.issue(request.product(), offers);
    Map<String, LongSupplier> parts = new LinkedHashMap<>();
    parts.put("decode the request", () -> codec.decodeUpdateRequest(BODY).product().length());
    parts.put("match", () -> matcher.match(request).size());
    parts.put("issue the request id", () -> ids.issue(request.product(), offers).length());
    parts.put(
        "encode the response",
        () -> codec.encodeUpdateResponse(UpdateResponse.of(offers, id)).length);
    parts.put(
        "all four",
        () -> {
          UpdateRequest r = codec.decodeUpdateRequest(BODY);
          List<AvailableUpdate> o = matcher.match(r);
          return codec.encodeUpdateResponse(UpdateResponse.of(o, ids.issue(r.product(), o)))
              .length;
        });
    CpuTimeRounds.run(parts, OPS, ROUNDS, name -> OPS, true, "check");
  }
}
