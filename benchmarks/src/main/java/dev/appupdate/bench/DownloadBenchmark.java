package dev.appupdate.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.appupdate.client.DownloadedUpdate;
import dev.appupdate.client.UpdateClient;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The client SDK's download pipeline against plain {@link MessageDigest} over the same bytes. The
 * SDK hashes inside {@code UpdateClient.download} (package-private), so it is measured through
 * that public call: a JDK HTTP server in the same JVM serves the payload from memory over
 * loopback, and each operation downloads, hashes, writes and forces it to disk into a temporary
 * directory, then the file is deleted (outside the measured time).
 *
 * <p>{@code digest} hashes the same bytes with SHA-512 in 64 KiB chunks: the ceiling.
 * Both scores are milliseconds per payload; MiB/s = size in MiB * 1000 / score. The download
 * shares the machine's cores with the serving thread and pays the disk for {@code force}; {@code
 * benchmarks/scripts/client-download.sh} measures the same pipeline against a separate reference server with a
 * 1 GiB file, with curl for comparison.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DownloadBenchmark {
  private static final int CHUNK = 64 * 1024;
  private static final int MIB = 1024 * 1024;

  /** The payload's size in MiB. */
  @Param({"64"})
  int mebibytes;

  private byte[] payload;
  private HttpServer server;
  private ExecutorService executor;
  private UpdateClient client;
  private AvailableUpdate update;
  private Path directory;
  private DownloadedUpdate downloaded;
  private MessageDigest digest;

  /** Starts the in-memory server and the client. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    payload = new byte[mebibytes * MIB];
    new SplittableRandom(11).nextBytes(payload);
    digest = HashFunction.SHA512.newDigest();
    String hash = HexFormat.of().formatHex(HashFunction.SHA512.newDigest().digest(payload));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/files/payload.bin", this::serve);
    executor = Executors.newSingleThreadExecutor();
    server.setExecutor(executor);
    server.start();
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    client =
        UpdateClient.builder()
            .serverUri(base)
            .request(UpdateClient.jvmRequest("bench", "1.0").build())
            .build();
    update =
        AvailableUpdate.builder()
            .updateType("payload")
            .url(base.resolve("files/payload.bin"))
            .hashFunction(HashFunction.SHA512)
            .hashValue(hash)
            .size(payload.length)
            .version("2.0")
            .build();
    directory = Files.createTempDirectory("appupdate-download-bench");
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      try (InputStream in = exchange.getRequestBody()) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      exchange.sendResponseHeaders(200, payload.length);
      try (OutputStream out = exchange.getResponseBody()) {
        for (int at = 0; at < payload.length; at += CHUNK) {
          out.write(payload, at, Math.min(CHUNK, payload.length - at));
        }
      }
    }
  }

  /** Deletes the downloaded file, so that the next download transfers it again. */
  @TearDown(Level.Invocation)
  public void deleteDownload() throws IOException {
    if (downloaded != null) {
      Files.deleteIfExists(downloaded.path());
      downloaded = null;
    }
  }

  /** Stops the server and removes the temporary directory. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    server.stop(0);
    executor.shutdownNow();
    try (var files = Files.list(directory)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(p);
      }
    }
    Files.deleteIfExists(directory);
  }

  /** Downloads and verifies the payload with the SDK. */
  @Benchmark
  public DownloadedUpdate download() throws IOException {
    downloaded = client.download(update, directory);
    return downloaded;
  }

  /** Hashes the payload with SHA-512 in 64 KiB updates. */
  @Benchmark
  public byte[] digest() {
    for (int at = 0; at < payload.length; at += CHUNK) {
      digest.update(payload, at, Math.min(CHUNK, payload.length - at));
    }
    return digest.digest();
  }
}
