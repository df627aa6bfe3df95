package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.UpdateRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Payloads, offers and file-system probes shared by the tests. */
final class Fixtures {
  private Fixtures() {}

  /** Returns {@code n} pseudo-random bytes, the same for the same seed. */
  static byte[] payload(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  static String sha512(byte[] bytes) {
    return HexFormat.of().formatHex(HashFunction.SHA512.newDigest().digest(bytes));
  }

  /** An offer of {@code payload} at {@code url} (then {@code mirrors}), declared as sha512. */
  static AvailableUpdate offer(
      String type, String version, byte[] payload, URI url, URI... mirrors) {
    return AvailableUpdate.builder()
        .updateType(type)
        .url(url)
        .hashFunction(HashFunction.SHA512)
        .hashValue(sha512(payload))
        .size(payload.length)
        .version(version)
        .mirrors(List.of(mirrors))
        .build();
  }

  /** The request of {@link #client(String, FakeTime)}: your_app 1.0 on Linux in en-US. */
  static UpdateRequest.Builder request() {
    return UpdateRequest.builder("your_app", "1.0", "Linux", "en-US");
  }

  /** A client builder for a server at {@code base} with fake time and no real waiting. */
  static UpdateClient.Builder client(String base, FakeTime time) {
    return client(base, time, request().build());
  }

  /** A client builder sending {@code request} to a server at {@code base}, with fake time. */
  static UpdateClient.Builder client(String base, FakeTime time, UpdateRequest request) {
    return UpdateClient.builder()
        .serverUri(URI.create(base))
        .request(request)
        .clock(time)
        .ticker(time::nanoTime)
        .sleeper(time)
        .random(maxJitter());
  }

  /** The name a download of {@code type} and {@code version} gets in its directory. */
  static String finalName(String type, String version) {
    return FileNames.finalName(offer(type, version, new byte[0], URI.create("https://h/x")));
  }

  /** A random source that always picks the longest jittered wait, the backoff cap. */
  static RandomGenerator maxJitter() {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return Long.MAX_VALUE;
      }

      @Override
      public long nextLong(long bound) {
        return bound - 1;
      }
    };
  }

  /** Three quick attempts, so that failure paths end fast. */
  static RetryPolicy threeAttempts() {
    return new RetryPolicy(
        3, Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofMinutes(1));
  }

  /** Makes {@code link} a second name of {@code existing}; skips the test where that cannot be. */
  static void hardLink(Path link, Path existing) {
    try {
      Files.createLink(link, existing);
    } catch (UnsupportedOperationException | IOException e) {
      Assumptions.abort("no hard links here: " + e);
    }
  }

  /** Makes a FIFO (named pipe) at {@code path}; skips the test where there is no mkfifo. */
  static void mkfifo(Path path) throws InterruptedException {
    Process mkfifo;
    try {
      mkfifo = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("no mkfifo here: " + e);
      return;
    }
    Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo " + path + " failed");
  }

  /** The names of the files in {@code dir}, sorted. */
  static List<String> files(Path dir) {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
