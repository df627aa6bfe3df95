package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.ClientCodec;
import dev.appupdate.protocol.CodecLimits;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.DecodedUpdateResponse;
import dev.appupdate.protocol.FieldError;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.Problem;
import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.RejectedOffer;
import dev.appupdate.protocol.UpdateRequest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The appupdate client: asks the update server what is new, downloads and verifies the offers,
 * hands them to the application's installer and reports the outcome.
 *
 * <pre>{@code
 * UpdateClient client = UpdateClient.builder()
 *     .serverUri(URI.create("https://updates.example.com/"))
 *     .product("your_app")
 *     .version("1.4.2")
 *     .installationId(InstallationId.loadOrCreate(dataDir.resolve("installation-id")))
 *     .installed("blocklist", blocklistVersion)
 *     .build();
 *
 * UpdateSummary summary = client.update(dataDir.resolve("downloads"), downloaded -> {
 *   Path target = dataDir.resolve(downloaded.update().updateType());
 *   Files.move(downloaded.path(), target, StandardCopyOption.REPLACE_EXISTING);
 * });
 * }</pre>
 *
 * <p>{@link #update(Path, Installer)} is the whole flow in one call. The steps are available
 * separately: {@link #check()}, {@link #download(AvailableUpdate, Path, DownloadListener)} and
 * {@link #report(CompletionReport)}, with {@link CheckResult#report()} to build the report.
 *
 * <p>Security defaults: the server and every download URL must use HTTPS, except loopback hosts
 * ({@code localhost}, 127.0.0.0/8, {@code ::1}) and unless {@link Builder#allowInsecureHttp} says
 * otherwise; a redirect from HTTPS to plain HTTP is always refused; only sha256, sha384 and sha512
 * digests are accepted, and no byte reaches the final path before the digest matched.
 *
 * <p>Instances are immutable and thread-safe (provided the injected clock, sleeper and random
 * source are). Check and download calls block; {@link #checkAsync()} runs a check on a thread of
 * its own.
 */
public final class UpdateClient {
  private static final System.Logger LOG = System.getLogger(UpdateClient.class.getName());
  private static final Map<String, String> JSON_HEADERS =
      Map.of(
          "Content-Type", "application/json",
          "Accept", "application/json, application/problem+json");

  /** Error bodies larger than this are not read: only the status matters then. */
  private static final int MAX_PROBLEM_BYTES = 64 * 1024;

  /** The longest an interrupted {@link #update} still spends delivering its report. */
  static final Duration INTERRUPTED_REPORT_LIMIT = Duration.ofSeconds(5);

  private final UpdateRequest request;
  private final URI updateUri;
  private final URI completionUri;
  private final Transport transport;
  private final Retrier retrier;
  private final Downloader downloader;
  private final Clock clock;
  private final Duration requestTimeout;
  private final ClientCodec codec = ClientCodec.create();
  private final int maxDocumentBytes = CodecLimits.defaults().maxDocumentBytes();

  private UpdateClient(Builder b, UpdateRequest request, URI base, HttpClient httpClient) {
    this.request = request;
    this.updateUri = base.resolve("v1/update");
    this.completionUri = base.resolve("v1/completion");
    this.clock = b.clock;
    this.requestTimeout = b.requestTimeout;
    this.transport =
        new Transport(httpClient, b.allowInsecureHttp, b.requestTimeout, b.ticker, b.poller);
    this.retrier = new Retrier(b.retryPolicy, b.ticker, b.sleeper, b.random);
    Duration idle = b.minimumSpeed > 0 ? b.speedWindow : b.requestTimeout;
    this.downloader =
        new Downloader(
            transport,
            retrier,
            b.clock,
            b.ticker,
            b.minimumSpeed,
            b.speedWindow,
            idle,
            b.checkpoints);
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the update request this client sends on every check. */
  public UpdateRequest request() {
    return request;
  }

  /**
   * Asks the server for updates ({@code POST /v1/update}), retrying per the {@link RetryPolicy}.
   *
   * <p>Each exchange with the server, from sending the request to the last byte of the answer,
   * must end within the {@linkplain Builder#requestTimeout request timeout}, so a server that
   * trickles its answer cannot hold the check open.
   *
   * @return the offers; {@link CheckResult#empty()} (no request id) when the server answered {@code
   *     204 No Content}. Invalid offers are returned in {@link CheckResult#rejected()} instead of
   *     failing the check.
   * @throws UpdateServerException if the server answered with an error status (after retries for
   *     408, 429 and 5xx), carrying the status and the problem document
   * @throws ProtocolException if a {@code 200} answer is not a valid update response document
   * @throws IOException if the server could not be reached or did not answer in time (after
   *     retries); {@link InterruptedIOException} if the thread was interrupted (the flag is set
   *     again)
   */
  public CheckResult check() throws IOException {
    byte[] body = codec.encodeUpdateRequest(request);
    return retrier.run(
        "update check",
        retrier.budget(),
        IOException.class,
        () -> {
          try (Exchange answer =
              transport.send(
                  "POST", updateUri, body, JSON_HEADERS, requestTimeout, requestTimeout)) {
            if (answer.status() == 204 && answer.refusal() == null) {
              return CheckResult.empty();
            }
            if (answer.status() != 200 || answer.refusal() != null) {
              throw serverError(answer);
            }
            byte[] document = answer.body().readAtMost(maxDocumentBytes);
            if (document == null) {
              String tooLong =
                  "document is longer than the limit of " + maxDocumentBytes + " bytes";
              throw new ProtocolException("update response", List.of(new FieldError("$", tooLong)));
            }
            DecodedUpdateResponse decoded = codec.decodeUpdateResponse(document);
            return new CheckResult(decoded.requestId(), decoded.offers(), decoded.rejected());
          }
        },
        () -> new InterruptedIOException("interrupted while waiting to retry the update check"));
  }

  /**
   * Runs {@link #check()} on a new daemon thread. The future fails with the exception {@code
   * check()} would throw. Cancelling the future does not stop a check already running.
   *
   * <p>The check never runs on the HTTP client's executor ({@link Builder#executor}): it blocks
   * while it waits for the answer, which that executor delivers, so a small executor would wait
   * for itself.
   */
  public CompletableFuture<CheckResult> checkAsync() {
    CompletableFuture<CheckResult> future = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                future.complete(check());
              } catch (Throwable t) {
                future.completeExceptionally(t);
              }
            },
            "appupdate-check");
    thread.setDaemon(true);
    thread.start();
    return future;
  }

  /**
   * Downloads {@code update} into {@code directory} and verifies it, without progress reports.
   *
   * @see #download(AvailableUpdate, Path, DownloadListener)
   */
  public DownloadedUpdate download(AvailableUpdate update, Path directory)
      throws DownloadException {
    return download(update, directory, progress -> true);
  }

  /**
   * Downloads {@code update} into {@code directory} (created if missing) and verifies it.
   *
   * <p>The bytes stream into {@code .<name>.part} in the same directory while they are hashed,
   * each byte once; memory use does not depend on the size. Reading stops as soon as more bytes
   * arrive than the offer's {@code size}. Only when size and digest match (digests are compared in
   * constant time) is the file forced to disk and moved, atomically, to its final name {@code
   * <update_type>-<version>-<hash>}: update type and version with characters outside {@code
   * [A-Za-z0-9._+-]} replaced by {@code _}, then 8 hex digits of a hash of the exact pair, so that
   * distinct updates never share a name (a leading {@code _} is added when the name would start
   * with a Windows device name). The name never comes from the URL. A verified file already at the
   * final path is returned without a transfer (and without calling the listener); any other file
   * there is removed.
   *
   * <p>One download of an update into a directory runs at a time, across threads and processes:
   * it holds a lock on {@code .<name>.lock} from start to end, and another download of the same
   * update into the same directory fails at once with the reason {@code download already
   * running}. Once a download ends, only the verified file (or a resumable partial file) remains.
   *
   * <p>Resuming: when a transfer breaks, the partial file is kept together with a small sidecar
   * ({@code .<name>.part.meta}) holding the server's strong validator (ETag, or Last-Modified). The
   * next attempt, in this call or a later one, re-hashes the partial bytes and asks for the rest
   * with {@code Range} and {@code If-Range}. A {@code 200} answer (the file changed) restarts from
   * byte 0, and so does a {@code 206} whose {@code Content-Range} does not fit or that names
   * another validator. When resumed bytes fail verification, the same URL is tried once more from
   * byte 0 before the mismatch counts. Without a validator nothing is kept.
   *
   * <p>Retries and mirrors: each URL ({@link AvailableUpdate#urls()}: the {@code url}, then the
   * mirrors) gets up to the {@link RetryPolicy}'s attempts for connection failures, timeouts,
   * stalls, 408, 429 and 5xx; the policy's time budget covers the whole download, all URLs
   * together (each URL still gets its first attempt). Any other HTTP error, a refused or invalid
   * URL or redirect, or a verification failure moves on to the next URL. A transfer slower than
   * the {@linkplain Builder#minimumSpeed minimum speed} is aborted and retried.
   *
   * @param listener told of the progress; returning false cancels
   * @return the verified file
   * @throws ChecksumMismatchException if the bytes had the wrong digest (on every URL tried)
   * @throws SizeMismatchException if a server sent more or fewer bytes than declared
   * @throws StalledTransferException if the transfer stayed below the minimum speed
   * @throws HttpStatusException if the URLs answered with HTTP error statuses
   * @throws DownloadCancelledException if the listener cancelled or the thread was interrupted
   * @throws DownloadException for other network and local file failures; {@link
   *     DownloadException#reason()} is the text to report. Nothing is at the final path then.
   */
  public DownloadedUpdate download(
      AvailableUpdate update, Path directory, DownloadListener listener) throws DownloadException {
    Objects.requireNonNull(update, "update == null");
    Objects.requireNonNull(directory, "directory == null");
    Objects.requireNonNull(listener, "listener == null");
    return downloader.download(update, directory, listener);
  }

  /**
   * Sends a completion report ({@code POST /v1/completion}), retrying per the {@link RetryPolicy}.
   * Repeating a report is harmless: the server records each outcome once. Each exchange must end
   * within the {@linkplain Builder#requestTimeout request timeout}, as for {@link #check()}.
   *
   * @throws UpdateServerException if the server refused the report, for example {@code 422} for an
   *     unknown or expired request id
   * @throws IOException if the server could not be reached or did not answer in time (after
   *     retries)
   */
  public void report(CompletionReport report) throws IOException {
    byte[] body = codec.encodeCompletionReport(Objects.requireNonNull(report, "report == null"));
    retrier.run(
        "completion report",
        retrier.budget(),
        IOException.class,
        () -> postReport(body, requestTimeout),
        () ->
            new InterruptedIOException("interrupted while waiting to retry the completion report"));
  }

  private Void postReport(byte[] body, Duration limit) throws IOException {
    try (Exchange answer =
        transport.send("POST", completionUri, body, JSON_HEADERS, limit, limit)) {
      if (answer.refusal() != null || answer.status() < 200 || answer.status() > 299) {
        throw serverError(answer);
      }
      return null;
    }
  }

  /**
   * Runs the whole update flow without progress reports.
   *
   * @see #update(Path, Installer, DownloadListener)
   */
  public UpdateSummary update(Path directory, Installer installer) throws IOException {
    return update(directory, installer, progress -> true);
  }

  /**
   * Runs the whole update flow: checks, downloads and verifies every offer into {@code directory},
   * hands each verified file to {@code installer}, and reports every outcome in one completion
   * report.
   *
   * <p>A download failure is reported with its {@link DownloadException#reason()} ({@code bad
   * checksum} for a digest mismatch). An installer exception is reported as {@code install failed:
   * <message>}. An offer the client could not read is reported as {@code invalid offer: ...} when
   * its update type and version are readable (otherwise it is only logged). When a download is
   * cancelled, the remaining offers are reported as {@code cancelled}. A report that cannot be
   * delivered does not throw: see {@link UpdateSummary#reportFailure()}. Verified files stay in
   * {@code directory} unless the installer moves them; a later run finds them there and does not
   * download them again.
   *
   * <p>An unchecked exception thrown by the listener (or any other unchecked exception during a
   * download) ends the flow: that offer is reported as {@code download aborted: <message>}, the
   * remaining ones as {@code cancelled}, the report is sent, and then the exception is rethrown
   * (with a report delivery failure attached as suppressed).
   *
   * <p>When the thread is interrupted (the listener cancels by interrupting, or the installer
   * throws {@link InterruptedException}), the report is still sent, once, without retries and
   * within at most 5 seconds (or the request timeout, if shorter); the interrupt flag is set again
   * afterwards.
   *
   * @return one entry per reported update
   * @throws IOException if the check failed (see {@link #check()}); nothing was downloaded then
   * @throws ProtocolException if the server's answer to the check was malformed
   */
  public UpdateSummary update(Path directory, Installer installer, DownloadListener listener)
      throws IOException {
    Objects.requireNonNull(directory, "directory == null");
    Objects.requireNonNull(installer, "installer == null");
    Objects.requireNonNull(listener, "listener == null");
    CheckResult result = check();
    if (result.isEmpty()) {
      return new UpdateSummary(result.requestId(), List.of(), null);
    }
    CheckResult.ReportBuilder report = result.report();
    boolean cancelled = false;
    RuntimeException aborted = null;
    for (AvailableUpdate offer : result.offers()) {
      if (cancelled) {
        report.failed(offer, "cancelled");
        continue;
      }
      DownloadedUpdate downloaded;
      try {
        downloaded = download(offer, directory, listener);
      } catch (DownloadCancelledException e) {
        cancelled = true;
        report.failed(offer, e);
        continue;
      } catch (DownloadException e) {
        LOG.log(
            Level.WARNING,
            () ->
                "update "
                    + offer.updateType()
                    + " "
                    + offer.version()
                    + " not downloaded: "
                    + e.getMessage());
        report.failed(offer, e);
        continue;
      } catch (RuntimeException e) {
        // Reported before it propagates: the server should not wait in vain for this outcome.
        aborted = e;
        cancelled = true;
        report.failed(offer, "download aborted: " + Reasons.describe(e));
        continue;
      }
      try {
        installer.install(downloaded);
        report.succeeded(offer);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cancelled = true;
        report.failed(offer, "install interrupted");
      } catch (Exception e) {
        LOG.log(
            Level.WARNING,
            "installing " + offer.updateType() + " " + offer.version() + " failed",
            e);
        report.failed(offer, "install failed: " + Reasons.describe(e));
      }
    }
    boolean anyOutcome = !result.offers().isEmpty();
    for (RejectedOffer rejected : result.rejected()) {
      if (rejected.updateType() == null || rejected.version() == null) {
        LOG.log(
            Level.WARNING,
            () ->
                "invalid offer at index "
                    + rejected.index()
                    + " cannot be reported (no readable update_type and version): "
                    + rejected.errors());
      } else if (report.contains(rejected.updateType())) {
        LOG.log(
            Level.WARNING,
            () ->
                "invalid offer at index "
                    + rejected.index()
                    + " not reported, its update type has an outcome already: "
                    + rejected.errors());
      } else {
        report.failed(rejected);
        anyOutcome = true;
      }
    }
    if (!anyOutcome) {
      return new UpdateSummary(result.requestId(), List.of(), null);
    }
    CompletionReport completion = report.build();
    IOException failure = deliver(completion);
    if (aborted != null) {
      if (failure != null) {
        aborted.addSuppressed(failure);
      }
      throw aborted;
    }
    List<UpdateSummary.Entry> entries = new ArrayList<>();
    completion.updates().forEach((type, o) -> entries.add(entry(type, o)));
    return new UpdateSummary(result.requestId(), entries, failure);
  }

  /**
   * Sends the report of {@link #update}; returns why it could not be delivered, or null. An
   * interrupted thread gets one short attempt with the flag cleared, then the flag back.
   */
  private IOException deliver(CompletionReport completion) {
    boolean interrupted = Thread.interrupted();
    try {
      if (interrupted) {
        Duration limit =
            requestTimeout.compareTo(INTERRUPTED_REPORT_LIMIT) < 0
                ? requestTimeout
                : INTERRUPTED_REPORT_LIMIT;
        postReport(codec.encodeCompletionReport(completion), limit);
      } else {
        report(completion);
      }
      return null;
    } catch (IOException e) {
      LOG.log(
          Level.WARNING, "completion report for " + completion.requestId() + " not delivered", e);
      return e;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static UpdateSummary.Entry entry(String type, Outcome o) {
    return new UpdateSummary.Entry(type, o.version(), o.status(), o.reason());
  }

  private UpdateServerException serverError(Exchange answer) throws IOException {
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

  /**
   * Configures an {@link UpdateClient}. {@link #serverUri}, {@link #product} and {@link #version}
   * are required; everything else has a default. Each property may be set once; setting it again,
   * or combining {@link #httpClient} with the settings it would override, fails at once with an
   * {@link IllegalStateException} naming the properties. A value that is refused (null, or out of
   * range) leaves the property unset, so it can be set again with a valid value.
   */
  public static final class Builder {
    private final Set<String> setProperties = new HashSet<>();
    private URI serverUri;
    private String product;
    private String version;
    private String platform;
    private String locale;
    private String channel;
    private String arch;
    private String osVersion;
    private String installationId;
    private final Map<String, String> installed = new LinkedHashMap<>();
    private HttpClient httpClient;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private ProxySelector proxy;
    private Executor executor;
    private boolean allowInsecureHttp;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private long minimumSpeed = 1024;
    private Duration speedWindow = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    // ThreadLocalRandom per call keeps the default safe when one client serves several threads.
    private RandomGenerator random = () -> ThreadLocalRandom.current().nextLong();
    private LongSupplier ticker = System::nanoTime;
    private BodyReader.Poller poller = BodyReader.Poller.BLOCKING;
    private Downloader.Checkpoints checkpoints = Downloader.Checkpoints.NONE;

    private Builder() {}

    /**
     * Sets the update server's base URI; {@code v1/update} and {@code v1/completion} are resolved
     * against it (a missing trailing slash is added). Required. Must be {@code https}, or {@code
     * http} for a loopback host or with {@link #allowInsecureHttp}.
     */
    public Builder serverUri(URI serverUri) {
      notSet("serverUri");
      this.serverUri = Objects.requireNonNull(serverUri, "serverUri == null");
      return set("serverUri");
    }

    /** Sets the product name, for example {@code your_app}. Required. */
    public Builder product(String product) {
      notSet("product");
      this.product = Objects.requireNonNull(product, "product == null");
      return set("product");
    }

    /** Sets the installed application version, for example {@code 1.4.2}. Required. */
    public Builder version(String version) {
      notSet("version");
      this.version = Objects.requireNonNull(version, "version == null");
      return set("version");
    }

    /**
     * Sets the platform. By default it is derived from the {@code os.name} system property: {@code
     * macOS} for Mac OS X, macOS and Darwin, {@code Windows} for every Windows, {@code Linux} for
     * Linux, and the property's own text for anything else (for example {@code FreeBSD}).
     */
    public Builder platform(String platform) {
      notSet("platform");
      this.platform = Objects.requireNonNull(platform, "platform == null");
      return set("platform");
    }

    /**
     * Sets the locale, a BCP 47 tag such as {@code en-US}. By default {@code
     * Locale.getDefault().toLanguageTag()}.
     */
    public Builder locale(String locale) {
      notSet("locale");
      this.locale = Objects.requireNonNull(locale, "locale == null");
      return set("locale");
    }

    /** Sets the update channel; {@value UpdateRequest#DEFAULT_CHANNEL} by default. */
    public Builder channel(String channel) {
      notSet("channel");
      this.channel = Objects.requireNonNull(channel, "channel == null");
      return set("channel");
    }

    /** Sets the CPU architecture to send, for example {@code x86_64}; not sent by default. */
    public Builder arch(String arch) {
      notSet("arch");
      this.arch = Objects.requireNonNull(arch, "arch == null");
      return set("arch");
    }

    /** Sets the operating system version to send, for example {@code 14.2}; not sent by default. */
    public Builder osVersion(String osVersion) {
      notSet("osVersion");
      this.osVersion = Objects.requireNonNull(osVersion, "osVersion == null");
      return set("osVersion");
    }

    /**
     * Sets the installation id for staged rollouts, usually from {@link
     * InstallationId#loadOrCreate}. Without one the server offers only fully rolled-out releases.
     */
    public Builder installationId(String installationId) {
      notSet("installationId");
      this.installationId = Objects.requireNonNull(installationId, "installationId == null");
      return set("installationId");
    }

    /** Records that {@code version} of {@code updateType} is installed; the server offers newer. */
    public Builder installed(String updateType, String version) {
      Objects.requireNonNull(updateType, "updateType == null");
      Objects.requireNonNull(version, "version == null");
      if (installed.containsKey(updateType)) {
        throw new IllegalStateException(
            "installed(" + updateType + ") already set to " + installed.get(updateType));
      }
      installed.put(updateType, version);
      return this;
    }

    /**
     * Uses {@code httpClient} for every request instead of a client built from {@link
     * #connectTimeout}, {@link #proxy} and {@link #executor} (which then cannot be set). It must
     * not follow redirects ({@code HttpClient.Redirect.NEVER}, the JDK default): this client
     * follows them itself to check every hop.
     */
    public Builder httpClient(HttpClient httpClient) {
      notSet("httpClient");
      conflict("httpClient", "connectTimeout", "proxy", "executor");
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient == null");
      return set("httpClient");
    }

    /** Sets the TCP/TLS connect timeout; 10 seconds by default. */
    public Builder connectTimeout(Duration connectTimeout) {
      notSet("connectTimeout");
      conflict("connectTimeout", "httpClient");
      this.connectTimeout = positive("connectTimeout", connectTimeout);
      return set("connectTimeout");
    }

    /**
     * Sets how long a request may wait for the response headers, and how long a whole exchange with
     * the update server (a check or a completion report: request, headers and the complete body)
     * may take; 30 seconds by default. Downloads wait for headers this long, then for data as long
     * as the {@link #minimumSpeed} window (or this long when that rule is off).
     */
    public Builder requestTimeout(Duration requestTimeout) {
      notSet("requestTimeout");
      this.requestTimeout = positive("requestTimeout", requestTimeout);
      return set("requestTimeout");
    }

    /** Sets the proxy selector; by default {@link ProxySelector#getDefault()}. */
    public Builder proxy(ProxySelector proxy) {
      notSet("proxy");
      conflict("proxy", "httpClient");
      this.proxy = Objects.requireNonNull(proxy, "proxy == null");
      return set("proxy");
    }

    /**
     * Sets the executor of the HTTP client's asynchronous work; by default the HTTP client's own.
     * {@link UpdateClient#checkAsync()} does not use it: it runs each check on a new daemon
     * thread.
     */
    public Builder executor(Executor executor) {
      notSet("executor");
      conflict("executor", "httpClient");
      this.executor = Objects.requireNonNull(executor, "executor == null");
      return set("executor");
    }

    /**
     * Allows plain HTTP to any host, for the server and for downloads; off by default, when only
     * loopback hosts ({@code localhost}, 127.0.0.0/8, {@code ::1}) may use plain HTTP. Digests
     * still protect the downloaded bytes, but plain HTTP exposes the check and the report to anyone
     * on the network path. A redirect from HTTPS to plain HTTP stays refused.
     */
    public Builder allowInsecureHttp(boolean allowInsecureHttp) {
      notSet("allowInsecureHttp");
      this.allowInsecureHttp = allowInsecureHttp;
      return set("allowInsecureHttp");
    }

    /** Sets the retry policy of checks, reports and downloads; {@link RetryPolicy#defaults()}. */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      notSet("retryPolicy");
      this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy == null");
      return set("retryPolicy");
    }

    /**
     * Aborts a download that receives fewer than {@code bytesPerSecond} on average over a whole
     * {@code window}, or nothing at all for a {@code window}; the download is then retried per the
     * retry policy, resuming where it stopped. The default is 1024 bytes per second over 30
     * seconds; 0 bytes per second turns the rule off (reads then wait at most the {@link
     * #requestTimeout}).
     */
    public Builder minimumSpeed(long bytesPerSecond, Duration window) {
      notSet("minimumSpeed");
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException(
            "minimumSpeed bytesPerSecond must not be negative, got " + bytesPerSecond);
      }
      this.speedWindow = positive("minimumSpeed window", window);
      this.minimumSpeed = bytesPerSecond;
      return set("minimumSpeed");
    }

    /**
     * Sets the wall clock, which turns {@code Retry-After} dates into waits; for tests. Durations
     * (retry budgets, transfer rates, deadlines) are measured on a monotonic clock instead, so that
     * a step of the wall clock (a time sync, a user changing the date) neither aborts a healthy
     * transfer nor disables the minimum-speed rule. A {@link #sleeper} that does not really wait
     * still uses up the retry budget: the budget counts at least the waits asked of the sleeper.
     */
    public Builder clock(Clock clock) {
      notSet("clock");
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return set("clock");
    }

    /** Sets how the client waits between retries; {@link Sleeper#system()} by default. */
    public Builder sleeper(Sleeper sleeper) {
      notSet("sleeper");
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper == null");
      return set("sleeper");
    }

    /**
     * Sets the random source of the backoff jitter; for tests. It must be thread-safe if the client
     * is used from several threads.
     */
    public Builder random(RandomGenerator random) {
      notSet("random");
      this.random = Objects.requireNonNull(random, "random == null");
      return set("random");
    }

    /** A seam for tests: the monotonic clock, in nanoseconds; {@link System#nanoTime()}. */
    Builder ticker(LongSupplier ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker == null");
      return this;
    }

    /** A seam for tests: how response body reads wait for data. */
    Builder poller(BodyReader.Poller poller) {
      this.poller = Objects.requireNonNull(poller, "poller == null");
      return this;
    }

    /** A seam for tests: told at fixed points of every download. */
    Builder checkpoints(Downloader.Checkpoints checkpoints) {
      this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints == null");
      return this;
    }

    /**
     * Builds the client.
     *
     * @throws IllegalStateException if {@code serverUri}, {@code product} or {@code version} is
     *     missing
     * @throws IllegalArgumentException if a value is invalid (named with the protocol field), the
     *     server URI is refused by the HTTPS rule, or the HTTP client follows redirects
     */
    public UpdateClient build() {
      for (String required : new String[] {"serverUri", "product", "version"}) {
        if (!setProperties.contains(required)) {
          throw new IllegalStateException(required + " is required");
        }
      }
      URI base = base(serverUri);
      String refusal = HttpSecurity.refusal(base, allowInsecureHttp);
      if (refusal != null) {
        throw new IllegalArgumentException("serverUri: " + refusal);
      }
      UpdateRequest.Builder r =
          UpdateRequest.builder(
              product,
              version,
              platform != null ? platform : JvmDefaults.platform(System.getProperty("os.name")),
              locale != null ? locale : JvmDefaults.locale(Locale.getDefault()));
      if (channel != null) {
        r.channel(channel);
      }
      r.arch(arch).osVersion(osVersion).installationId(installationId);
      installed.forEach(r::installed);
      UpdateRequest request = r.build();
      HttpClient client = httpClient;
      if (client == null) {
        HttpClient.Builder hb =
            HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER);
        ProxySelector p = proxy != null ? proxy : ProxySelector.getDefault();
        if (p != null) {
          hb.proxy(p);
        }
        if (executor != null) {
          hb.executor(executor);
        }
        client = hb.build();
      } else if (client.followRedirects() != HttpClient.Redirect.NEVER) {
        throw new IllegalArgumentException(
            "httpClient follows redirects ("
                + client.followRedirects()
                + "); build it with"
                + " HttpClient.Redirect.NEVER: the update client follows redirects itself to"
                + " refuse HTTPS-to-HTTP downgrades");
      }
      return new UpdateClient(this, request, base, client);
    }

    private static URI base(URI uri) {
      String scheme = uri.getScheme();
      if (!uri.isAbsolute()
          || !("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(
            "serverUri must be an absolute https or http URI with a host, got " + uri);
      }
      if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "serverUri must not have a query or fragment, got " + uri);
      }
      String path = uri.getRawPath();
      return path != null && path.endsWith("/") ? uri : URI.create(uri + "/");
    }

    private void notSet(String property) {
      if (setProperties.contains(property)) {
        throw new IllegalStateException(property + " already set");
      }
    }

    /** Marks {@code property} as set; called only once its value passed validation. */
    private Builder set(String property) {
      setProperties.add(property);
      return this;
    }

    private void conflict(String property, String... others) {
      for (String other : others) {
        if (setProperties.contains(other)) {
          throw new IllegalStateException(
              property
                  + " conflicts with "
                  + other
                  + ": "
                  + (property.equals("httpClient") || other.equals("httpClient")
                      ? "configure timeouts, proxy and executor on the HttpClient you pass, or"
                          + " let the builder create the client"
                      : "set only one of them"));
        }
      }
    }

    private static Duration positive(String name, Duration value) {
      Objects.requireNonNull(value, name + " == null");
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive, got " + value);
      }
      return value;
    }
  }
}
