package dev.appupdate.examples.cli;

import dev.appupdate.client.CheckResult;
import dev.appupdate.client.RefusedOffer;
import dev.appupdate.client.Sleeper;
import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.ClientCodec;
import dev.appupdate.protocol.CodecLimits;
import dev.appupdate.protocol.FieldError;
import dev.appupdate.protocol.Problem;
import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.RejectedOffer;
import dev.appupdate.protocol.UpdateResponse;
import java.io.ByteArrayOutputStream;
import dev.appupdate.protocol.signature.AcceptSignature;
import dev.appupdate.protocol.signature.ContentDigest;
import dev.appupdate.protocol.signature.RequestBinding;
import dev.appupdate.protocol.signature.ResponseVerifier;
import dev.appupdate.protocol.signature.SignatureHeaders;
import dev.appupdate.protocol.signature.TrustedKeys;
import dev.appupdate.protocol.signature.Verification;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code appupdate check}: one update check, shown as a table or as the server's own JSON.
 *
 * <p>Unlike {@code update}, which goes through the client's full flow with retries and redirects,
 * {@code check} sends exactly one request and shows exactly what the server answered: it is the
 * tool for looking at a server. The request is the one the client would send, and the answer is
 * read by the client's own decoder and sorted by its own rules ({@code UpdateClient.resultOf}), so
 * the offers, refused offers and invalid offers listed are those the client would see. With pinned
 * server keys the answer is checked as the client checks it, before anything is shown.
 */
@CommandLine.Command(
    name = "check",
    header = "ask an update server what it offers",
    customSynopsis = {
      "appupdate check --server URL --product P --version V --platform X",
      "                       --locale L [--channel C] [--installation-id ID]",
      "                       [--installed TYPE=VERSION ...] [--insecure-http]",
      "                       [--trust PUBLIC ...] [--server-key PUBLIC ...]",
      "                       [--json]"
    },
    description = {
      "Asks an update server what it offers (POST /v1/update) and prints the offers as a"
          + " table: update_type, version, size in bytes, critical and url (mirrors below"
          + " it). Offers the client could not use (an unsupported hash function, a bad size,"
          + " ...) are listed separately, and so are offers the client would refuse: with"
          + " --trust, those no trusted release key signed (bad_signature); with or without"
          + " keys, those not newer than a version given with --installed (a rollback). When"
          + " the server answers 204 No Content, prints \"no update available\".",
      "",
      "With --server-key, the check asks for a signed answer, bound to a fresh nonce and to"
          + " this request, and an answer (200 or 204) that no trusted server key signed is"
          + " refused: exit 3, nothing printed on stdout.",
      "",
      "check sends exactly one request: no retries, no redirects followed. Nothing is"
          + " downloaded and nothing is reported to the server."
    },
    exitCodeList = {
      "0:the server answered 200 or 204 (also when some offers are invalid or refused)",
      "2:usage error: unknown option, missing or invalid value",
      "3:no usable answer: the server could not be reached, answered another status (such"
          + " as 400 or 503), its 200 answer is not an update response, or, with"
          + " --server-key, its answer is not signed by a trusted server key"
    },
    footerHeading = "%nExample:%n",
    footer = {
      "  appupdate check --server http://127.0.0.1:8000 --product your_app \\",
      "      --version 666 --platform macOS --locale en-US"
    })
final class CheckCommand implements Command {
  private final ClientCodec codec = ClientCodec.create();
  private final PrintStream out;
  private final PrintStream err;

  @Mixin private ServerOptions options;

  @Option(
      names = "--json",
      order = 20,
      description =
          "print the server's response body as it came; messages (no update available,"
              + " refused and invalid offers) go to stderr")
  private boolean json;

  CheckCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public List<String> validate() {
    return options.validate(Sleeper.system());
  }

  @Override
  public int run() {
    byte[] request = codec.encodeUpdateRequest(options.client().request());
    URI uri = options.updateUri();
    TrustedKeys serverKeys = options.serverKeys();
    // With pinned server keys: a fresh nonce and the body's digest, both of which the answer's
    // signature must cover, so that no other answer passes for this one.
    AcceptSignature accept = serverKeys == null ? null : AcceptSignature.create(serverKeys);
    String digest = accept == null ? null : ContentDigest.of(request).headerValue();
    HttpResponse<byte[]> response;
    try {
      response = exchange(uri, request, accept, digest, ServerOptions.REQUEST_TIMEOUT);
    } catch (IOException e) {
      err.println("appupdate check: " + options.checkFailure(e));
      return Exit.NO_SERVER;
    }
    byte[] body = response.body();
    int status = response.statusCode();
    if (accept != null && (status == 200 || status == 204) && body != null) {
      Verification v =
          ResponseVerifier.create(serverKeys)
              .verify(
                  RequestBinding.of("POST", uri, digest, accept.nonce()),
                  status,
                  response.headers().map(),
                  body);
      if (!v.valid()) {
        // Never "no update", never printed: an unsigned answer is no answer at all.
        err.println("appupdate check: " + unsigned(uri, response, serverKeys, v));
        return Exit.NO_SERVER;
      }
    }
    if (status == 204) {
      (json ? err : out).println("no update available");
      return Exit.OK;
    }
    if (status != 200) {
      err.println("appupdate check: " + errorAnswer(uri, response, body));
      return Exit.NO_SERVER;
    }
    if (body == null) {
      err.println(
          "appupdate check: the answer of "
              + uri
              + " is longer than "
              + CodecLimits.defaults().maxDocumentBytes()
              + " bytes");
      return Exit.NO_SERVER;
    }
    if (json) {
      out.write(body, 0, body.length);
      if (body.length == 0 || body[body.length - 1] != '\n') {
        out.println();
      }
    }
    UpdateResponse decoded;
    try {
      decoded = codec.decodeUpdateResponse(body);
    } catch (ProtocolException e) {
      err.println(
          "appupdate check: the answer of "
              + uri
              + " is not a valid update response: "
              + Failures.oneLine(e.getMessage()));
      return Exit.NO_SERVER;
    }
    // Its signature, when server keys are pinned, was verified above.
    CheckResult result = options.unpinnedClient().resultOf(decoded);
    if (!json) {
      printTable(result, out);
    }
    printRefused(result.refused(), json ? err : out);
    printRejected(decoded.rejected(), json ? err : out);
    return Exit.OK;
  }

  /** Says why an answer fails the pinned server keys, as the client would. */
  private static String unsigned(
      URI uri, HttpResponse<?> response, TrustedKeys keys, Verification v) {
    String message =
        uri
            + " answered HTTP "
            + response.statusCode()
            + " without a valid signature by a trusted server key ("
            + String.join(", ", keys.keyIds())
            + "): "
            + Failures.oneLine(v.reason());
    if (response.headers().firstValue(SignatureHeaders.SIGNATURE_INPUT).isEmpty()) {
      message +=
          "; a server signs only when it has a response key (reference server: --response-key)";
    }
    return message;
  }

  /**
   * Sends the request and reads the answer, all within {@code timeout}; the body is null when it is
   * longer than a protocol document may be. The JDK's request timeout ends with the headers, so a
   * server sending its body a byte at a time would hold the check open without the deadline here.
   */
  static HttpResponse<byte[]> exchange(URI uri, byte[] body, Duration timeout)
      throws IOException {
    return exchange(uri, body, null, null, timeout);
  }

  /**
   * Like {@link #exchange(URI, byte[], Duration)}; with {@code accept}, asks for a signed answer:
   * {@code Accept-Signature} and the body's {@code Content-Digest}.
   */
  static HttpResponse<byte[]> exchange(
      URI uri, byte[] body, AcceptSignature accept, String digest, Duration timeout)
      throws IOException {
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(ServerOptions.CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, application/problem+json")
            .header("User-Agent", "appupdate-cli")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (accept != null) {
      builder.header(AcceptSignature.HEADER, accept.headerValue());
      builder.header(ContentDigest.HEADER, digest);
    }
    HttpRequest request = builder.build();
    int limit = CodecLimits.defaults().maxDocumentBytes();
    CompletableFuture<HttpResponse<byte[]>> answer =
        client.sendAsync(request, info -> new LimitedBody(limit));
    try {
      return answer.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new HttpTimeoutException("request timed out");
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during POST " + uri);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(cause.getMessage(), cause);
    }
  }

  /** Collects a body of at most {@code limit} bytes; a longer one is cut off and read as null. */
  private static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    LimitedBody(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      for (ByteBuffer buffer : buffers) {
        if (result.isDone()) {
          return;
        }
        if (buffer.remaining() > limit - bytes.size()) {
          result.complete(null);
          subscription.cancel();
          return;
        }
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable failure) {
      result.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }
  }

  private String errorAnswer(URI uri, HttpResponse<byte[]> response, byte[] body) {
    int status = response.statusCode();
    StringBuilder message = new StringBuilder();
    message.append(uri).append(" answered HTTP ").append(status);
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    if (body != null && status >= 400 && contentType.toLowerCase(Locale.ROOT).contains("json")) {
      try {
        Problem problem = codec.decodeProblem(body, status);
        String text = problem.detail() != null ? problem.detail() : problem.title();
        if (!text.isBlank()) {
          message.append(": ").append(Failures.oneLine(text));
        }
      } catch (ProtocolException e) {
        message.append(" with an unreadable problem document");
      }
    }
    response
        .headers()
        .firstValue("Location")
        .ifPresent(
            location ->
                message
                    .append(" (Location: ")
                    .append(Failures.oneLine(location))
                    .append("; check does not follow redirects)"));
    return message.toString();
  }

  private static void printTable(CheckResult result, PrintStream out) {
    if (result.offers().isEmpty()) {
      out.println(result.refused().isEmpty() ? "no valid offer" : "no offer to download");
    } else {
      Table table = new Table("update_type", "version", "size", "critical", "url");
      for (AvailableUpdate u : result.offers()) {
        table.row(
            u.updateType(),
            u.version(),
            Long.toString(u.size()),
            u.critical() ? "yes" : "no",
            u.url().toString());
        for (URI mirror : u.mirrors()) {
          table.row("", "", "", "", "mirror " + mirror);
        }
      }
      table.print(out);
    }
    out.println("request_id: " + result.requestId());
  }

  private static void printRefused(List<RefusedOffer> refused, PrintStream out) {
    if (refused.isEmpty()) {
      return;
    }
    out.println("refused offers:");
    for (RefusedOffer r : refused) {
      out.println(
          "  "
              + r.offer().updateType()
              + " "
              + r.offer().version()
              + ": "
              + UpdateCommand.failure(r.code(), r.reason()));
    }
  }

  private static void printRejected(List<RejectedOffer> rejected, PrintStream out) {
    if (rejected.isEmpty()) {
      return;
    }
    out.println("invalid offers:");
    for (RejectedOffer r : rejected) {
      String name =
          r.updateType() != null && r.version() != null
              ? r.updateType() + " " + r.version()
              : "available_updates[" + r.index() + "]";
      String errors =
          r.errors().stream().map(FieldError::toString).collect(Collectors.joining("; "));
      out.println("  " + name + ": " + Failures.oneLine(errors));
    }
  }
}
