package dev.appupdate.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.appupdate.protocol.ServerCodec;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one handler of the HTTP server: refuses requests during a shutdown drain or under overload,
 * dispatches by exact path and method, turns every failure into a problem document, keeps
 * connections of fully read requests open, and hands one line per request to the {@link
 * AccessLog}. The drain waits for the exchanges {@link InFlight} counts.
 */
final class Router implements HttpHandler {
  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");
  private static final List<String> POST = List.of("POST");
  private static final List<String> GET_HEAD = List.of("GET", "HEAD");

  private final ServerCodec codec;
  private final Map<String, Route> posts;
  private final Map<String, Route> gets;
  private final Route files;
  private final InFlight inFlight;
  private final AtomicInteger handling = new AtomicInteger();
  private final AccessLog accessLog;
  private final Admission admission;
  private final Watchdog watchdog;
  private final Metrics metrics;
  private volatile boolean draining;

  /**
   * @param posts the POST routes by exact path
   * @param gets the GET and HEAD routes by exact path
   * @param files the route of everything below {@value FileRoute#PREFIX}
   * @param inFlight the exchanges accepted and not yet finished, counted by {@link Workers}
   * @param accessLog where each request's line goes once it has been answered
   * @param admission the per-address rate limits of the POST routes
   * @param watchdog ends request bodies and file answers that move too slowly
   */
  Router(
      ServerCodec codec,
      Map<String, Route> posts,
      Map<String, Route> gets,
      Route files,
      InFlight inFlight,
      AccessLog accessLog,
      Admission admission,
      Watchdog watchdog,
      Metrics metrics) {
    this.codec = codec;
    this.posts = Map.copyOf(posts);
    this.gets = Map.copyOf(gets);
    this.files = files;
    this.inFlight = inFlight;
    this.accessLog = accessLog;
    this.admission = admission;
    this.watchdog = watchdog;
    this.metrics = metrics;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (!Watchdog.headersRead()) {
      // Too slow: the watchdog has closed the connection under the reader, or is about to.
      exchange.close();
      return;
    }
    long start = System.nanoTime();
    Call call = new Call(exchange, codec, watchdog);
    keepAliveIfBodyless(call);
    IOException broken = null;
    try {
      if (draining) {
        throw HttpProblem.unavailable("the server is shutting down", 5);
      }
      if (Workers.inOverflow()) {
        throw HttpProblem.unavailable("the server is overloaded; retry shortly", 1);
      }
      handling.incrementAndGet();
      try {
        route(call);
      } finally {
        handling.decrementAndGet();
      }
    } catch (HttpProblem p) {
      answer(call, p);
    } catch (IOException e) {
      // The client went away mid-request, or a watch ended a slow one; nobody is left to answer.
      LOG.log(Level.DEBUG, "request aborted: {0}", e.toString());
      broken = e;
    } catch (RuntimeException | Error e) {
      LOG.log(Level.ERROR, "request failed: " + JsonBody.token(call.method()) + " " + JsonBody.token(call.rawPath(), 200), e);
      answer(call, HttpProblem.internalError("the server failed to handle this request"));
    } finally {
      exchange.close();
      long nanos = System.nanoTime() - start;
      String rawPath = call.rawPath();
      metrics.request(rawPath, nanos);
      if (rawPath.equals("/v1/update")) {
        metrics.check(call.responded() ? call.status() : 0);
      }
      String query = exchange.getRequestURI().getRawQuery();
      accessLog.record(
          exchange.getRemoteAddress(),
          call.method(),
          query == null ? call.rawPath() : call.rawPath() + "?" + query,
          call.responded() ? call.status() : 0,
          call.bytesSent(),
          nanos);
    }
    if (broken != null) {
      // Thrown on so that the JDK server closes the connection: closing the exchange does not when
      // an answer was cut short (a watch's interrupt that lands in a file read closes the file, not
      // the socket), and the connection would hang until the response time limit.
      throw broken;
    }
  }

  /**
   * The server runs the JDK server with {@code sun.net.httpserver.drainAmount=0}: when a response
   * ends, a connection whose request body was not read to its end is closed at once instead of
   * reading (and waiting for) up to 64 KiB of a body nobody wants, which held a worker until the
   * request timeout after every 413. A request without a body has not reached its end until someone
   * reads it: one read, before the response starts, finds the end at once without blocking, and the
   * connection stays open for the next request. Routes that take a body read it to its end
   * themselves ({@link JsonBody}).
   */
  private static void keepAliveIfBodyless(Call call) {
    if (!call.declaresNoBody()) {
      return;
    }
    try {
      call.exchange().getRequestBody().read();
    } catch (IOException e) {
      // The connection is gone; it is closed all the same.
    }
  }

  private void route(Call call) throws IOException, HttpProblem {
    String path = call.rawPath();
    String method = call.method();
    Route post = posts.get(path);
    if (post != null) {
      if (!method.equals("POST")) {
        throw HttpProblem.methodNotAllowed(method, path, POST);
      }
      admission.admit(call, path);
      post.handle(call);
      return;
    }
    Route get = gets.get(path);
    if (get == null && path.startsWith(FileRoute.PREFIX)) {
      get = files;
    }
    if (get != null) {
      if (!method.equals("GET") && !method.equals("HEAD")) {
        throw HttpProblem.methodNotAllowed(method, path, GET_HEAD);
      }
      get.handle(call);
      return;
    }
    // The same body as every server built on protocol-core; the reference server's own routes
    // (/v1/explain, /files/, /healthz) are in its documentation.
    throw HttpProblem.noRoute(path);
  }

  /**
   * The most of an unread request body that is read before a refusal is sent. A connection closed
   * with unread bytes in its receive buffer is reset, and a reset can destroy the refusal before
   * the client reads it; most clients send their whole body before they read. A body up to four
   * times the default body limit (so a 413 for a body just over the limit arrives whole) is read
   * and thrown away, for at most {@link #DRAIN_TIME} (a refusal must stay cheap); a larger one is
   * still left unread (see {@link #keepAliveIfBodyless}). The JDK server closes the connection as
   * soon as the refusal is written, so the body cannot be read after it.
   */
  static final int DRAIN_BEFORE_REFUSAL = 256 * 1024;

  /** How long reading an unwanted body may take before a refusal. */
  static final Duration DRAIN_TIME = Duration.ofSeconds(1);

  private static void answer(Call call, HttpProblem problem) {
    if (call.responded()) {
      return; // headers are out: all that is left is closing the connection
    }
    drainUnwantedBody(call);
    try {
      call.sendProblem(problem);
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "could not send {0}: {1}", problem.problem().status(), e.toString());
    }
  }

  private static void drainUnwantedBody(Call call) {
    long declared = call.declaredLength();
    if (declared <= 0 || declared > DRAIN_BEFORE_REFUSAL) {
      return;
    }
    // Bounded in time: a client that declares a body and never sends it loses its answer, not a
    // worker's time (the connection is closed when the watch fires).
    try (Watchdog.Watch watch = call.watchdog().deadline(DRAIN_TIME)) {
      InputStream in = call.exchange().getRequestBody();
      byte[] sink = new byte[(int) Math.min(declared, 8192)];
      for (long left = declared; left > 0; ) {
        int n = in.read(sink, 0, (int) Math.min(sink.length, left));
        if (n < 0) {
          break; // already read by the route, or cut short
        }
        left -= n;
        if (left == 0) {
          in.read(); // the end, seen: the JDK server then keeps the connection
        }
      }
      if (watch.fired()) {
        LOG.log(Level.DEBUG, "an unwanted request body did not arrive in {0}", DRAIN_TIME);
      }
    } catch (IOException e) {
      // Too slow or gone: the refusal is sent (or not) on a connection that closes anyway.
    }
  }

  /** From now on every request is answered 503. */
  void beginDrain() {
    draining = true;
  }

  boolean draining() {
    return draining;
  }

  /**
   * Waits until no exchange is in flight, queued ones included, for at most {@code timeoutNanos}.
   *
   * @return whether all exchanges finished in time
   */
  boolean awaitIdle(long timeoutNanos) throws InterruptedException {
    return inFlight.awaitIdle(timeoutNanos);
  }

  /**
   * Returns the number of requests being routed: admitted past the drain and overload checks, and
   * not yet answered.
   */
  int handling() {
    return handling.get();
  }

  /** Returns the number of exchanges accepted and not yet finished, queued ones included. */
  int inFlight() {
    return inFlight.count();
  }
}
