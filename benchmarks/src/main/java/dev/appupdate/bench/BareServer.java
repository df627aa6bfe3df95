package dev.appupdate.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.appupdate.protocol.ServerCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The baseline the reference server's throughput is measured against: the JDK's HTTP server
 * answering {@code POST /v1/update} with fixed bytes, doing nothing an update server must do
 * besides reading the request body. Whatever the reference server achieves below this is the
 * cost of decoding, matching, issuing a request id and encoding.
 *
 * <p>Tuned the way a production use of {@code com.sun.net.httpserver} should be, so that the
 * comparison is with the server's best, not its defaults:
 *
 * <ul>
 *   <li>{@code sun.net.httpserver.nodelay=true} (set here unless given on the command line):
 *       without it small responses wait on Nagle's algorithm and the delayed ACK of the client,
 *       adding up to 40 ms to a response;
 *   <li>a pool of up to {@code threads} handler threads (by default one per available processor)
 *       fed by the server's single dispatcher thread, which hands each exchange to the thread
 *       that became idle last and starts a thread only when none is idle, as the reference
 *       server's pool does: a pool that passes work round all its threads in turn runs each
 *       exchange on a cold stack and a cold allocation buffer, which cost a fixed pool of 512
 *       threads a sixth of its throughput against 32 threads. When all threads are busy the
 *       dispatcher waits for one, since the load generator's connection count bounds the work in
 *       flight;
 *   <li>the request body read into an array of its declared length (an 8 KiB buffer per request
 *       otherwise), then to its end, so that the connection is kept;
 *   <li>a listen backlog of 1024, so that connection bursts are not refused.
 * </ul>
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.appupdate.bench.BareServer \
 *     --port 8001 --body-file response.json --threads 2
 * }</pre>
 */
public final class BareServer implements AutoCloseable {
  /** The path answered; every other path gets 404 from the JDK server. */
  public static final String PATH = "/v1/update";

  private final HttpServer server;
  private final ExecutorService executor;

  private BareServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts a server on {@code address} that answers {@code POST} {@value #PATH} with {@code body}
   * as {@code application/json}, and any other method with {@code 405}.
   *
   * @param address where to listen; port 0 picks a free port
   * @param body the response body, sent unchanged to every request
   * @param threads the number of handler threads, at least 1
   * @throws IOException if the address cannot be bound
   */
  public static BareServer start(InetSocketAddress address, byte[] body, int threads)
      throws IOException {
    Objects.requireNonNull(address, "address == null");
    Objects.requireNonNull(body, "body == null");
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      // Read once, when the JDK server's configuration class loads: before the first create().
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    byte[] response = body.clone();
    HttpServer server = HttpServer.create(address, 1024);
    server.createContext(PATH, exchange -> answer(exchange, response));
    // A SynchronousQueue that is not fair hands a task to the thread that waits on it last.
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            0,
            threads,
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            new HandlerThreads(),
            BareServer::waitForAThread);
    server.setExecutor(executor);
    server.start();
    return new BareServer(server, executor);
  }

  private static void waitForAThread(Runnable exchange, ThreadPoolExecutor executor) {
    if (executor.isShutdown()) {
      throw new RejectedExecutionException("stopped");
    }
    try {
      // Offered in slices, so that a stop while every thread is busy does not leave the
      // dispatcher waiting here for ever.
      while (!executor.getQueue().offer(exchange, 100, TimeUnit.MILLISECONDS)) {
        if (executor.isShutdown()) {
          throw new RejectedExecutionException("stopped");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RejectedExecutionException("interrupted while waiting for a handler thread", e);
    }
  }

  private static void answer(HttpExchange exchange, byte[] body) throws IOException {
    try (exchange) {
      try (InputStream in = exchange.getRequestBody()) {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
          int n = Integer.parseInt(length.trim());
          in.readNBytes(new byte[n], 0, n);
          in.read(); // the end, seen
        } else {
          in.transferTo(OutputStream.nullOutputStream());
        }
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Returns the port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Stops accepting, closes every connection and stops the handler threads. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /**
   * Runs the server until the process is stopped.
   *
   * @param args {@code [--port N] [--threads N] [--body-file FILE | --body-bytes N]}; port 8001,
   *     one thread per processor and the encoded seed response by default; {@code --body-bytes}
   *     sends a JSON document of exactly that many bytes. It always listens on the loopback
   *     address only.
   */
  public static void main(String[] args) throws IOException, InterruptedException {
    int port = 8001;
    int threads = Runtime.getRuntime().availableProcessors();
    byte[] body = ServerCodec.create().encodeUpdateResponse(Seed.response());
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 == args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--port":
          port = number(flag, value, 0);
          break;
        case "--threads":
          threads = number(flag, value, 1);
          break;
        case "--body-file":
          body = Files.readAllBytes(Path.of(value));
          break;
        case "--body-bytes":
          body = paddedJson(number(flag, value, 16));
          break;
        default:
          throw new IllegalArgumentException(
              "unknown flag " + flag
                  + "; use --port N, --threads N, --body-file FILE or --body-bytes N");
      }
    }
    BareServer server =
        start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), body, threads);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    System.out.printf(
        "bare server on http://127.0.0.1:%d%s, %d body bytes, %d handler threads%n",
        server.port(), PATH, body.length, threads);
    stopped.await();
  }

  private static int number(String flag, String value, int min) {
    try {
      int n = Integer.parseInt(value);
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Reported below with the flag's name.
    }
    throw new IllegalArgumentException(flag + " must be an integer >= " + min + ", got " + value);
  }

  /** A JSON object of exactly {@code size} bytes: {@code {"padding":"xxx..."}}. */
  static byte[] paddedJson(int size) {
    byte[] json = new byte[size];
    Arrays.fill(json, (byte) 'x');
    byte[] head = "{\"padding\":\"".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(head, 0, json, 0, head.length);
    json[size - 2] = '"';
    json[size - 1] = '}';
    return json;
  }

  /** Names handler threads and makes them daemons, so that they never keep the JVM alive. */
  private static final class HandlerThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread t = new Thread(task, "bare-handler-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
