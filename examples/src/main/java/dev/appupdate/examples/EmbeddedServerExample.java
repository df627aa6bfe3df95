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
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * What a server needs from protocol-core, inside an HTTP stack of its own: here the JDK's plain
 * {@code com.sun.net.httpserver}, but the same few calls fit a servlet, Spring or Quarkus.
 *
 * <ol>
 *   <li>{@link Catalog#read} and {@link Matcher#create} once at start: the catalog is validated
 *       whole and compiled.
 *   <li>Per {@code POST /v1/update}: {@link ServerCodec#decodeUpdateRequest}, {@link
 *       Matcher#match}, then {@code 204} when nothing matched or {@code 200} with {@link
 *       ServerCodec#encodeUpdateResponse}.
 *   <li>Per {@code POST /v1/completion}: {@link ServerCodec#decodeCompletionReport}, record it,
 *       {@code 204}.
 *   <li>A {@link ProtocolException} is a {@code 400} whose body {@link Problem#invalid} and {@link
 *       ServerCodec#encodeProblem} make.
 * </ol>
 *
 * <pre>{@code
 * HttpServer server = EmbeddedServerExample.start(8000, Catalog.read(Path.of("catalog.json")),
 *     report -> System.out.println(report));
 * }</pre>
 *
 * <p><b>Request ids are placeholders here.</b> Each answer gets a random UUID without dashes as
 * its request id, and completions are accepted under any id: this example cannot tell a real
 * report from a forged one, nor check that it names updates that were offered. A real server
 * issues the signed, stateless request-id tokens of the reference server (see "Request ids" in
 * docs/PROTOCOL.md), and answers {@code 422} to a report whose id it did not issue.
 *
 * <p>The server serves no files: relative release URLs resolve against it, so give the catalog
 * absolute URLs of wherever the files are, or add a context that serves them.
 */
public final class EmbeddedServerExample {
  /** The largest request body accepted, as in the reference server: 1 MiB. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  private EmbeddedServerExample() {}

  /**
   * Serves a catalog file on 127.0.0.1 until the process is stopped, printing every completion.
   *
   * @param args the catalog file ({@code catalog.json}) and the port ({@code 8000}), both optional
   * @throws IOException if the catalog cannot be read or the port is taken
   */
  public static void main(String[] args) throws IOException {
    Path file = Path.of(args.length > 0 ? args[0] : "catalog.json");
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 8000;
    Catalog catalog;
    try {
      catalog = Catalog.read(file);
    } catch (CatalogException e) {
      System.err.println(e.getMessage()); // names the file and every problem
      System.exit(1);
      return;
    }
    HttpServer server = start(port, catalog, report -> System.out.println("completion " + report));
    System.out.println("serving " + file + " on " + baseUrl(server));
  }

  /**
   * Starts a server on 127.0.0.1 answering {@code POST /v1/update} from {@code catalog} and
   * passing each {@code POST /v1/completion} to {@code completions}. Relative release URLs
   * resolve against the server's own base URL. Stop it with {@link HttpServer#stop(int)}.
   *
   * @param port the port, or 0 for any free one
   * @param catalog what to offer
   * @param completions receives every well-formed completion report, on the server's thread
   * @throws IOException if the port cannot be bound
   */
  public static HttpServer start(int port, Catalog catalog, Consumer<CompletionReport> completions)
      throws IOException {
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
                  return codec.encodeUpdateResponse(
                      new UpdateResponse(offers, placeholderRequestId()));
                }));
    server.createContext(
        "/v1/completion",
        exchange ->
            handle(
                exchange,
                codec,
                body -> {
                  completions.accept(codec.decodeCompletionReport(body));
                  return null;
                }));
    // Without an executor, the server's single dispatcher thread runs the handlers: plenty for
    // an example. A production server gives it a thread pool.
    server.start();
    return server;
  }

  /**
   * Returns the base URL of a server started by {@link #start}, such as {@code
   * http://127.0.0.1:8000/}.
   */
  public static URI baseUrl(HttpServer server) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /**
   * A placeholder request id: random and URL-safe, but not verifiable. Real servers issue the
   * reference server's signed tokens instead.
   */
  private static String placeholderRequestId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /** What an endpoint makes of a request body: the {@code 200} body, or null for {@code 204}. */
  @FunctionalInterface
  private interface Endpoint {
    byte[] answer(byte[] body);
  }

  /** The HTTP rules of docs/PROTOCOL.md around an endpoint: path, method, content type, size. */
  private static void handle(HttpExchange exchange, ServerCodec codec, Endpoint endpoint)
      throws IOException {
    try {
      String path = exchange.getRequestURI().getPath();
      if (!path.equals(exchange.getHttpContext().getPath())) {
        send(exchange, codec, Problem.of(404, "Not Found", "no resource at " + path));
      } else if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST");
        send(exchange, codec, Problem.of(405, "Method Not Allowed", path + " accepts only POST"));
      } else if (!acceptedContentType(exchange.getRequestHeaders().getFirst("Content-Type"))) {
        send(exchange, codec, Problem.of(415, "Unsupported Media Type", "send application/json"));
      } else {
        byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
          String detail = "the body is larger than " + MAX_BODY_BYTES + " bytes";
          send(exchange, codec, Problem.of(413, "Content Too Large", detail));
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
    } catch (RuntimeException e) {
      send(exchange, codec, Problem.of(500, "Internal Server Error", null));
      throw e; // the JDK server logs it
    } finally {
      exchange.close();
    }
  }

  /** JSON, any {@code +json} type, none, or the form type when the body is the JSON itself. */
  private static boolean acceptedContentType(String header) {
    if (header == null) {
      return true;
    }
    String type = header.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    return type.isEmpty()
        || type.equals("application/json")
        || type.equals("application/x-www-form-urlencoded")
        || (type.startsWith("application/") && type.endsWith("+json"));
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
