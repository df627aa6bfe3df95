package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.UpdateResponse;
import dev.appupdate.protocol.signature.Ed25519Keys;
import dev.appupdate.protocol.signature.TrustedKeys;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The appupdate client: asks the update server what is new, downloads and verifies the offers,
 * hands them to the application's installer and reports the outcome.
 *
 * <pre>{@code
 * UpdateRequest request =
 *     UpdateClient.jvmRequest("your_app", "1.4.2")
 *         .installationId(InstallationId.loadOrCreate(dataDir.resolve("installation-id")))
 *         .installed("blocklist", blocklistVersion)
 *         .build();
 * UpdateClient client =
 *     UpdateClient.builder()
 *         .serverUri(URI.create("https://updates.example.com/"))
 *         .request(request)
 *         .build();
 *
 * UpdateSummary summary = client.update(dataDir.resolve("downloads"), downloaded -> {
 *   Path target = dataDir.resolve(downloaded.offer().updateType());
 *   Files.move(downloaded.path(), target, StandardCopyOption.REPLACE_EXISTING);
 * });
 * }</pre>
 *
 * <p>{@link #update(Path, Installer)} is the whole flow in one call. The steps are available
 * separately: {@link #check()}, {@link #download(AvailableUpdate, Path, DownloadListener)} and
 * {@link #report(CompletionReport)}, with {@link CheckResult#report()} to build the report.
 *
 * <p>Every check sends the same {@link UpdateRequest}, set with {@link Builder#request}: build a
 * new client when it changes (new installed versions, say).
 *
 * <p>Security defaults: the server and every download URL must use HTTPS, except loopback hosts
 * ({@code localhost}, 127.0.0.0/8, {@code ::1}) and unless {@link Builder#allowInsecureHttp} says
 * otherwise; a redirect from HTTPS to plain HTTP is always refused; only sha256, sha384 and sha512
 * digests are accepted, and no byte reaches the final path before the digest matched. An offer
 * whose version is not newer than the installed version the request names for its update type is
 * refused (a rollback). Pinning keys removes the need to trust whoever answers at the server URL:
 * {@link Builder#trustedReleaseKeys(PublicKey...)} downloads only offers signed by a release key,
 * and {@link Builder#trustedServerKeys(PublicKey...)} accepts only answers the server signed for
 * this very check.
 *
 * <p>Instances are immutable and thread-safe (provided the injected clock, sleeper and random
 * source are). Check and download calls block; {@link #checkAsync()} runs a check on a thread of
 * its own.
 */
public final class UpdateClient {
  private final UpdateRequest request;
  private final OfferRules rules;
  private final ServerCalls calls;
  private final Downloader downloader;
  private final boolean pinned;

  private UpdateClient(Builder b, URI base, HttpClient httpClient) {
    this.request =
        b.patchApplier == null || !b.request.patchFormats().isEmpty()
            ? b.request
            : b.request.toBuilder().patchFormats(b.patchApplier.formats()).build();
    this.pinned = b.serverKeys != null;
    this.rules = OfferRules.of(request, b.releaseKeys);
    Transport transport =
        new Transport(httpClient, b.allowInsecureHttp, b.requestTimeout, b.ticker, b.poller);
    Retrier retrier = new Retrier(b.retryPolicy, b.ticker, b.sleeper, b.random);
    this.calls =
        new ServerCalls(base, transport, retrier, b.clock, b.requestTimeout, b.serverKeys);
    Duration idle = b.minimumSpeed > 0 ? b.speedWindow : b.requestTimeout;
    SpeedMeter.Rule speed = new SpeedMeter.Rule(b.ticker, b.minimumSpeed, b.speedWindow, idle);
    Patching patching =
        b.patchApplier == null ? null : new Patching(b.patchApplier, b.baseFiles);
    this.downloader =
        new Downloader(transport, retrier, b.clock, speed, b.checkpoints, patching);
  }

  /**
   * Returns a new builder.
   *
   * @return a builder with nothing set
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts an update request from this JVM's platform and locale, for {@link Builder#request}.
   *
   * <p>The platform is derived from the {@code os.name} system property: {@code macOS} for Mac OS
   * X, macOS and Darwin, {@code Windows} for every Windows, {@code Linux} for Linux, and the
   * property's own text for anything else (for example {@code FreeBSD}). The locale is the BCP 47
   * tag of {@link Locale#getDefault()} (its language alone, or {@code und}, when the protocol
   * refuses the whole tag). To send other values, start from {@link UpdateRequest#builder}.
   *
   * @param product the product asking, for example {@code your_app}
   * @param version the installed application version, for example {@code 1.4.2}
   * @return a builder of the request with its four required fields set; the optional ones (channel,
   *     installation id, installed versions, ...) are set on it. Values are validated when it builds
   */
  public static UpdateRequest.Builder jvmRequest(String product, String version) {
    return JvmDefaults.request(product, version);
  }

  /**
   * Returns the update request this client sends on every check.
   *
   * @return the request given to {@link Builder#request}, with the {@linkplain
   *     UpdateRequest#patchFormats() patch formats} of the {@linkplain Builder#patches patch
   *     applier} when one is set
   */
  public UpdateRequest request() {
    return request;
  }

  /**
   * Asks the server for updates ({@code POST /v1/update}), retrying per the {@link RetryPolicy}.
   * Each exchange must end within the {@linkplain Builder#requestTimeout request timeout}.
   *
   * @return the server's response; {@linkplain CheckResult#isEmpty() empty} (no request id) when
   *     the server answered {@code 204 No Content}. Invalid offers are returned in {@link
   *     CheckResult#rejected()}, and offers the client refuses (a missing or invalid release
   *     signature, a rollback) in {@link CheckResult#refused()}, instead of failing the check.
   * @throws UpdateServerException if the server answered with an error status (after retries for
   *     408, 429 and 5xx), carrying the status and the problem document; or, with {@linkplain
   *     Builder#trustedServerKeys(PublicKey...) trusted server keys}, if a {@code 200} or {@code
   *     204} answer carries no valid signature by one of them over this very request (never read
   *     as "no update")
   * @throws ProtocolException if a {@code 200} answer is not a valid update response document
   * @throws IOException if the server could not be reached or did not answer in time (after
   *     retries); {@link InterruptedIOException} if the thread was interrupted (the flag is set
   *     again)
   */
  public CheckResult check() throws IOException {
    return calls.check(request, rules);
  }

  /**
   * Returns the result {@link #check()} returns for {@code response}: its valid offers sorted by
   * this client's rules into {@link CheckResult#offers()} and {@link CheckResult#refused()} (no
   * valid signature by a trusted release key, or a rollback). For an answer to this client's
   * {@linkplain #request() request} that the application received over a connection of its own,
   * such as a diagnostic tool that shows the server's answer as it came. Response signatures are
   * not checked here: that is for whoever received the answer ({@code ResponseVerifier} of {@code
   * dev.appupdate.protocol.signature}). So a client with {@linkplain
   * Builder#trustedServerKeys(PublicKey...) trusted server keys} refuses: it accepts answers only
   * through {@link #check()}, which verifies their signatures; a tool that verifies an answer
   * itself sorts it with a client built without them.
   *
   * @param response a decoded answer to this client's request
   * @return the check result {@link #check()} would have returned for that answer
   * @throws IllegalStateException if this client has trusted server keys
   */
  public CheckResult resultOf(UpdateResponse response) {
    Objects.requireNonNull(response, "response == null");
    if (pinned) {
      throw new IllegalStateException(
          "resultOf does not verify response signatures, and this client pins server keys"
              + " (trustedServerKeys): a pinned client verifies answers only through check()."
              + " Verify the answer yourself (ResponseVerifier) and sort it with a client built"
              + " without trustedServerKeys");
    }
    return new CheckResult(response, rules);
  }

  /**
   * Runs {@link #check()} on a new daemon thread. The future fails with the exception {@code
   * check()} would throw. Cancelling the future does not stop a check already running.
   *
   * <p>The check never runs on the HTTP client's executor ({@link Builder#executor}): it blocks
   * while it waits for the answer, which that executor delivers, so a small executor would wait
   * for itself.
   *
   * @return the future result of the check
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
   * @param update an offer of a {@link CheckResult}
   * @param directory where the verified file is put; created if missing
   * @return the verified file
   * @throws DownloadException if the download failed; see {@link #download(AvailableUpdate, Path,
   *     DownloadListener)}
   */
  public DownloadedUpdate download(AvailableUpdate update, Path directory)
      throws DownloadException {
    return download(update, directory, progress -> true);
  }

  /**
   * Downloads {@code update} into {@code directory} (created if missing) and verifies it.
   *
   * <p>The bytes stream into a partial file in {@code directory} while they are hashed, each byte
   * once; memory use does not depend on the size, and reading stops as soon as more bytes arrive
   * than the offer's {@code size}. Only bytes whose size and digest match are forced to disk and
   * moved to the final path. One download of an update into a directory runs at a time, across
   * processes, and a broken transfer is resumed when the server allows it: {@link
   * DownloadedUpdate} describes the files in the directory.
   *
   * <p>Mirrors: each URL of {@link AvailableUpdate#urls()} (the {@code url}, then the mirrors) is
   * retried per the {@link RetryPolicy}, whose budget covers all URLs together. Other HTTP errors,
   * a refused URL or redirect, an encoded body or a verification failure move on to the next URL.
   *
   * <p>With {@linkplain Builder#trustedReleaseKeys(PublicKey...) trusted release keys}, an offer
   * without a valid signature by one of them is refused before anything is fetched or written, even
   * a file already at the final path.
   *
   * @param update an offer of a {@link CheckResult}
   * @param directory where the verified file is put; created if missing
   * @param listener told of the progress; returning false cancels
   * @return the verified file
   * @throws BadSignatureException if release keys are trusted and none of them validly signed the
   *     offer; nothing was downloaded and {@code directory} was not touched
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
    rules.requireSignature(update);
    return downloader.download(update, directory, listener);
  }

  /**
   * Sends a completion report ({@code POST /v1/completion}), retrying per the {@link RetryPolicy}.
   * Repeating a report is harmless: the server records each outcome once. Each exchange must end
   * within the {@linkplain Builder#requestTimeout request timeout}.
   *
   * @param report the report, usually from {@link CheckResult#report()}
   * @throws UpdateServerException if the server refused the report, for example {@code 422} for an
   *     unknown or expired request id
   * @throws IOException if the server could not be reached or did not answer in time (after
   *     retries)
   */
  public void report(CompletionReport report) throws IOException {
    calls.report(Objects.requireNonNull(report, "report == null"));
  }

  /** The server calls, for {@link AppLayout}'s report delivery. */
  ServerCalls calls() {
    return calls;
  }

  /**
   * Runs the whole update flow without progress reports.
   *
   * @param directory where the offers are downloaded to
   * @param installer puts each verified update into use
   * @return one entry per reported update
   * @throws IOException if the check failed; see {@link #update(Path, Installer,
   *     DownloadListener)}
   */
  public UpdateSummary update(Path directory, Installer installer) throws IOException {
    return update(directory, installer, progress -> true);
  }

  /**
   * Runs the whole update flow: checks, downloads and verifies every offer into {@code directory},
   * hands each verified file to {@code installer}, and reports every outcome in one completion
   * report. Offers the client refuses ({@link CheckResult#refused()}: no valid signature by a
   * trusted release key, or a rollback) are reported failed and never downloaded.
   *
   * <p>{@link UpdateSummary} lists how each outcome is reported. A report that cannot be delivered
   * does not throw: see {@link UpdateSummary#reportFailure()}. Verified files stay in {@code
   * directory} unless the installer moves them; a later run finds them there and does not download
   * them again.
   *
   * <p>An unchecked exception during a download (thrown by the listener, say) ends the flow; it is
   * rethrown once the report was sent (with a delivery failure attached as suppressed). When the
   * thread is interrupted (the listener cancels by interrupting, or the installer throws {@link
   * InterruptedException}), the report is still sent, once, without retries and within at most 5
   * seconds (or the request timeout, if shorter); the interrupt flag is set again afterwards.
   *
   * @param directory where the offers are downloaded to; created if missing
   * @param installer puts each verified update into use
   * @param listener told of the progress of each download; returning false cancels it and the
   *     remaining ones
   * @return one entry per reported update
   * @throws IOException if the check failed (see {@link #check()}); nothing was downloaded then
   * @throws ProtocolException if the server's answer to the check was malformed
   */
  public UpdateSummary update(Path directory, Installer installer, DownloadListener listener)
      throws IOException {
    Objects.requireNonNull(directory, "directory == null");
    Objects.requireNonNull(installer, "installer == null");
    Objects.requireNonNull(listener, "listener == null");
    return new UpdateFlow(calls, downloader, rules).run(request, directory, installer, listener);
  }

  /**
   * Configures an {@link UpdateClient}. {@link #serverUri} and {@link #request} are required;
   * everything else has a default. Each property may be set once; setting it again, or combining
   * {@link #httpClient} with the settings it would override, fails at once with an {@link
   * IllegalStateException} naming the properties. A value that is refused (null, or out of range)
   * leaves the property unset, so it can be set again with a valid value.
   */
  public static final class Builder {
    private final Set<String> setProperties = new HashSet<>();
    private URI serverUri;
    private UpdateRequest request;
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
    private TrustedKeys releaseKeys;
    private TrustedKeys serverKeys;
    private PatchApplier patchApplier;
    private Function<String, Path> baseFiles;

    private Builder() {}

    /**
     * Makes the client ask for patches and rebuild updates from them: the request lists the
     * applier's {@linkplain PatchApplier#formats() formats} as {@code patch_formats}, and an offer
     * that carries a patch is rebuilt from the installed version when the base file is found (see
     * {@link #baseFiles}) and has the digest the offer gives for it. The rebuilt file is verified
     * against the offer's own size and digest before it reaches the final path or the installer;
     * when anything fails (no base, a base that differs, a patch that does not download, does not
     * apply or rebuilds other bytes), the full file is downloaded in the same call, and the
     * completion report notes why. The listener sees the patch's bytes. Off by default. The
     * {@code zstd} applier is in the separate {@code client-patch} artifact.
     *
     * @param applier the applier, for example {@code ZstdPatches.applier()}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder patches(PatchApplier applier) {
      Objects.requireNonNull(applier, "applier == null");
      if (applier.formats().isEmpty()) {
        throw new IllegalArgumentException("applier lists no patch formats");
      }
      this.patchApplier = once("patches", applier);
      return this;
    }

    /**
     * Tells the client where the installed file of each update type is, the base a patch applies
     * to; it is read, never changed. When it returns null or a path that is no regular file, or
     * throws, the client looks in the download directory for the verified file of the patch's
     * {@code from} version that an earlier {@link UpdateClient#update} or {@link
     * UpdateClient#download} left there; that is also what happens without a resolver. Either way the base is used only when
     * its digest is the one the offer gives. Requires {@link #patches}.
     *
     * @param baseFiles update type to the installed file, or null when unknown
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder baseFiles(Function<String, Path> baseFiles) {
      Objects.requireNonNull(baseFiles, "baseFiles == null");
      this.baseFiles = once("baseFiles", baseFiles);
      return this;
    }

    /**
     * Sets the update server's base URI; {@code v1/update} and {@code v1/completion} are resolved
     * against it (a missing trailing slash is added). Required. Must be {@code https}, or {@code
     * http} for a loopback host or with {@link #allowInsecureHttp}.
     *
     * @param serverUri for example {@code https://updates.example.com/}
     * @return this builder
     */
    public Builder serverUri(URI serverUri) {
      this.serverUri = once("serverUri", Objects.requireNonNull(serverUri, "serverUri == null"));
      return this;
    }

    /**
     * Sets the update request sent on every check: product, version, platform, locale and every
     * optional field (channel, installation id, installed versions, ...). Required. Start from
     * {@link UpdateClient#jvmRequest} for the platform and locale of this JVM, or from {@link
     * UpdateRequest#builder} to choose them.
     *
     * @param request the request
     * @return this builder
     */
    public Builder request(UpdateRequest request) {
      this.request = once("request", Objects.requireNonNull(request, "request == null"));
      return this;
    }

    /**
     * Uses {@code httpClient} for every request instead of a client built from {@link
     * #connectTimeout}, {@link #proxy} and {@link #executor} (which then cannot be set). It must
     * not follow redirects ({@code HttpClient.Redirect.NEVER}, the JDK default): this client
     * follows them itself to check every hop.
     *
     * @param httpClient the client to send every request with
     * @return this builder
     * @throws IllegalStateException if it was already set, or conflicts with a setting made
     */
    public Builder httpClient(HttpClient httpClient) {
      Objects.requireNonNull(httpClient, "httpClient == null");
      this.httpClient = once("httpClient", httpClient, "connectTimeout", "proxy", "executor");
      return this;
    }

    /**
     * Sets the TCP/TLS connect timeout; 10 seconds by default.
     *
     * @param connectTimeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     * @throws IllegalStateException if it was already set, or an {@link #httpClient} was
     */
    public Builder connectTimeout(Duration connectTimeout) {
      positive("connectTimeout", connectTimeout);
      this.connectTimeout = once("connectTimeout", connectTimeout, "httpClient");
      return this;
    }

    /**
     * Sets how long a request may wait for the response headers, and how long a whole exchange with
     * the update server (a check or a completion report: request, headers and the complete body)
     * may take; 30 seconds by default. Downloads wait for headers this long, then for data as long
     * as the {@link #minimumSpeed} window (or this long when that rule is off).
     *
     * @param requestTimeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = once("requestTimeout", positive("requestTimeout", requestTimeout));
      return this;
    }

    /**
     * Sets the proxy selector; by default {@link ProxySelector#getDefault()}.
     *
     * @param proxy the proxy selector
     * @return this builder
     * @throws IllegalStateException if it was already set, or an {@link #httpClient} was
     */
    public Builder proxy(ProxySelector proxy) {
      this.proxy = once("proxy", Objects.requireNonNull(proxy, "proxy == null"), "httpClient");
      return this;
    }

    /**
     * Sets the executor of the HTTP client's asynchronous work; by default the HTTP client's own
     * ({@link UpdateClient#checkAsync()} does not use it).
     *
     * @param executor the executor
     * @return this builder
     * @throws IllegalStateException if it was already set, or an {@link #httpClient} was
     */
    public Builder executor(Executor executor) {
      Objects.requireNonNull(executor, "executor == null");
      this.executor = once("executor", executor, "httpClient");
      return this;
    }

    /**
     * Allows plain HTTP to any host, for the server and for downloads; off by default, when only
     * loopback hosts may use it. Digests still protect the downloaded bytes, but plain HTTP exposes
     * the check and the report on the network. A redirect from HTTPS to HTTP stays refused.
     *
     * @param allowInsecureHttp true to allow plain HTTP to any host
     * @return this builder
     */
    public Builder allowInsecureHttp(boolean allowInsecureHttp) {
      this.allowInsecureHttp = once("allowInsecureHttp", allowInsecureHttp);
      return this;
    }

    /**
     * Sets the retry policy of checks, reports and downloads; {@link RetryPolicy#defaults()}.
     *
     * @param retryPolicy the policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy retryPolicy) {
      Objects.requireNonNull(retryPolicy, "retryPolicy == null");
      this.retryPolicy = once("retryPolicy", retryPolicy);
      return this;
    }

    /**
     * Aborts a download that receives fewer than {@code bytesPerSecond} on average over a whole
     * {@code window}, or nothing at all for a {@code window}; the download is then retried per the
     * retry policy, resuming where it stopped. The default is 1024 bytes per second over 30
     * seconds; 0 bytes per second turns the rule off (reads then wait at most the {@link
     * #requestTimeout}).
     *
     * @param bytesPerSecond the minimum average rate; 0 turns the rule off
     * @param window the positive duration over which the rate is measured
     * @return this builder
     * @throws IllegalArgumentException if the rate is negative or the window not positive
     */
    public Builder minimumSpeed(long bytesPerSecond, Duration window) {
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException(
            "minimumSpeed bytesPerSecond must not be negative, got " + bytesPerSecond);
      }
      positive("minimumSpeed window", window);
      this.minimumSpeed = once("minimumSpeed", bytesPerSecond);
      this.speedWindow = window;
      return this;
    }

    /**
     * Sets the wall clock, which turns {@code Retry-After} dates into waits; for tests. Durations
     * (retry budgets, transfer rates, deadlines) are measured on a monotonic clock, so that a step
     * of the wall clock neither aborts a healthy transfer nor disables the minimum-speed rule.
     *
     * @param clock the wall clock; {@link Clock#systemUTC()} by default
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = once("clock", Objects.requireNonNull(clock, "clock == null"));
      return this;
    }

    /**
     * Sets how the client waits between retries; {@link Sleeper#system()} by default.
     *
     * @param sleeper the sleeper
     * @return this builder
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = once("sleeper", Objects.requireNonNull(sleeper, "sleeper == null"));
      return this;
    }

    /**
     * Sets the random source of the backoff jitter; for tests. It must be thread-safe if the client
     * is used from several threads.
     *
     * @param random the random source
     * @return this builder
     */
    public Builder random(RandomGenerator random) {
      this.random = once("random", Objects.requireNonNull(random, "random == null"));
      return this;
    }

    /**
     * Downloads only offers signed by one of these release keys (docs/PROTOCOL.md, "Release
     * signatures"). An offer without a valid signature by one of them (not signed, signed only by
     * other keys, or a signature that does not verify over the product, update type, version,
     * digest and size) is not downloaded at all: {@link CheckResult#refused()} lists it, {@link
     * #download} throws {@link BadSignatureException} for it, and {@link UpdateClient#update}
     * reports it failed with the code {@code bad_signature}; the other offers are unaffected. Give
     * both the old and the new key while releases change over from one to the other. Not set by
     * default: then signatures are ignored.
     *
     * @param keys the Ed25519 public keys of the release keys to trust, at least one, for example
     *     from {@link Ed25519Keys#readPublicKey(Path)}
     * @return this builder
     * @throws IllegalArgumentException if there is no key, or one is not an Ed25519 key
     * @throws IllegalStateException if trusted release keys were already set
     */
    public Builder trustedReleaseKeys(PublicKey... keys) {
      this.releaseKeys = once("trustedReleaseKeys", trusted("trustedReleaseKeys", keys));
      return this;
    }

    /**
     * Downloads only offers signed by one of these release keys, given as the text of their public
     * key files: see {@link #trustedReleaseKeys(PublicKey...)}.
     *
     * @param pem the SubjectPublicKeyInfo PEM of each key ({@code -----BEGIN PUBLIC KEY-----}), as
     *     {@code appupdate keygen} writes it; at least one
     * @return this builder
     * @throws IllegalArgumentException if there is no key, or a text is not the PEM of an Ed25519
     *     public key
     * @throws IllegalStateException if trusted release keys were already set
     */
    public Builder trustedReleaseKeys(String... pem) {
      return trustedReleaseKeys(parse("trustedReleaseKeys", pem));
    }

    /**
     * Downloads only offers signed by one of these release keys, read from their public key files:
     * see {@link #trustedReleaseKeys(PublicKey...)}.
     *
     * @param files SubjectPublicKeyInfo PEM files, as {@code appupdate keygen --public} writes
     *     them; at least one
     * @return this builder
     * @throws IOException if a file cannot be read or holds no Ed25519 public key, naming the file
     * @throws IllegalArgumentException if there is no file
     * @throws IllegalStateException if trusted release keys were already set
     */
    public Builder trustedReleaseKeys(Path... files) throws IOException {
      return trustedReleaseKeys(read(files));
    }

    /**
     * Accepts answers to update checks only when one of these server keys signed them
     * (docs/PROTOCOL.md, "Response signatures"). Every check then sends {@code Accept-Signature}
     * with a fresh random nonce and the key ids, and the {@code Content-Digest} of its body; a
     * {@code 200} or {@code 204} answer that is unsigned, signed only by other keys, or signed
     * over another nonce, body or request fails the check with an {@link UpdateServerException}
     * (never "no update"), and nothing is downloaded. One valid signature by a trusted key
     * suffices, so give both the old and the new key while the server changes over. The server
     * must sign for the URL this client posts to ({@link #serverUri} plus {@code v1/update}): its
     * public URL. Completion reports are not signed. Not set by default: then answers are taken
     * as they come.
     *
     * @param keys the Ed25519 public keys of the server's response keys, at least one
     * @return this builder
     * @throws IllegalArgumentException if there is no key, more than 16, or one is not an Ed25519
     *     key
     * @throws IllegalStateException if trusted server keys were already set
     */
    public Builder trustedServerKeys(PublicKey... keys) {
      TrustedKeys trusted = trusted("trustedServerKeys", keys);
      // Accept-Signature names every key, and the protocol bounds its members.
      if (trusted.keyIds().size() > MAX_SERVER_KEYS) {
        throw new IllegalArgumentException(
            "trustedServerKeys: at most "
                + MAX_SERVER_KEYS
                + " keys, got "
                + trusted.keyIds().size());
      }
      this.serverKeys = once("trustedServerKeys", trusted);
      return this;
    }

    /**
     * Accepts answers to update checks only when one of these server keys signed them, given as
     * the text of their public key files: see {@link #trustedServerKeys(PublicKey...)}.
     *
     * @param pem the SubjectPublicKeyInfo PEM of each key ({@code -----BEGIN PUBLIC KEY-----}); at
     *     least one
     * @return this builder
     * @throws IllegalArgumentException if there is no key, or a text is not the PEM of an Ed25519
     *     public key
     * @throws IllegalStateException if trusted server keys were already set
     */
    public Builder trustedServerKeys(String... pem) {
      return trustedServerKeys(parse("trustedServerKeys", pem));
    }

    /**
     * Accepts answers to update checks only when one of these server keys signed them, read from
     * their public key files: see {@link #trustedServerKeys(PublicKey...)}.
     *
     * @param files SubjectPublicKeyInfo PEM files; at least one
     * @return this builder
     * @throws IOException if a file cannot be read or holds no Ed25519 public key, naming the file
     * @throws IllegalArgumentException if there is no file
     * @throws IllegalStateException if trusted server keys were already set
     */
    public Builder trustedServerKeys(Path... files) throws IOException {
      return trustedServerKeys(read(files));
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
     * @return the client
     * @throws IllegalStateException if {@code serverUri} or {@code request} is missing
     * @throws IllegalArgumentException if the server URI is invalid or refused by the HTTPS rule,
     *     or the HTTP client follows redirects
     */
    public UpdateClient build() {
      for (String required : new String[] {"serverUri", "request"}) {
        if (!setProperties.contains(required)) {
          throw new IllegalStateException(required + " is required");
        }
      }
      if (baseFiles != null && patchApplier == null) {
        throw new IllegalStateException("baseFiles requires patches");
      }
      if (!request.patchFormats().isEmpty()
          && (patchApplier == null
              || !patchApplier.formats().containsAll(request.patchFormats()))) {
        throw new IllegalStateException(
            "request lists patch_formats "
                + request.patchFormats()
                + " that no patch applier (patches) applies");
      }
      URI base = ServerCalls.base(serverUri);
      String refusal = HttpSecurity.refusal(base, allowInsecureHttp);
      if (refusal != null) {
        throw new IllegalArgumentException("serverUri: " + refusal);
      }
      HttpClient client =
          httpClient == null
              ? Transport.newHttpClient(connectTimeout, proxy, executor)
              : Transport.requireNoRedirects(httpClient);
      return new UpdateClient(this, base, client);
    }

    /** Marks {@code property} set, once its value passed validation, and returns the value. */
    private <T> T once(String property, T value, String... conflicting) {
      if (setProperties.contains(property)) {
        throw new IllegalStateException(property + " already set");
      }
      for (String other : conflicting) {
        if (setProperties.contains(other)) {
          throw new IllegalStateException(
              property + " conflicts with " + other + ": configure timeouts, proxy and executor"
                  + " on the HttpClient you pass, or let the builder create the client");
        }
      }
      setProperties.add(property);
      return value;
    }

    /** The most key ids one {@code Accept-Signature} may name. */
    private static final int MAX_SERVER_KEYS = 16;

    private static TrustedKeys trusted(String property, PublicKey[] keys) {
      Objects.requireNonNull(keys, property + " == null");
      try {
        return TrustedKeys.of(keys);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
      }
    }

    private static PublicKey[] parse(String property, String[] pem) {
      Objects.requireNonNull(pem, property + " == null");
      PublicKey[] keys = new PublicKey[pem.length];
      for (int i = 0; i < pem.length; i++) {
        Objects.requireNonNull(pem[i], property + ": pem[" + i + "] == null");
        try {
          keys[i] = Ed25519Keys.parsePublicKey(pem[i]);
        } catch (IllegalArgumentException e) {
          String hint =
              pem[i].contains("-----BEGIN") ? "" : " (to read a key file, pass its Path)";
          throw new IllegalArgumentException(
              property + ": pem[" + i + "]: " + e.getMessage() + hint, e);
        }
      }
      return keys;
    }

    private static PublicKey[] read(Path[] files) throws IOException {
      Objects.requireNonNull(files, "files == null");
      PublicKey[] keys = new PublicKey[files.length];
      for (int i = 0; i < files.length; i++) {
        keys[i] = Ed25519Keys.readPublicKey(Objects.requireNonNull(files[i], "a file is null"));
      }
      return keys;
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
