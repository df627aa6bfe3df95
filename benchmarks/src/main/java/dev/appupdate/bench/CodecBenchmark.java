package dev.appupdate.bench;

import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.UpdateResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The server's per-request codec cost: reading and validating a typical update request, and
 * writing a typical two-offer response. Both run once per update check.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {
  private final ServerCodec codec = ServerCodec.create();
  private final byte[] request = Seed.FULL_REQUEST.getBytes(StandardCharsets.UTF_8);
  private final UpdateResponse response = Seed.response();

  /** Decodes and validates the seed request with channel, installation id and installed. */
  @Benchmark
  public UpdateRequest decodeUpdateRequest() {
    return codec.decodeUpdateRequest(request);
  }

  /** Encodes the seed response: two sha512 offers and a 120-character request id. */
  @Benchmark
  public byte[] encodeUpdateResponse() {
    return codec.encodeUpdateResponse(response);
  }
}
