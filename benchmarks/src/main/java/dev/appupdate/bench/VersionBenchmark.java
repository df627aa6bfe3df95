package dev.appupdate.bench;

import dev.appupdate.protocol.Version;
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

/** Cost of parsing and comparing versions, the innermost operation of matching. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VersionBenchmark {
  private final Version a = Version.parse("60.0.1esr");
  private final Version b = Version.parse("60.0.2pre1");

  /** Parses a typical version. */
  @Benchmark
  public Version parse() {
    return Version.parse("60.0.1esr");
  }

  /** Compares two parsed versions. */
  @Benchmark
  public int compare() {
    return a.compareTo(b);
  }
}
