package dev.appupdate.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.Problem;
import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.UpdateResponse;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.CatalogException;
import dev.appupdate.protocol.catalog.Matcher;
import dev.appupdate.protocol.requestid.InvalidRequestIdException;
import dev.appupdate.protocol.requestid.RequestIdClaims;
import dev.appupdate.protocol.requestid.RequestIds;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a server needs from protocol-core, inside an HTTP stack of its own: here the JDK's plain
 * {@code com.sun.net.httpserver}, but the same few calls fit a servlet, Spring or Quarkus.
 *
 * <ol>
 *   <li>Once at start: {@link Catalog#read}, {@link RequestIds#checkCatalog} (a request id must be
 *       able to name every offer), {@link Matcher#create}, and {@link RequestIds#create} with the
 *       server's key.
 *   <li>Per request: {@link ServerCodec#checkContentType} before reading the body ({@code 415}
 *       otherwise).
 *   <li>Per {@code POST /v1/update}: {@link ServerCodec#decodeUpdateRequest}, {@link
 *       Matcher#match}, then {@code 204} when nothing matched, or {@code 200} with {@link
 *       ServerCodec#encodeUpdateResponse} and an id from {@link RequestIds#issue}.
 *   <li>Per {@code POST /v1/completion}: {@link ServerCodec#decodeCompletionReport}, {@link
 *       RequestIds#verify} and {@link RequestIdClaims#checkOffered} ({@code 422} when either
 *       refuses: {@link InvalidRequestIdException#problem} or the problem {@code checkOffered}
 *       returns), record it, {@code 204}; {@code 503} when it cannot be recorded.
 *   <li>A {@link ProtocolException} is a {@code 400} whose body {@link Problem#invalid} and {@link
 *       ServerCodec#encodeProblem} make; an unknown path, another method and a body over the limit
 *       get {@link Problem#notFound}, {@link Problem#methodNotAllowed} and {@link
 *       Problem#contentTooLarge}. So this server answers with the same bodies as the reference
 *       server.
 * </ol>
 *
 * <pre>{@code
 * HttpServer server = EmbeddedServerExample.start(8000, Catalog.read(Path.of("catalog.json")),
 *     RequestIds.newKey(), report -> System.out.println(report));
 * }</pre>
 *
 * <p>Request ids are the stateless tokens of docs/PROTOCOL.md, "Request ids": every replica that
 * holds the same key verifies the ids any of them issued. This example takes the key as an
 * argument; a real server keeps it in a file readable by its owner only and reuses it after a
 * restart, or every id issued before the restart turns invalid. It records completions only by
 * handing them over: de-duplicating repeated reports per (request id, update type) and writing them
 * durably before the {@code 204} is up to the {@code completions} consumer, which throws when it
 * cannot (the client is then answered {@code 503} and reports again later).
 *
 * <p>The server serves no files: relative release URLs resolve against it, so give the catalog
 * absolute URLs of wherever the files are, or add a context that serves them.
 */
public final class EmbeddedServerExample {
  /** The largest request body accepted: 1 MiB. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  /** How long a request id stays valid, so how late a completion may come: 30 days. */
  static final Duration RETENTION = Duration.ofDays(30);

  /** How long a client waits before it reports a completion that could not be recorded again. */
  static final int RETRY_AFTER_SECONDS = 30;

  private static final System.Logger LOG = System.getLogger(EmbeddedServerExample.class.getName());

  private EmbeddedServerExample() {}

  /**
   * Serves a catalog file on 127.0.0.1 until the process is stopped, printing every completion.
   * The request-id key is made anew at each start, so completions of answers from an earlier run
   * are refused.
   *
   * @param args the catalog file ({@code catalog.json}) and the port ({@code 8000}), both optional
   * @throws IOException if the catalog cannot be read or the port is taken
   */
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args.length > 0 ? args[0] : "catalog.json");
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8000;
    HttpServer server;
    try {
      Catalog catalog = Catalog.read(file);
      server =
          start(
              port,
              catalog,
              RequestIds.newKey(),
              report -> System.out.println("completion " + report));
    } catch (CatalogException e) {
      System.err.println(e.getMessage()); // names the file and every problem
      System.exit(1);
      return;
    }
    System.out.println("serving " + file + " on " + baseUrl(server));
  }

  /**
   * Starts a server on 127.0.0.1 answering {@code POST /v1/update} from {@code catalog} and
   * passing each verified {@code POST /v1/completion} to {@code completions}. Relative release
   * URLs resolve against the server's own base URL. Stop it with {@link HttpServer#stop(int)}.
   *
   * @param port the port, or 0 for any free one
   * @param catalog what to offer
   * @param key the request-id key, at least {@value RequestIds#KEY_LENGTH} random bytes ({@link
   *     RequestIds#newKey()}), shared by every replica
   * @param completions receives every completion report whose request id verified and whose
   *     entries were offered under it, on the server's thread; it throws an unchecked exception
   *     when it cannot record the report, and the client is answered {@code 503} with {@code
   *     Retry-After}
   * @return the started server
   * @throws CatalogException if a product of the catalog has more update types than one request
   *     id can name
   * @throws IOException if the port cannot be bound
   */
  public static HttpServer start(
      int port, Catalog catalog, byte[] key, Consumer<CompletionReport> completions)
      throws IOException {
    RequestIds.checkCatalog(catalog);
    RequestIds requestIds = RequestIds.create(key, Clock.systemUTC(), RETENTION);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0);
    Matcher matcher = Matcher.create(catalog, baseUrl(server));
    ServerCodec codec = ServerCodec.create();
    server.createContext(
        "/v1/update",
        exchange ->
            handle(
                exchange,
                codec,
                body -> {
                  UpdateRequest request = codec.decodeUpdateRequest(body);
                  List<AvailableUpdate> offers = matcher.match(request);
                  if (offers.isEmpty()) {
                    return null;
                  }
                  String requestId = requestIds.issue(request.product(), offers);
                  return codec.encodeUpdateResponse(UpdateResponse.of(offers, requestId));
                }));
    server.createContext(
        "/v1/completion",
        exchange ->
            handle(
                exchange,
                codec,
                body -> {
                  CompletionReport report = codec.decodeCompletionReport(body);
                  RequestIdClaims claims;
                  try {
                    claims = requestIds.verify(report.requestId());
                  } catch (InvalidRequestIdException e) {
                    // Forged, expired or not an id at all: final, so the client must not retry.
                    throw new Refusal(e.problem());
                  }
                  Optional<Problem> notOffered = claims.checkOffered(report);
                  if (notOffered.isPresent()) {
                    throw new Refusal(notOffered.get());
                  }
                  try {
                    completions.accept(report);
                  } catch (RuntimeException e) {
                    // Valid but not recorded: docs/PROTOCOL.md's 503 ("cannot record a
                    // completion right now"), so the client reports again after Retry-After. A
                    // 500 would say the server failed at something it should not.
                    LOG.log(Level.ERROR, "completion not recorded", e);
                    throw new Refusal(
                        Problem.of(
                            503,
                            "Service Unavailable",
                            "the completion could not be recorded; report again later"),
                        RETRY_AFTER_SECONDS);
                  }
                  return null;
                }));
    // Everything else: a problem document, as every 4xx answer of the protocol, not the JDK's
    // HTML page. The more specific contexts above take their own paths.
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            send(exchange, codec, Problem.notFound(exchange.getRequestURI().getRawPath()));
          }
        });
    // Without an executor, the server's single dispatcher thread runs the handlers: plenty for
    // an example. A production server gives it a thread pool.
    server.start();
    return server;
  }

  /**
   * Returns the base URL of a server started by {@link #start}, such as {@code
   * http://127.0.0.1:8000/}.
   *
   * @param server the server
   * @return the base URL, ending in {@code /}
   */
  public static URI baseUrl(HttpServer server) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** What an endpoint makes of a request body: the {@code 200} body, or null for {@code 204}. */
  @FunctionalInterface
  private interface Endpoint {
    byte[] answer(byte[] body);
  }

  /** Ends a request with a problem document. */
  private static final class Refusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // never serialized: it lives for one request
    final Problem problem;

    /** The {@code Retry-After} seconds to send, or 0 for none. */
    final int retryAfterSeconds;

    Refusal(Problem problem) {
      this(problem, 0);
    }

    Refusal(Problem problem, int retryAfterSeconds) {
      super(problem.detail(), null, false, false);
      this.problem = problem;
      this.retryAfterSeconds = retryAfterSeconds;
    }
  }

  /** The HTTP rules of docs/PROTOCOL.md around an endpoint: path, method, content type, size. */
  private static void handle(HttpExchange exchange, ServerCodec codec, Endpoint endpoint)
      throws IOException {
    try {
      // Undecoded, as the request sent it: /v1/%75pdate is not /v1/update.
      String path = exchange.getRequestURI().getRawPath();
      Optional<Problem> refused;
      if (!path.equals(exchange.getHttpContext().getPath())) {
        send(exchange, codec, Problem.notFound(path));
      } else if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST");
        send(
            exchange,
            codec,
            Problem.methodNotAllowed(exchange.getRequestMethod(), path, List.of("POST")));
      } else if ((refused =
              codec.checkContentType(exchange.getRequestHeaders().getFirst("Content-Type")))
          .isPresent()) {
        send(exchange, codec, refused.get());
      } else {
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
          send(exchange, codec, Problem.contentTooLarge(MAX_BODY_BYTES));
          return;
        }
        byte[] answer = endpoint.answer(body);
        if (answer == null) {
          exchange.sendResponseHeaders(204, -1);
        } else {
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          }
        }
      }
    } catch (ProtocolException e) {
      send(exchange, codec, Problem.invalid(e)); // 400, listing every bad field
    } catch (Refusal e) {
      if (e.retryAfterSeconds > 0) {
        exchange.getResponseHeaders().set("Retry-After", Integer.toString(e.retryAfterSeconds));
      }
      send(exchange, codec, e.problem);
    } catch (RuntimeException e) {
      // The JDK server would log it at TRACE level only.
      LOG.log(Level.ERROR, "request failed", e);
      send(exchange, codec, Problem.of(500, "Internal Server Error", null));
    } finally {
      exchange.close();
    }
  }

  private static void send(HttpExchange exchange, ServerCodec codec, Problem problem)
      throws IOException {
    byte[] body = codec.encodeProblem(problem);
    exchange.getResponseHeaders().set("Content-Type", Problem.MEDIA_TYPE);
    exchange.sendResponseHeaders(problem.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
