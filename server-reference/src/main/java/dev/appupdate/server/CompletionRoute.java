package dev.appupdate.server;

import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.Problem;
import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.Version;
import dev.appupdate.protocol.requestid.InvalidRequestIdException;
import dev.appupdate.protocol.requestid.RequestIdClaims;
import dev.appupdate.protocol.requestid.RequestIds;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code POST /v1/completion}: checks the report against its request id and records it durably
 * before answering 204.
 */
final class CompletionRoute implements Route {
  /** The most bytes of UTF-8 a recorded {@code reason} takes, its truncation marker included. */
  static final int MAX_REASON_BYTES = 1024;

  /** Ends a reason cut to {@link #MAX_REASON_BYTES}. */
  static final String TRUNCATED = "... [truncated]";

  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");

  private final ServerCodec codec;
  private final RequestIds requestIds;
  private final CompletionStore store;
  private final Clock clock;
  private final int bodyLimit;
  private final Halts halts;
  private final Metrics metrics;

  CompletionRoute(
      ServerCodec codec,
      RequestIds requestIds,
      CompletionStore store,
      Clock clock,
      int bodyLimit,
      Halts halts,
      Metrics metrics) {
    this.codec = codec;
    this.requestIds = requestIds;
    this.store = store;
    this.clock = clock;
    this.bodyLimit = bodyLimit;
    this.halts = halts;
    this.metrics = metrics;
  }

  @Override
  public void handle(Call call) throws IOException, HttpProblem {
    byte[] body = JsonBody.read(call, bodyLimit);
    CompletionReport report;
    try {
      report = codec.decodeCompletionReport(body);
    } catch (ProtocolException e) {
      throw HttpProblem.of(Problem.invalid(e));
    } catch (IllegalArgumentException e) {
      // The codec should have caught it; a client must not be able to cause a 500 regardless.
      throw HttpProblem.badRequest("invalid completion report: " + e.getMessage());
    }
    RequestIdClaims claims;
    try {
      claims = requestIds.verify(report.requestId());
    } catch (InvalidRequestIdException e) {
      throw HttpProblem.of(e.problem());
    }
    Optional<Problem> notOffered = claims.checkOffered(report);
    if (notOffered.isPresent()) {
      throw HttpProblem.of(notOffered.get());
    }
    Instant now = clock.instant();
    String installation = claims.installation().orElse(null);
    List<CompletionRecord> records = new ArrayList<>();
    report
        .updates()
        .forEach(
            (type, outcome) ->
                records.add(
                    new CompletionRecord(
                        now,
                        report.requestId(),
                        claims.product(),
                        claims.issuedAt(),
                        type,
                        capReason(outcome),
                        installation)));
    try {
      store.append(records, claims.expiresAt());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw HttpProblem.unavailable("the server is stopping; report again later", 5);
    } catch (CompletionStore.StoreUnavailableException e) {
      metrics.storeError();
      // The store logs its refusals itself, at most once a minute: a flood of reports against a
      // full store must not become a flood of log lines. Its reason may name files of the data
      // directory: it stays in the server's log.
      throw HttpProblem.unavailable(
          "completions are not recorded for now; report again later", e.retryAfterSeconds());
    } catch (IOException e) {
      metrics.storeError();
      LOG.log(Level.ERROR, "completion not recorded: " + e.getMessage());
      throw HttpProblem.unavailable("the completion could not be recorded; report again later", 30);
    }
    for (CompletionRecord r : records) {
      Outcome o = r.outcome();
      boolean success = o.status() == Outcome.Status.SUCCESS;
      metrics.completion(o.status().wireName(), success ? null : o.code().wireName());
      halts.reported(r.product(), r.updateType(), Version.parse(o.version()).canonical());
    }
    call.sendEmpty(204);
  }

  /**
   * Returns {@code outcome} with its reason cut to at most {@link #MAX_REASON_BYTES} bytes of
   * UTF-8, at a code point boundary, ending with {@link #TRUNCATED}; unchanged when it fits. A long
   * reason is kept in part rather than refused: the report itself is what matters.
   */
  static Outcome capReason(Outcome outcome) {
    String reason = outcome.reason();
    if (reason == null || utf8Length(reason, MAX_REASON_BYTES + 1) <= MAX_REASON_BYTES) {
      return outcome;
    }
    int budget = MAX_REASON_BYTES - TRUNCATED.length();
    int end = 0;
    int bytes = 0;
    while (end < reason.length()) {
      int cp = reason.codePointAt(end);
      int n = utf8Length(cp);
      if (bytes + n > budget) {
        break;
      }
      bytes += n;
      end += Character.charCount(cp);
    }
    Outcome capped =
        Outcome.failed(outcome.version(), outcome.code(), reason.substring(0, end) + TRUNCATED);
    return outcome.hashFunction() == null && outcome.hashValue() == null && outcome.size() == null
        ? capped
        : capped.withObserved(outcome.hashFunction(), outcome.hashValue(), outcome.size());
  }

  /** The UTF-8 length of {@code s}, counted up to {@code limit} at most. */
  private static int utf8Length(String s, int limit) {
    int bytes = 0;
    for (int i = 0; i < s.length() && bytes < limit; ) {
      int cp = s.codePointAt(i);
      bytes += utf8Length(cp);
      i += Character.charCount(cp);
    }
    return bytes;
  }

  private static int utf8Length(int cp) {
    // A lone surrogate is written as U+FFFD, 3 bytes.
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
}
