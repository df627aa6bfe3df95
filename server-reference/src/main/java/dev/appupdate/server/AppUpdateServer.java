package dev.appupdate.server;

import dev.appupdate.protocol.catalog.CatalogException;
import dev.appupdate.protocol.requestid.RequestIds;
import dev.appupdate.protocol.signature.TrustedKeys;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The appupdate reference server: protocol v1 on the JDK's built-in HTTP server.
 *
 * <pre>{@code
 * AppUpdateServer server = AppUpdateServer.builder()
 *     .port(0)                                   // any free port
 *     .dataDir(Path.of("appupdate-data"))        // completion log, request-id key, lock
 *     .catalog(Path.of("catalog.json"))          // absent: the embedded demo catalog
 *     .build();
 * server.start();                                // CatalogException lists every problem
 * URI base = server.baseUrl();                   // http://127.0.0.1:PORT
 * ...
 * boolean flushed = server.stop(Duration.ofSeconds(10)); // drain in-flight requests, then close
 * }</pre>
 *
 * <p>Routes: {@code POST /v1/update}, {@code POST /v1/completion}, {@code POST /v1/explain} (why
 * each release of the requested product was or was not offered, for the body of an update check),
 * {@code GET|HEAD /files/...} and {@code GET|HEAD /healthz}. Every 4xx and 5xx answer is an {@code
 * application/problem+json} document, except for requests the JDK server itself refuses before they
 * reach the server (an unparsable request line or headers). Completions are appended to {@code
 * completions.jsonl} in the data directory and forced to disk before the 204; the server rotates
 * that file daily and deletes rotated files past {@link Builder#completionRetention}, and refuses
 * completions (503) at {@link Builder#maxCompletionLogBytes}, {@link Builder#maxCompletionKeys}
 * or under {@link Builder#minFreeSpace}, which {@code /healthz} reports; request ids are HMAC
 * tokens under the key {@code request-id.key} in the data directory (or the file {@link
 * Builder#keyFile} names, which replicas share), created on first start. A server holds an
 * exclusive lock on its data directory while it runs: a second server on the same directory, in
 * this process or another, fails to start. Neither the data directory nor the key file may lie in
 * the files directory, which would serve them.
 *
 * <p><b>Admin listener.</b> With {@link Builder#adminPort} the server also listens for operators:
 * {@code GET /admin/v1/stats} (completion statistics per release), {@code POST
 * /admin/v1/releases/{product}/{update_type}/{version}/halt} and {@code .../resume}, and {@code GET
 * /metrics} (Prometheus text), each with the bearer token of {@link Builder#adminTokenFile}. A
 * release whose catalog entry declares a {@code halt} threshold is withheld, as if paused, once
 * its completion reports pass it; halts are kept in the data directory and survive restarts
 * (docs/OPERATIONS.md).
 *
 * <p>The catalog file is watched while the server runs: a valid change is served from the next
 * request on, all at once; an invalid one is logged with every problem and shown by {@code
 * /healthz}, and the catalog loaded before keeps serving. Relative release URLs resolve against
 * {@link #publicUrl()}.
 *
 * <p><b>Signatures.</b> With {@link Builder#responseKeys} the server signs its {@code 200} and
 * {@code 204} answers to update checks that ask for a signature (docs/PROTOCOL.md, "Response
 * signatures"), over {@link #publicUrl()} plus {@code v1/update} as the request's URL: behind a
 * reverse proxy, set {@link Builder#publicUrl} to the URL clients use. With {@link
 * Builder#trustedReleaseKeys} it serves only catalogs whose every release a trusted key signed.
 *
 * <p><b>JVM-wide settings.</b> The JDK server reads its timeouts and limits from system properties
 * once, when the first HTTP server of the JVM is created. They belong to the whole application, so
 * this class never sets them; the command line does, unless they are given with {@code -D}. An
 * application that embeds the server should set them as well, on its command line or before it
 * creates any HTTP server: {@code sun.net.httpserver.nodelay=true} (small answers would otherwise
 * wait for delayed ACKs), {@code sun.net.httpserver.drainAmount=0} (a connection whose request body
 * is refused unread, as with a 413, is closed at once instead of a worker waiting for up to 64 KiB
 * of it), {@code sun.net.httpserver.maxReqTime=30} (seconds to send a whole request, body included;
 * without it a slow client holds a worker for as long as it likes), {@code
 * sun.net.httpserver.maxRspTime=600} (seconds for a client to take a whole response), {@code
 * sun.net.httpserver.idleInterval=10} (seconds a kept-alive connection may stay silent; a new one
 * that sends nothing gets the lesser of this and {@code maxReqTime}, so idle sockets free their
 * place in the connection limit soon), {@code sun.net.httpserver.maxIdleConnections=200} (kept-alive
 * connections beyond it are closed after their answer), {@code sun.net.httpserver.clockTick=1000}
 * (milliseconds between checks for idle connections), {@code sun.net.httpserver.maxReqHeaders=100},
 * {@code sun.net.httpserver.maxReqHeaderSize=32768} and {@code jdk.httpserver.maxConnections=4096}
 * (bounds on what one request or all clients together may hold; a connection over the limit is
 * closed as soon as it is accepted, so keep the process's file limit above it).
 *
 * <p><b>Slow and abusive clients.</b> On top of those, the server ends a request whose line and
 * headers take more than 10 seconds, a body that arrives slower than 1 KiB/s (measured over each 5
 * seconds) and a {@code /files} answer that the client takes slower than 1 KiB/s (over each 20
 * seconds). Exchanges run on virtual threads on JDK 24 and newer (earlier ones pin a carrier
 * thread for each client blocked in the JDK server's synchronized streams), else on a pool
 * of 512 threads, so that slow clients hold cheap threads. Completion reports are limited per
 * client address ({@link Builder#completionRateLimit}), update checks when configured ({@link
 * Builder#checkRateLimit}); refusals are {@code 429} with {@code Retry-After}. What a reverse proxy
 * in front must still do is in docs/DEPLOYMENT.md. The server logs through {@link
 * System.Logger}: {@code dev.appupdate.server}, and one line per request on {@code
 * dev.appupdate.server.access}.
 */
public final class AppUpdateServer implements AutoCloseable {
  /** The request body limit unless {@link Builder#bodyLimit} says otherwise: 64 KiB. */
  public static final int DEFAULT_BODY_LIMIT = 64 * 1024;

  /** How long request ids stay valid unless {@link Builder#retention} says otherwise. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

  /** The port unless {@link Builder#port} says otherwise. */
  public static final int DEFAULT_PORT = 8000;

  private static final Duration CLOSE_DRAIN = Duration.ofSeconds(10);

  /** The smallest byte cap of the completion log: one report always fits. */
  private static final long MIN_COMPLETION_LOG_BYTES = 64 * 1024;

  private enum State {
    NEW,
    RUNNING,
    STOPPED
  }

  private final ServerConfig config;

  /** Held by a stop from start to end, so that a second stop returns once the first is done. */
  private final Object stopping = new Object();

  private State state = State.NEW;
  private RunningServer running;
  private boolean flushed = true;

  private AppUpdateServer(ServerConfig config) {
    this.config = config;
  }

  /**
   * Returns a builder; only {@link Builder#dataDir} is required.
   *
   * @return a builder with every setting at its default
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads the catalog, opens the data directory and starts accepting connections. A start that
   * fails closes whatever it opened: the port and the data directory are free again.
   *
   * @throws CatalogException if the catalog is invalid, listing every problem, or, with {@link
   *     Builder#trustedReleaseKeys}, has a release that no trusted key validly signed
   * @throws IOException if the catalog file cannot be read, a response key file cannot be read, is
   *     accessible to group or others or owned by another user, holds no Ed25519 private key, the
   *     same key as another or a trusted release key, or lies in the files directory, the port cannot be bound, the data
   *     directory cannot be created or is in use by another server, the data directory or the key
   *     file lies in the files directory, the request-id key is corrupt or missing next to a
   *     completion log that holds completions, the completion log cannot be opened (or the
   *     database, when completions go to PostgreSQL, cannot be reached or migrated), or the files
   *     directory does not exist; the message says which
   * @throws IllegalStateException if the server was started before
   */
  public synchronized void start() throws IOException {
    if (state != State.NEW) {
      throw new IllegalStateException("server already started");
    }
    running = RunningServer.start(config);
    state = State.RUNNING;
  }

  /**
   * Returns the port the server listens on: the real one when port 0 was asked.
   *
   * @return the local port of the listening socket
   * @throws IllegalStateException if the server was never started
   */
  public synchronized int port() {
    return started().port();
  }

  /**
   * Returns {@code http://HOST:PORT} of the listening socket, for example for tests.
   *
   * @return the URL of the listening socket, without a trailing slash
   * @throws IllegalStateException if the server was never started
   */
  public synchronized URI baseUrl() {
    return URI.create("http://" + config.hostLiteral() + ":" + port());
  }

  /**
   * Returns the base URL that relative catalog URLs resolve against: the configured one, or {@code
   * http://HOST:PORT/} of the listening socket.
   *
   * @return the public base URL; it always ends with {@code /}
   * @throws IllegalStateException if the server was never started
   */
  public synchronized URI publicUrl() {
    return started().publicUrl();
  }

  /**
   * Returns the admin listener's URL, {@code http://HOST:PORT} (https with TLS).
   *
   * @return the URL of the admin listener, without a trailing slash
   * @throws IllegalStateException if the server was never started or has no admin listener
   */
  public synchronized URI adminUrl() {
    RunningServer r = started();
    if (r.admin() == null) {
      throw new IllegalStateException("the admin listener is off");
    }
    return URI.create(
        (config.admin().tlsKeyStore() == null ? "http" : "https")
            + "://"
            + ServerConfig.literal(config.admin().bind())
            + ":"
            + r.admin().port());
  }

  private synchronized RunningServer started() {
    if (running == null) {
      throw new IllegalStateException("server not started");
    }
    return running;
  }

  /**
   * Stops gracefully: from now on every new request is answered 503; requests in flight, including
   * those accepted and still waiting for a worker, get up to {@code drain} to finish; then the
   * listener and all connections are closed, the completion log is flushed and closed, and the data
   * directory is unlocked. Does nothing if never started; a second stop waits for the first one to
   * finish and returns its answer.
   *
   * @param drain how long requests in flight may take to finish before their connections are closed
   * @return true when every completion the server acknowledged is durably on disk; false when the
   *     completion log could not be flushed or closed (the reason is logged): completions
   *     acknowledged before may be lost
   */
  public boolean stop(Duration drain) {
    Objects.requireNonNull(drain, "drain == null");
    synchronized (stopping) {
      RunningServer r;
      synchronized (this) {
        State was = state;
        state = State.STOPPED;
        if (was != State.RUNNING) {
          return flushed;
        }
        r = running;
      }
      flushed = r.stop(drain);
      return flushed;
    }
  }

  /** Stops with up to 10 seconds for requests in flight; see {@link #stop(Duration)}. */
  @Override
  public void close() {
    stop(CLOSE_DRAIN);
  }

  CatalogHolder catalog() {
    return started().catalog();
  }

  CompletionStore completions() {
    return started().completions();
  }

  Halts halts() {
    return started().halts();
  }

  Metrics metrics() {
    return started().metrics();
  }

  RequestIds requestIds() {
    return started().requestIds();
  }

  Router router() {
    return started().router();
  }

  /**
   * Loads the catalog file again now, as a change to it would: serves it if valid, otherwise keeps
   * the current catalog and records why for {@code /healthz} (and the log), unless the file holds
   * the very bytes rejected last time, which were reported then.
   *
   * @return whether the file's catalog is now served
   * @throws IllegalStateException if the server is not running or serves the embedded demo catalog
   */
  boolean reloadNow() {
    return reloader().reload();
  }

  /** Like {@link #reloadNow()}, but only if the file changed: the periodic check. */
  boolean reloadIfChanged() {
    return reloader().reloadIfChanged();
  }

  private synchronized CatalogReloader reloader() {
    if (state != State.RUNNING) {
      throw new IllegalStateException("server not running");
    }
    return running
        .reloader()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no catalog file to reload: serving the " + CatalogFile.DEMO));
  }

  /**
   * Configures an {@link AppUpdateServer}. Each setting may be given once; a repeated one is
   * refused with {@link IllegalStateException}.
   */
  public static final class Builder {
    private Integer port;
    private InetAddress bind;
    private URI publicUrl;
    private Path filesDir;
    private Path dataDir;
    private Path keyFile;
    private List<Path> responseKeyFiles;
    private TrustedKeys trustedReleaseKeys;
    private Integer maxCompletionKeys;
    private JsonlCompletionStore.Disk disk;
    private Long maxCompletionLogBytes;
    private Long minFreeSpace;
    private Duration completionRetention;
    private PostgresCompletionStore.Settings database;
    private CatalogWatcher.Timing watchTiming;
    private Integer bodyLimit;
    private Duration retention;
    private Clock clock;
    private Path catalogFile;
    private Boolean watchCatalog;
    private Integer adminPort;
    private InetAddress adminBind;
    private Path adminTokenFile;
    private Path adminTlsKeyStore;
    private char[] adminTlsPassword;
    // 0: virtual threads where the JDK has them, else Workers.DEFAULT_THREADS.
    private int workerThreads = 0;
    private int queueCapacity = 0;
    private boolean workersSet;
    private RateLimit checkLimit;
    private boolean checkLimitSet;
    private RateLimit completionLimit;
    private boolean completionLimitSet;
    private List<Cidr> rateLimitExempt;
    private List<Cidr> trustedProxies;
    private LongSupplier ticker;
    private Watchdog watchdog;

    private Builder() {}

    private static void once(Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " already set to " + current);
      }
    }

    /**
     * Sets the TCP port, 0 for any free one; {@value AppUpdateServer#DEFAULT_PORT} by default.
     *
     * @param port 0 to 65535
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder port(int port) {
      once(this.port, "port");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be 0-65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Sets the address to listen on; the loopback address 127.0.0.1 by default. A wildcard address
     * ({@code 0.0.0.0}, {@code ::}) needs a {@link #publicUrl}.
     *
     * @param address a local address
     * @return this builder
     */
    public Builder bind(InetAddress address) {
      once(this.bind, "bind");
      this.bind = Objects.requireNonNull(address, "address == null");
      return this;
    }

    /**
     * Sets the base URL under which clients reach this server, which relative catalog URLs resolve
     * against; by default {@code http://HOST:PORT/} of the listening socket.
     *
     * @param url the base URL; a {@code /} is appended unless it ends with one
     * @return this builder
     * @throws IllegalArgumentException unless an absolute http or https URL with a host and without
     *     query or fragment
     */
    public Builder publicUrl(URI url) {
      once(this.publicUrl, "publicUrl");
      Objects.requireNonNull(url, "url == null");
      String scheme = url.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || url.getHost() == null
          || url.getRawQuery() != null
          || url.getRawFragment() != null) {
        throw new IllegalArgumentException(
            "publicUrl must be an absolute http or https URL with a host and without query or"
                + " fragment, got "
                + url);
      }
      String text = url.toString();
      this.publicUrl = URI.create(text.endsWith("/") ? text : text + "/");
      return this;
    }

    /**
     * Sets the catalog file, in the JSON format of docs/CATALOG.md; by default the embedded demo
     * catalog, which offers the embedded demo files. The file is read at {@link
     * AppUpdateServer#start()}, which fails listing every problem if it is invalid, and read again
     * whenever it changes while the server runs; an invalid change is logged and shown by {@code
     * /healthz}, and the catalog loaded before keeps serving.
     *
     * @param file the catalog file
     * @return this builder
     */
    public Builder catalog(Path file) {
      once(this.catalogFile, "catalog");
      this.catalogFile = Objects.requireNonNull(file, "file == null");
      return this;
    }

    /**
     * Sets the directory served under {@code /files/}; the embedded demo files by default.
     *
     * @param dir an existing directory
     * @return this builder
     */
    public Builder filesDir(Path dir) {
      once(this.filesDir, "filesDir");
      this.filesDir = Objects.requireNonNull(dir, "dir == null");
      return this;
    }

    /**
     * Sets the data directory, created if missing: the completion log, the request-id key (unless
     * {@link #keyFile} puts it elsewhere) and the lock that keeps a second server out. Each server
     * needs its own; it must not be the files directory or inside it. Required.
     *
     * @param dir the data directory
     * @return this builder
     */
    public Builder dataDir(Path dir) {
      once(this.dataDir, "dataDir");
      this.dataDir = Objects.requireNonNull(dir, "dir == null");
      return this;
    }

    /**
     * Sets the request-id key file, created with owner-only permissions if missing; {@code
     * DATA/request-id.key} by default. Replicas behind one load balancer share this file (and each
     * has its own data directory), so that each verifies the ids the others issue. It must not be
     * inside the files directory.
     *
     * @param file the key file
     * @return this builder
     */
    public Builder keyFile(Path file) {
      once(this.keyFile, "keyFile");
      this.keyFile = Objects.requireNonNull(file, "file == null");
      return this;
    }

    /**
     * Sets the response keys: the server signs its answers to update checks that ask for a
     * signature ({@code Accept-Signature}) with each of them, as docs/PROTOCOL.md, "Response
     * signatures", specifies. Without them, answers are not signed. Each file holds an Ed25519
     * private key as PKCS#8 PEM, as {@code appupdate keygen} writes it, and must be readable by its
     * owner only; none is ever created. Several keys are for a change-over: every answer carries a
     * signature by each, so that clients pinned to the old or the new key both accept it. The files
     * are read at {@link AppUpdateServer#start()}; replicas behind one load balancer share them, and
     * none may lie in the files directory.
     *
     * @param files the private key files, 1 to 16
     * @return this builder
     * @throws IllegalArgumentException if there is no file or more than 16, or one is given twice
     */
    public Builder responseKeys(Path... files) {
      once(this.responseKeyFiles, "responseKeys");
      List<Path> list = List.of(files);
      if (list.isEmpty() || list.size() > ResponseKeys.MAX_KEYS) {
        throw new IllegalArgumentException(
            "responseKeys needs 1 to " + ResponseKeys.MAX_KEYS + " files, got " + list.size());
      }
      if (new HashSet<>(list).size() != list.size()) {
        throw new IllegalArgumentException("responseKeys names a file twice: " + list);
      }
      this.responseKeyFiles = list;
      return this;
    }

    /**
     * Sets the release keys the server trusts: it then serves a catalog only when every release
     * carries a valid signature by one of them ({@link
     * dev.appupdate.protocol.signature.ReleaseSignatures#verify}), and refuses any other catalog
     * as invalid, listing each release at fault: {@link AppUpdateServer#start()} fails, and a
     * changed catalog file is not loaded while the one before keeps serving. Explanations ({@code
     * POST /v1/explain}) then say that each release's signature was verified. Without them, the
     * server passes release signatures into its offers unchecked.
     *
     * @param keys the Ed25519 public keys of the release keys, as from {@link
     *     dev.appupdate.protocol.signature.Ed25519Keys#readPublicKey}; at least one
     * @return this builder
     * @throws IllegalArgumentException if there is no key, or one is not an Ed25519 key
     */
    public Builder trustedReleaseKeys(PublicKey... keys) {
      once(this.trustedReleaseKeys, "trustedReleaseKeys");
      this.trustedReleaseKeys = TrustedKeys.of(keys);
      return this;
    }

    /**
     * Starts the admin listener on {@code port} (0 for any free one): statistics, halts and
     * resumes under {@code /admin/v1/}, and {@code /metrics} in the Prometheus text format, every
     * request authenticated with the bearer token of {@link #adminTokenFile} (docs/OPERATIONS.md).
     * Off unless set; the command line starts it on 8001.
     *
     * @param port 0 to 65535
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder adminPort(int port) {
      once(this.adminPort, "adminPort");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("adminPort must be 0-65535, got " + port);
      }
      this.adminPort = port;
      return this;
    }

    /**
     * Sets the admin listener's address; 127.0.0.1 by default. Any other than a loopback address
     * needs {@link #adminTls}: the token would otherwise cross the network in clear text.
     *
     * @param address a local address
     * @return this builder
     */
    public Builder adminBind(InetAddress address) {
      once(this.adminBind, "adminBind");
      this.adminBind = Objects.requireNonNull(address, "address == null");
      return this;
    }

    /**
     * Sets the file of the admin listener's bearer token, created with a random token and
     * owner-only permissions when missing; {@code DATA/admin.token} by default. Its path is logged
     * at start, the token never.
     *
     * @param file the token file
     * @return this builder
     */
    public Builder adminTokenFile(Path file) {
      once(this.adminTokenFile, "adminTokenFile");
      this.adminTokenFile = Objects.requireNonNull(file, "file == null");
      return this;
    }

    /**
     * Serves the admin listener over HTTPS with the key and certificate of a PKCS#12 key store.
     *
     * @param keyStore the key store file
     * @param password its password; copied
     * @return this builder
     */
    public Builder adminTls(Path keyStore, char[] password) {
      once(this.adminTlsKeyStore, "adminTls");
      this.adminTlsKeyStore = Objects.requireNonNull(keyStore, "keyStore == null");
      this.adminTlsPassword = Objects.requireNonNull(password, "password == null").clone();
      return this;
    }

    /**
     * Sets how many completions of unexpired request ids are remembered, to record a repeated
     * report once; 2,000,000 by default. Each takes up to about 40 bytes of memory. When the limit
     * is reached, new completions are answered 503 until older request ids expire (an hour after
     * their retention), and a server whose log holds more unexpired completions than this does not
     * start.
     *
     * @param max how many completions to remember
     * @return this builder
     * @throws IllegalArgumentException unless 1 to 536,870,912
     */
    public Builder maxCompletionKeys(int max) {
      once(this.maxCompletionKeys, "maxCompletionKeys");
      if (max < 1 || max > CompletionKeys.MAX_CAP) {
        throw new IllegalArgumentException(
            "maxCompletionKeys must be 1-" + CompletionKeys.MAX_CAP + ", got " + max);
      }
      this.maxCompletionKeys = max;
      return this;
    }

    /**
     * Keeps completions in PostgreSQL instead of the completion log of the data directory;
     * replicas sharing the database see each other's reports.
     */
    Builder database(PostgresCompletionStore.Settings settings) {
      once(this.database, "database");
      this.database = Objects.requireNonNull(settings, "settings == null");
      return this;
    }

    /**
     * Sets the cap on the bytes of the completion log's kept files together; 1 GiB by default.
     * When a report would take them past it, new completions are answered 503 until older files
     * pass the {@link #completionRetention} and are deleted, and {@code /healthz} says why. The
     * kept files are read at every start, so the cap also bounds the start-up time (about 1 s per
     * 100 MiB) and the memory of the counts kept for statistics.
     *
     * @param bytes at least 64 KiB
     * @return this builder
     * @throws IllegalArgumentException if less than 64 KiB
     */
    public Builder maxCompletionLogBytes(long bytes) {
      once(this.maxCompletionLogBytes, "maxCompletionLogBytes");
      if (bytes < MIN_COMPLETION_LOG_BYTES) {
        throw new IllegalArgumentException(
            "maxCompletionLogBytes must be at least " + MIN_COMPLETION_LOG_BYTES + ", got " + bytes);
      }
      this.maxCompletionLogBytes = bytes;
      return this;
    }

    /**
     * Sets the free-space watermark of the data directory's file system; 512 MiB by default.
     * While less space is free, new completions are answered 503 and {@code /healthz} says why
     * (degraded already under twice the watermark), so that a full disk never cuts a line short.
     *
     * @param bytes the watermark; 0 switches the check off
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder minFreeSpace(long bytes) {
      once(this.minFreeSpace, "minFreeSpace");
      if (bytes < 0) {
        throw new IllegalArgumentException("minFreeSpace must be >= 0, got " + bytes);
      }
      this.minFreeSpace = bytes;
      return this;
    }

    /**
     * Sets how long completion records are kept; 400 days by default. The completion log is
     * rotated each UTC day (and every 64 MiB), and a rotated file is deleted once all its records
     * are older than this, but not before the request ids of its records have expired, so that a
     * repeated report is recognized after a restart while its request id verifies. Otherwise
     * unrelated to {@link #retention}, which is how long request ids verify.
     *
     * @param retention how long records are kept
     * @return this builder
     * @throws IllegalArgumentException unless positive and at most 3650 days
     */
    public Builder completionRetention(Duration retention) {
      once(this.completionRetention, "completionRetention");
      Objects.requireNonNull(retention, "retention == null");
      if (retention.isNegative()
          || retention.isZero()
          || retention.compareTo(RequestIds.MAX_RETENTION) > 0) {
        throw new IllegalArgumentException(
            "completionRetention must be positive and at most "
                + RequestIds.MAX_RETENTION.toDays()
                + " days, got "
                + retention);
      }
      this.completionRetention = retention;
      return this;
    }

    /** Sets how the completion store forces its writes; tests observe or fail them. */
    Builder disk(JsonlCompletionStore.Disk disk) {
      once(this.disk, "disk");
      this.disk = Objects.requireNonNull(disk, "disk == null");
      return this;
    }

    /** Sets how often the catalog watcher checks the file; tests make it fast. */
    Builder catalogWatchTiming(Duration poll, Duration quiet) {
      once(this.watchTiming, "catalogWatchTiming");
      this.watchTiming = new CatalogWatcher.Timing(poll, quiet);
      return this;
    }

    /**
     * Sets the largest accepted request body in bytes; 64 KiB by default.
     *
     * @param bytes at least 1
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     */
    public Builder bodyLimit(int bytes) {
      once(this.bodyLimit, "bodyLimit");
      if (bytes < 1) {
        throw new IllegalArgumentException("bodyLimit must be >= 1, got " + bytes);
      }
      this.bodyLimit = bytes;
      return this;
    }

    /**
     * Sets how long request ids stay valid; 30 days by default.
     *
     * @param retention how long an issued request id verifies
     * @return this builder
     * @throws IllegalArgumentException unless positive and at most {@link
     *     RequestIds#MAX_RETENTION}, 3650 days
     */
    public Builder retention(Duration retention) {
      once(this.retention, "retention");
      Objects.requireNonNull(retention, "retention == null");
      if (retention.isNegative() || retention.isZero()) {
        throw new IllegalArgumentException("retention must be positive, got " + retention);
      }
      if (retention.compareTo(RequestIds.MAX_RETENTION) > 0) {
        throw new IllegalArgumentException(
            "retention must be at most "
                + RequestIds.MAX_RETENTION.toDays()
                + " days (about ten years), got "
                + retention);
      }
      this.retention = retention;
      return this;
    }

    /**
     * Sets the clock of request ids and completion records; the system UTC clock by default.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      once(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Sets whether the catalog file is watched for changes; true by default. Without the watch only
     * {@link AppUpdateServer#reloadNow()} and {@link AppUpdateServer#reloadIfChanged()} load it
     * again, which lets tests decide exactly when.
     */
    Builder watchCatalog(boolean watch) {
      once(this.watchCatalog, "watchCatalog");
      this.watchCatalog = watch;
      return this;
    }

    /**
     * Sets the per-address limit of update checks ({@code POST /v1/update} and {@code POST
     * /v1/explain}): each client address has a bucket of {@code burst} tokens, refilled at {@code
     * perSecond}; a check takes one token, a check the server signs two, and a check that finds its
     * bucket short of them is answered {@code 429} with {@code Retry-After}. Off by default: checks
     * are stateless and cheap.
     *
     * @param perSecond tokens gained per second, positive
     * @param burst the bucket's size, at least 1: how many checks an address may make at once
     * @return this builder
     * @throws IllegalArgumentException if the rate is not positive or the burst below 1
     */
    public Builder checkRateLimit(double perSecond, int burst) {
      if (checkLimitSet) {
        throw new IllegalStateException("checkRateLimit already set");
      }
      this.checkLimit = new RateLimit(perSecond, burst);
      this.checkLimitSet = true;
      return this;
    }

    /**
     * Sets the per-address limit of completion reports ({@code POST /v1/completion}), as {@link
     * #checkRateLimit} describes; by default 1 a second with a burst of 300, which an office of a
     * few hundred installations behind one address does not reach in normal use. Both 0 switch the
     * limit off.
     *
     * @param perSecond tokens gained per second, positive; 0 with a burst of 0 for no limit
     * @param burst the bucket's size, at least 1; 0 with a rate of 0 for no limit
     * @return this builder
     * @throws IllegalArgumentException if the rate is not positive or the burst below 1, unless both
     *     are 0
     */
    public Builder completionRateLimit(double perSecond, int burst) {
      if (completionLimitSet) {
        throw new IllegalStateException("completionRateLimit already set");
      }
      this.completionLimit =
          perSecond == 0 && burst == 0 ? null : new RateLimit(perSecond, burst);
      this.completionLimitSet = true;
      return this;
    }

    /**
     * Sets the client address ranges that no rate limit applies to, such as load generators and
     * health checkers.
     *
     * @param ranges addresses with an optional prefix length: {@code 10.1.2.3}, {@code
     *     10.0.0.0/8}, {@code 2001:db8::/32}
     * @return this builder
     * @throws IllegalArgumentException if a range is not an address literal with a valid prefix
     */
    public Builder rateLimitExempt(String... ranges) {
      once(this.rateLimitExempt, "rateLimitExempt");
      this.rateLimitExempt = cidrs(ranges);
      return this;
    }

    /**
     * Sets the address ranges of the reverse proxies in front of the server: for a connection from
     * one of them, the client address (for the rate limits) is taken from {@code
     * X-Forwarded-For}, the last address in it that is not itself a trusted proxy. Without this,
     * {@code X-Forwarded-For} is ignored and the connection's address counts.
     *
     * @param ranges addresses with an optional prefix length, as {@link #rateLimitExempt} takes
     * @return this builder
     * @throws IllegalArgumentException if a range is not an address literal with a valid prefix
     */
    public Builder trustedProxies(String... ranges) {
      once(this.trustedProxies, "trustedProxies");
      this.trustedProxies = cidrs(ranges);
      return this;
    }

    private static List<Cidr> cidrs(String... ranges) {
      List<Cidr> list = new java.util.ArrayList<>();
      for (String r : ranges) {
        list.add(Cidr.parse(Objects.requireNonNull(r, "range == null")));
      }
      return List.copyOf(list);
    }

    /** Sets the nanosecond ticker of the rate limits; tests step it. */
    Builder rateLimitTicker(LongSupplier ticker) {
      once(this.ticker, "rateLimitTicker");
      this.ticker = Objects.requireNonNull(ticker, "ticker == null");
      return this;
    }

    /**
     * Sets the watchdog that ends slow clients, instead of one of the server's own that checks four
     * times a second; the server does not close it. Tests pass a {@link Watchdog#manual} one and
     * step it.
     */
    Builder watchdog(Watchdog watchdog) {
      once(this.watchdog, "watchdog");
      this.watchdog = Objects.requireNonNull(watchdog, "watchdog == null");
      return this;
    }

    /** Sets the worker pool: threads, and how many exchanges may wait for one. */
    Builder workers(int threads, int queueCapacity) {
      if (workersSet) {
        throw new IllegalStateException("workers already set");
      }
      if (threads < 1 || queueCapacity < 0) {
        throw new IllegalArgumentException(
            "workers: threads must be >= 1 and queueCapacity >= 0, got "
                + threads
                + " and "
                + queueCapacity);
      }
      this.workerThreads = threads;
      this.queueCapacity = queueCapacity;
      this.workersSet = true;
      return this;
    }

    /**
     * Returns the configured server, not yet started.
     *
     * @return a server with these settings, which no longer change
     * @throws IllegalStateException if no data directory was set, the server is to listen on a
     *     wildcard address without a public URL, an admin setting was given without {@link
     *     #adminPort}, or the admin listener is to listen on a non-loopback address without TLS
     */
    public AppUpdateServer build() {
      if (dataDir == null) {
        throw new IllegalStateException(
            "dataDir is required: the directory of the completion log and request-id key");
      }
      if (bind != null && bind.isAnyLocalAddress() && publicUrl == null) {
        throw new IllegalStateException(
            "publicUrl is required with the wildcard bind address "
                + bind.getHostAddress()
                + ": no URL derived from it reaches this server from everywhere, and relative"
                + " catalog URLs resolve against the public URL");
      }
      ServerConfig.Admin admin = null;
      if (adminPort == null) {
        if (adminBind != null || adminTokenFile != null || adminTlsKeyStore != null) {
          throw new IllegalStateException(
              "adminBind, adminTokenFile and adminTls need adminPort: the admin listener is off");
        }
      } else {
        InetAddress address = adminBind == null ? InetAddress.getLoopbackAddress() : adminBind;
        if (!address.isLoopbackAddress() && adminTlsKeyStore == null) {
          throw new IllegalStateException(
              "the admin listener may listen on the non-loopback address "
                  + address.getHostAddress()
                  + " only with TLS (adminTls, --admin-tls-keystore): its bearer token would"
                  + " otherwise cross the network in clear text");
        }
        admin =
            new ServerConfig.Admin(
                adminPort,
                address,
                adminTokenFile == null ? dataDir.resolve(AdminToken.NAME) : adminTokenFile,
                adminTlsKeyStore,
                adminTlsPassword);
      }
      return new AppUpdateServer(
          new ServerConfig(
              port == null ? DEFAULT_PORT : port,
              bind == null ? InetAddress.getLoopbackAddress() : bind,
              publicUrl,
              catalogFile,
              filesDir,
              dataDir,
              keyFile == null ? dataDir.resolve(KeyFile.NAME) : keyFile,
              responseKeyFiles == null ? List.of() : responseKeyFiles,
              trustedReleaseKeys,
              JsonlCompletionStore.Limits.DEFAULT
                  .withMaxKeys(
                      maxCompletionKeys == null
                          ? JsonlCompletionStore.DEFAULT_MAX_KEYS
                          : maxCompletionKeys)
                  .withMaxBytes(
                      maxCompletionLogBytes == null
                          ? JsonlCompletionStore.DEFAULT_MAX_BYTES
                          : maxCompletionLogBytes)
                  .withMinFreeBytes(
                      minFreeSpace == null
                          ? JsonlCompletionStore.DEFAULT_MIN_FREE_BYTES
                          : minFreeSpace)
                  .withRetention(
                      completionRetention == null
                          ? JsonlCompletionStore.DEFAULT_RETENTION
                          : completionRetention),
              bodyLimit == null ? DEFAULT_BODY_LIMIT : bodyLimit,
              retention == null ? DEFAULT_RETENTION : retention,
              clock == null ? Clock.systemUTC() : clock,
              disk == null ? JsonlCompletionStore.Disk.SYSTEM : disk,
              database,
              watchCatalog == null || watchCatalog,
              watchTiming == null ? CatalogWatcher.Timing.DEFAULT : watchTiming,
              workerThreads,
              queueCapacity,
              checkLimit,
              completionLimitSet ? completionLimit : RateLimit.COMPLETIONS,
              rateLimitExempt == null ? List.of() : rateLimitExempt,
              trustedProxies == null ? List.of() : trustedProxies,
              ticker == null ? System::nanoTime : ticker,
              admin,
              watchdog));
    }
  }
}
