package dev.appupdate.client;

import dev.appupdate.protocol.ClientCodec;
import dev.appupdate.protocol.CodecLimits;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.FieldError;
import dev.appupdate.protocol.Problem;
import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.signature.AcceptSignature;
import dev.appupdate.protocol.signature.ContentDigest;
import dev.appupdate.protocol.signature.RequestBinding;
import dev.appupdate.protocol.signature.ResponseVerifier;
import dev.appupdate.protocol.signature.SignatureHeaders;
import dev.appupdate.protocol.signature.TrustedKeys;
import dev.appupdate.protocol.signature.Verification;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The two calls to the update server's API, over the {@link Transport}: the update check and the
 * completion report, each a JSON exchange retried under the {@link Retrier} and bounded by the
 * request timeout; and how an error answer becomes an {@link UpdateServerException}. With trusted
 * server keys, every check asks for a response signature bound to a fresh nonce and to the request
 * (docs/PROTOCOL.md, "Response signatures"), and an answer without a valid one is an error.
 */
final class ServerCalls {
  private static final System.Logger LOG = System.getLogger(UpdateClient.class.getName());
  private static final Map<String, String> JSON_HEADERS =
      Map.of(
          "Content-Type", "application/json",
          "Accept", "application/json, application/problem+json");

  /** Error bodies larger than this are not read: only the status matters then. */
  private static final int MAX_PROBLEM_BYTES = 64 * 1024;

  private final URI updateUri;
  private final URI completionUri;
  private final Transport transport;
  private final Retrier retrier;
  private final Clock clock;
  private final Duration requestTimeout;
  private final ClientCodec codec = ClientCodec.create();
  private final int maxDocumentBytes = CodecLimits.defaults().maxDocumentBytes();

  /** The trusted server keys, or null when answers are not checked. */
  private final TrustedKeys serverKeys;

  /** Checks answers against {@link #serverKeys}; null without them. */
  private final ResponseVerifier verifier;

  /**
   * @param base the server's base URI, as {@link #base} returns it
   * @param clock the wall clock, for Retry-After dates
   * @param requestTimeout how long each exchange may take, from request to last byte
   * @param serverKeys the server keys whose signature every check answer must carry; null for none
   */
  ServerCalls(
      URI base,
      Transport transport,
      Retrier retrier,
      Clock clock,
      Duration requestTimeout,
      TrustedKeys serverKeys) {
    this.updateUri = base.resolve("v1/update");
    this.completionUri = base.resolve("v1/completion");
    this.transport = transport;
    this.retrier = retrier;
    this.clock = clock;
    this.requestTimeout = requestTimeout;
    this.serverKeys = serverKeys;
    this.verifier = serverKeys == null ? null : ResponseVerifier.create(serverKeys);
  }

  /**
   * Returns {@code serverUri} as a base that {@code v1/update} resolves under: with a trailing
   * slash, so that {@code https://h/prefix} asks {@code https://h/prefix/v1/update}.
   *
   * @throws IllegalArgumentException if it is not an absolute http(s) URI with a host, or it has
   *     user information, a query or a fragment
   */
  static URI base(URI serverUri) {
    if (HttpSecurity.hasUserInfo(serverUri)) {
      // First, so that no other message echoes the password. The client never sends it anyway:
      // an update server is public, and a secret in a URL ends up in logs.
      throw new IllegalArgumentException(
          "serverUri must not hold user information (user:password@) before the host, got "
              + HttpSecurity.redacted(serverUri));
    }
    String scheme = serverUri.getScheme();
    if (!serverUri.isAbsolute()
        || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
        || serverUri.getHost() == null) {
      throw new IllegalArgumentException(
          "serverUri must be an absolute https or http URI with a host, got " + serverUri);
    }
    if (serverUri.getRawQuery() != null || serverUri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "serverUri must not have a query or fragment, got " + serverUri);
    }
    String path = serverUri.getRawPath();
    return path != null && path.endsWith("/") ? serverUri : URI.create(serverUri + "/");
  }

  Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * Sends {@code request} to {@code POST /v1/update}; see {@link UpdateClient#check()}. The offers
   * of the answer are sorted by {@code rules}.
   */
  CheckResult check(UpdateRequest request, OfferRules rules) throws IOException {
    byte[] body = codec.encodeUpdateRequest(request);
    String contentDigest = verifier == null ? null : ContentDigest.of(body).headerValue();
    return retrier.run(
        "update check",
        retrier.budget(),
        IOException.class,
        () -> {
          // A fresh nonce for every attempt: a nonce is never used twice, not even by a retry.
          AcceptSignature accept = verifier == null ? null : AcceptSignature.create(serverKeys);
          Map<String, String> headers = JSON_HEADERS;
          if (accept != null) {
            headers = new HashMap<>(JSON_HEADERS);
            headers.put(AcceptSignature.HEADER, accept.headerValue());
            headers.put(ContentDigest.HEADER, contentDigest);
          }
          try (Exchange answer =
              transport.send("POST", updateUri, body, headers, requestTimeout, requestTimeout)) {
            int status = answer.status();
            if ((status != 200 && status != 204) || answer.refusal() != null) {
              throw error(answer);
            }
            if (status == 204 && accept == null) {
              return CheckResult.noUpdate();
            }
            byte[] document = answer.body().readAtMost(maxDocumentBytes);
            if (document == null) {
              String tooLong =
                  "document is longer than the limit of " + maxDocumentBytes + " bytes";
              throw new ProtocolException("update response", List.of(new FieldError("$", tooLong)));
            }
            if (accept != null) {
              // Before decoding: an unsigned body is not worth reading, and a forged one must fail
              // as unsigned, not as malformed.
              verify(
                  answer,
                  document,
                  RequestBinding.of("POST", updateUri, contentDigest, accept.nonce()));
              if (status == 204) {
                return CheckResult.noUpdate();
              }
            }
            return new CheckResult(codec.decodeUpdateResponse(document), rules);
          }
        },
        () -> new InterruptedIOException("interrupted while waiting to retry the update check"));
  }

  /**
   * Throws unless a trusted server key signed this answer to this very request. The binding names
   * the URL the check was posted to, not the one that answered after redirects: the server signs
   * its public URL, and that must be the URL the application configured.
   */
  private void verify(Exchange answer, byte[] body, RequestBinding sent)
      throws UpdateServerException {
    Verification v = verifier.verify(sent, answer.status(), answer.headers(), body);
    if (v.valid()) {
      return;
    }
    StringBuilder message =
        new StringBuilder(answer.method())
            .append(' ')
            .append(answer.uri())
            .append(" answered HTTP ")
            .append(answer.status())
            .append(" without a valid signature by a trusted server key (")
            .append(String.join(", ", serverKeys.keyIds()))
            .append("): ")
            .append(v.reason());
    if (answer.header(SignatureHeaders.SIGNATURE_INPUT) == null) {
      message.append(
          "; a server signs only when it has a response key (reference server: --response-key)");
    }
    throw new UpdateServerException(
        message.toString(), answer.uri(), answer.status(), null, null);
  }

  /** Sends {@code report} to {@code POST /v1/completion}; see {@link UpdateClient#report}. */
  void report(CompletionReport report) throws IOException {
    byte[] body = codec.encodeCompletionReport(report);
    retrier.run(
        "completion report",
        retrier.budget(),
        IOException.class,
        () -> post(body, requestTimeout),
        () ->
            new InterruptedIOException("interrupted while waiting to retry the completion report"));
  }

  /** Sends {@code report} once, without retries, within {@code limit}. */
  void reportOnce(CompletionReport report, Duration limit) throws IOException {
    post(codec.encodeCompletionReport(report), limit);
  }

  private Void post(byte[] body, Duration limit) throws IOException {
    try (Exchange answer =
        transport.send("POST", completionUri, body, JSON_HEADERS, limit, limit)) {
      if (answer.refusal() != null || answer.status() < 200 || answer.status() > 299) {
        throw error(answer);
      }
      return null;
    }
  }

  /**
   * The exception of an answer the client cannot use: an error status, with the detail of its
   * problem document when it sent one, or a redirect the transport refused to follow.
   */
  private UpdateServerException error(Exchange answer) throws IOException {
    int status = answer.status();
    Problem problem = null;
    String contentType = answer.header("content-type");
    if (answer.refusal() == null
        && contentType != null
        && contentType.toLowerCase(Locale.ROOT).contains("json")) {
      byte[] body = answer.body().readAtMost(MAX_PROBLEM_BYTES);
      if (body != null && status >= 400 && status <= 599) {
        try {
          problem = codec.decodeProblem(body, status);
        } catch (ProtocolException e) {
          LOG.log(Level.DEBUG, () -> "unreadable problem document: " + e.getMessage());
        }
      }
    }
    StringBuilder message =
        new StringBuilder(answer.method())
            .append(' ')
            .append(answer.uri())
            .append(" answered HTTP ")
            .append(status);
    if (answer.refusal() != null) {
      message.append(" and the client did not follow: ").append(answer.refusal());
    } else if (problem != null) {
      String text = problem.detail() != null ? problem.detail() : problem.title();
      if (!text.isBlank()) {
        message.append(": ").append(Reasons.clean(text));
      }
    }
    return new UpdateServerException(
        message.toString(),
        answer.uri(),
        status,
        problem,
        RetryAfter.parse(answer.header("retry-after"), clock.instant()));
  }
}
