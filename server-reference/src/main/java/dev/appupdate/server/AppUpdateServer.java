package dev.appupdate.server;

import com.sun.net.httpserver.HttpServer;
import dev.appupdate.protocol.CodecLimits;
import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.CatalogException;
import dev.appupdate.protocol.catalog.Matcher;
import dev.appupdate.protocol.requestid.RequestIds;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

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
 * server.stop(Duration.ofSeconds(10));           // drain in-flight requests, then close
 * }</pre>
 *
 * <p>Routes: {@code POST /v1/update}, {@code POST /v1/completion}, {@code POST /v1/explain} (why
 * each release of the requested product was or was not offered, for the body of an update check),
 * {@code GET|HEAD /files/...} and {@code GET|HEAD /healthz}. Every 4xx and 5xx answer is an {@code
 * application/problem+json} document, except for requests the JDK server itself refuses before
 * they reach the server (an unparsable request line or headers). Completions are appended to {@code
 * completions.jsonl} in the data directory and forced to disk before the 204; request ids are HMAC
 * tokens under the key {@code request-id.key} in the data directory (or the file {@link
 * Builder#keyFile} names, which replicas share), created on first start. A server holds an
 * exclusive lock on its data directory while it runs: a second server on the same directory, in
 * this process or another, fails to start. Neither the data directory nor the key file may lie in
 * the files directory, which would serve them.
 *
 * <p>The catalog file is watched while the server runs: a valid change is served from the next
 * request on, all at once; an invalid one is logged with every problem and shown by {@code
 * /healthz}, and the catalog loaded before keeps serving. Relative release URLs resolve against
 * {@link #publicUrl()}.
 *
 * <p>Timeouts and limits of the JDK server are JVM-wide system properties read once, when the first
 * server of the JVM starts. Unless set on the command line, this class sets: {@code
 * sun.net.httpserver.nodelay=true} (small answers would otherwise wait for delayed ACKs), {@code
 * sun.net.httpserver.drainAmount=0} (a connection whose request body is refused unread, as with a
 * 413, is closed at once instead of waiting for up to 64 KiB of it), {@code
 * sun.net.httpserver.maxReqTime=30} (seconds to send a whole request, body included), {@code
 * sun.net.httpserver.maxRspTime=600} (seconds for a client to take a whole response), {@code
 * sun.net.httpserver.idleInterval=30} (seconds a kept-alive connection may stay silent; a new one
 * gets the lesser of this and {@code maxReqTime}), {@code sun.net.httpserver.clockTick=1000}
 * (milliseconds between checks for idle connections), {@code sun.net.httpserver.maxReqHeaders=100},
 * {@code sun.net.httpserver.maxReqHeaderSize=32768} and {@code jdk.httpserver.maxConnections=1000}.
 */
public final class AppUpdateServer implements AutoCloseable {
  /** The request body limit unless {@link Builder#bodyLimit} says otherwise: 64 KiB. */
  public static final int DEFAULT_BODY_LIMIT = 64 * 1024;

  /** How long request ids stay valid unless {@link Builder#retention} says otherwise. */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);

  /** The port unless {@link Builder#port} says otherwise. */
  public static final int DEFAULT_PORT = 8000;

  /** The source name of the embedded demo catalog, as its problems and {@code /healthz} name it. */
  static final String DEMO_CATALOG = "embedded demo catalog";

  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");
  private static final Duration CLOSE_DRAIN = Duration.ofSeconds(10);
  private static final Map<String, String> HTTP_SERVER_DEFAULTS =
      Map.of(
          "sun.net.httpserver.nodelay", "true",
          "sun.net.httpserver.drainAmount", "0",
          "sun.net.httpserver.maxReqTime", "30",
          "sun.net.httpserver.maxRspTime", "600",
          "sun.net.httpserver.idleInterval", "30",
          "sun.net.httpserver.clockTick", "1000",
          "sun.net.httpserver.maxReqHeaders", "100",
          "sun.net.httpserver.maxReqHeaderSize", "32768",
          "jdk.httpserver.maxConnections", "1000");

  private enum State {
    NEW,
    RUNNING,
    STOPPED
  }

  private final int requestedPort;
  private final InetAddress bind;
  private final URI configuredPublicUrl;
  private final Path filesDir;
  private final Path dataDir;
  private final Path keyFile;
  private final int maxCompletionKeys;
  private final CompletionLog.Disk disk;
  private final CatalogWatcher.Timing watchTiming;
  private final int bodyLimit;
  private final Duration retention;
  private final Clock clock;
  private final Path catalogFile;
  private final boolean watchCatalog;
  private final int workerThreads;
  private final int queueCapacity;

  private State state = State.NEW;
  private HttpServer http;
  private Workers workers;
  private Router router;
  private DataDirLock lock;
  private AccessLog accessLog;
  private CompletionLog completions;
  private RequestIds requestIds;
  private URI publicUrl;
  private CatalogHolder catalog;
  private CatalogReloader reloader;
  private CatalogWatcher watcher;

  private AppUpdateServer(Builder b) {
    this.requestedPort = b.port == null ? DEFAULT_PORT : b.port;
    this.bind = b.bind == null ? InetAddress.getLoopbackAddress() : b.bind;
    this.configuredPublicUrl = b.publicUrl;
    this.filesDir = b.filesDir;
    this.dataDir = b.dataDir;
    this.keyFile = b.keyFile == null ? b.dataDir.resolve(KeyFile.NAME) : b.keyFile;
    this.maxCompletionKeys =
        b.maxCompletionKeys == null ? CompletionLog.DEFAULT_MAX_KEYS : b.maxCompletionKeys;
    this.disk = b.disk == null ? CompletionLog.Disk.SYSTEM : b.disk;
    this.watchTiming = b.watchTiming == null ? CatalogWatcher.Timing.DEFAULT : b.watchTiming;
    this.bodyLimit = b.bodyLimit == null ? DEFAULT_BODY_LIMIT : b.bodyLimit;
    this.retention = b.retention == null ? DEFAULT_RETENTION : b.retention;
    this.clock = b.clock == null ? Clock.systemUTC() : b.clock;
    this.catalogFile = b.catalogFile;
    this.watchCatalog = b.watchCatalog == null || b.watchCatalog;
    this.workerThreads = b.workerThreads;
    this.queueCapacity = b.queueCapacity;
  }

  /** Returns a builder; only {@link Builder#dataDir} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads the catalog, opens the data directory and starts accepting connections.
   *
   * @throws CatalogException if the catalog is invalid, listing every problem; nothing is started
   * @throws IOException if the catalog file cannot be read, the port cannot be bound, the data
   *     directory cannot be created or is in use by another server, the data directory or the key
   *     file lies in the files directory, the request-id key is corrupt or missing next to a
   *     completion log that holds completions, the completion log cannot be opened, or the files
   *     directory does not exist; the message says which
   * @throws IllegalStateException if the server was started before
   */
  public synchronized void start() throws IOException {
    if (state != State.NEW) {
      throw new IllegalStateException("server already started");
    }
    // First, so that an invalid catalog leaves no trace: no data directory, no key, no socket.
    CatalogFile file = catalogFile == null ? null : new CatalogFile(catalogFile);
    Catalog initial = file == null ? demoCatalog() : file.read();
    RequestIds.checkCatalog(initial);
    if (filesDir != null) {
      refuseToServePrivateFiles();
    }
    HTTP_SERVER_DEFAULTS.forEach(
        (key, value) -> {
          if (System.getProperty(key) == null) {
            System.setProperty(key, value);
          }
        });
    createDataDir();
    lock = DataDirLock.acquire(dataDir);
    FileStore files;
    ServerJson json = new ServerJson();
    try {
      requestIds =
          RequestIds.create(
              KeyFile.loadOrCreate(keyFile, dataDir.resolve(CompletionLog.NAME)),
              clock,
              retention);
      files =
          filesDir == null
              ? EmbeddedFileStore.demo()
              : DirectoryFileStore.open(
                  filesDir, List.of(dataDir.toRealPath(), keyFile.toRealPath()));
      completions =
          CompletionLog.open(dataDir, json, requestIds, clock, disk, maxCompletionKeys);
    } catch (IOException | RuntimeException e) {
      closeQuietly(lock, e);
      throw e;
    }
    try {
      ServerCodec codec =
          ServerCodec.create(
              new CodecLimits(
                  bodyLimit,
                  CodecLimits.defaults().maxStringLength(),
                  CodecLimits.defaults().maxNestingDepth()));
      http = HttpServer.create(new InetSocketAddress(bind, requestedPort), 0);
      // Bound, so the port is known: relative release URLs can resolve now.
      publicUrl = configuredPublicUrl != null ? configuredPublicUrl : defaultPublicUrl();
      catalog =
          new CatalogHolder(
              CatalogHolder.Snapshot.of(Matcher.create(initial, publicUrl), clock.instant()));
      InFlight inFlight = new InFlight();
      accessLog = AccessLog.start();
      router =
          new Router(
              codec,
              Map.of(
                  "/v1/update", new UpdateRoute(codec, catalog, requestIds, bodyLimit),
                  "/v1/completion",
                      new CompletionRoute(codec, requestIds, completions, clock, bodyLimit),
                  "/v1/explain", new ExplainRoute(codec, catalog, bodyLimit)),
              Map.of("/healthz", new HealthRoute(json, catalog, completions)),
              new FileRoute(files),
              inFlight,
              accessLog);
      workers = new Workers(workerThreads, queueCapacity, inFlight);
      http.setExecutor(workers);
      http.createContext("/", router);
      if (file != null) {
        reloader = new CatalogReloader(file, publicUrl, catalog, clock);
        if (watchCatalog) {
          watcher = CatalogWatcher.start(file.path(), reloader, watchTiming);
        }
      }
      http.start();
    } catch (BindException e) {
      IOException failure =
          new IOException(
              "cannot listen on " + hostLiteral() + ":" + requestedPort + ": " + e.getMessage(), e);
      closeAfterFailedStart(failure);
      throw failure;
    } catch (IOException | RuntimeException e) {
      closeAfterFailedStart(e);
      throw e;
    }
    state = State.RUNNING;
    LOG.log(
        Level.INFO,
        "serving {0}, public URL {1}, data in {2}, catalog {3} ({4} releases)",
        baseUrl(),
        publicUrl,
        dataDir.toAbsolutePath(),
        file == null ? DEMO_CATALOG : file.path(),
        initial.size());
  }

  /**
   * Refuses a data directory or key file inside the files directory: {@code --files .} with the
   * default {@code --data ./appupdate-data} would serve the key, which forges request ids, and the
   * completion log to anyone. Checked before anything is created; each request is checked again,
   * since the files directory may be a symbolic link that a deploy swaps.
   */
  private void refuseToServePrivateFiles() throws IOException {
    Path files = DirectoryFileStore.realRoot(filesDir);
    if (DirectoryFileStore.realPathOf(dataDir).startsWith(files)) {
      throw new IOException(
          "the data directory "
              + dataDir
              + " is the files directory "
              + filesDir
              + " or inside it, which would serve the request-id key and the completion log to"
              + " anyone: give the data directory a place outside the files directory");
    }
    if (DirectoryFileStore.realPathOf(keyFile).startsWith(files)) {
      throw new IOException(
          "the request-id key file "
              + keyFile
              + " is inside the files directory "
              + filesDir
              + ", which would serve it to anyone: keep the key outside the files directory");
    }
  }

  /** Reads the catalog shipped with the server, which offers the demo files. */
  static Catalog demoCatalog() throws IOException {
    byte[] json;
    try (InputStream in = AppUpdateServer.class.getResourceAsStream("demo/catalog.json")) {
      if (in == null) {
        throw new IOException("the " + DEMO_CATALOG + " is missing from the build");
      }
      json = in.readAllBytes();
    }
    return Catalog.parse(json, DEMO_CATALOG);
  }

  private void closeAfterFailedStart(Exception cause) {
    if (watcher != null) {
      watcher.close();
    }
    if (http != null) {
      http.stop(0);
    }
    if (accessLog != null) {
      accessLog.close();
    }
    closeQuietly(completions, cause);
    closeQuietly(lock, cause);
  }

  private static void closeQuietly(Closeable c, Exception cause) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  private void createDataDir() throws IOException {
    if (Files.isDirectory(dataDir)) {
      return;
    }
    try {
      if (dataDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Files.createDirectories(
            dataDir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(dataDir);
      }
      Path parent = dataDir.toAbsolutePath().getParent();
      if (parent != null) {
        Durability.forceDirectory(parent);
      }
    } catch (IOException e) {
      throw new IOException("cannot create data directory " + dataDir + ": " + e, e);
    }
  }

  /** Returns the port the server listens on: the real one when port 0 was asked. */
  public synchronized int port() {
    requireStarted();
    return http.getAddress().getPort();
  }

  /** Returns {@code http://HOST:PORT} of the listening socket, for example for tests. */
  public synchronized URI baseUrl() {
    requireStarted();
    return URI.create("http://" + hostLiteral() + ":" + port());
  }

  /**
   * Returns the base URL that relative catalog URLs resolve against: the configured one, or {@code
   * http://HOST:PORT/} of the listening socket. Always ends with {@code /}.
   */
  public synchronized URI publicUrl() {
    requireStarted();
    return publicUrl;
  }

  private URI defaultPublicUrl() {
    // Not for a wildcard address, which the builder refuses without a public URL: no host name
    // derived from it would reach this server from everywhere.
    return URI.create("http://" + hostLiteral() + ":" + http.getAddress().getPort() + "/");
  }

  private String hostLiteral() {
    String host = bind.getHostAddress();
    int zone = host.indexOf('%');
    if (zone >= 0) {
      host = host.substring(0, zone);
    }
    return bind instanceof Inet6Address ? "[" + host + "]" : host;
  }

  private void requireStarted() {
    if (state == State.NEW) {
      throw new IllegalStateException("server not started");
    }
  }

  /**
   * Stops gracefully: from now on every new request is answered 503; requests in flight, including
   * those accepted and still waiting for a worker, get up to {@code drain} to finish; then the
   * listener and all connections are closed, the completion log is flushed and closed, and the data
   * directory is unlocked. Does nothing if already stopped or never started.
   */
  public void stop(Duration drain) {
    shutDown(drain);
  }

  /**
   * Stops as {@link #stop} does.
   *
   * @return false when the completion log could not be flushed or closed (completions acknowledged
   *     before may be lost), true otherwise
   */
  boolean shutDown(Duration drain) {
    Objects.requireNonNull(drain, "drain == null");
    synchronized (this) {
      if (state != State.RUNNING) {
        state = State.STOPPED;
        return true;
      }
      state = State.STOPPED;
    }
    if (watcher != null) {
      watcher.close();
    }
    router.beginDrain();
    boolean interrupted = false;
    try {
      if (!router.awaitIdle(drain.toNanos())) {
        LOG.log(
            Level.WARNING,
            "{0} requests still running after {1}; closing their connections",
            router.inFlight(),
            drain);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    http.stop(0);
    try {
      workers.shutdown(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      interrupted = true;
    }
    accessLog.close();
    boolean flushed = true;
    try {
      completions.close();
    } catch (IOException e) {
      LOG.log(Level.ERROR, "closing the completion log failed", e);
      flushed = false;
    }
    try {
      lock.close();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "unlocking the data directory failed", e);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    LOG.log(Level.INFO, "stopped");
    return flushed;
  }

  /** Stops with up to 10 seconds for requests in flight; see {@link #stop(Duration)}. */
  @Override
  public void close() {
    stop(CLOSE_DRAIN);
  }

  CatalogHolder catalog() {
    return catalog;
  }

  /**
   * Loads the catalog file again now, as a change to it would: serves it if valid, otherwise keeps
   * the current catalog and records why for {@code /healthz}.
   *
   * @return whether the file's catalog is now served
   * @throws IllegalStateException if the server is not running or serves the embedded demo catalog
   */
  boolean reloadNow() {
    CatalogReloader r;
    synchronized (this) {
      if (state != State.RUNNING) {
        throw new IllegalStateException("server not running");
      }
      r = reloader;
    }
    if (r == null) {
      throw new IllegalStateException("no catalog file to reload: serving the " + DEMO_CATALOG);
    }
    return r.reload();
  }

  /** Like {@link #reloadNow()}, but only if the file changed: the periodic check. */
  boolean reloadIfChanged() {
    CatalogReloader r;
    synchronized (this) {
      if (state != State.RUNNING) {
        throw new IllegalStateException("server not running");
      }
      if (reloader == null) {
        throw new IllegalStateException("no catalog file to reload: serving the " + DEMO_CATALOG);
      }
      r = reloader;
    }
    return r.reloadIfChanged();
  }

  CompletionLog completions() {
    return completions;
  }

  RequestIds requestIds() {
    return requestIds;
  }

  Router router() {
    return router;
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
    private Integer maxCompletionKeys;
    private CompletionLog.Disk disk;
    private CatalogWatcher.Timing watchTiming;
    private Integer bodyLimit;
    private Duration retention;
    private Clock clock;
    private Path catalogFile;
    private Boolean watchCatalog;
    private int workerThreads = 32;
    private int queueCapacity = 128;
    private boolean workersSet;

    private Builder() {}

    private static void once(Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " already set to " + current);
      }
    }

    /** Sets the TCP port, 0 for any free one; {@value AppUpdateServer#DEFAULT_PORT} by default. */
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
     */
    public Builder catalog(Path file) {
      once(this.catalogFile, "catalog");
      this.catalogFile = Objects.requireNonNull(file, "file == null");
      return this;
    }

    /** Sets the directory served under {@code /files/}; the embedded demo files by default. */
    public Builder filesDir(Path dir) {
      once(this.filesDir, "filesDir");
      this.filesDir = Objects.requireNonNull(dir, "dir == null");
      return this;
    }

    /**
     * Sets the data directory, created if missing: the completion log, the request-id key (unless
     * {@link #keyFile} puts it elsewhere) and the lock that keeps a second server out. Each server
     * needs its own; it must not be the files directory or inside it. Required.
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
     */
    public Builder keyFile(Path file) {
      once(this.keyFile, "keyFile");
      this.keyFile = Objects.requireNonNull(file, "file == null");
      return this;
    }

    /**
     * Sets how many completions of unexpired request ids are remembered, to record a repeated
     * report once; 2,000,000 by default. Each takes up to about 40 bytes of memory. When the limit
     * is reached, new completions are answered 503 until older request ids expire (an hour after
     * their retention), and a server whose log holds more unexpired completions than this does not
     * start.
     *
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

    /** Sets how the completion log forces its writes; tests observe or fail them. */
    Builder disk(CompletionLog.Disk disk) {
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

    /** Sets the largest accepted request body in bytes; 64 KiB by default. */
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

    /** Sets the clock of request ids and completion records; the system UTC clock by default. */
    public Builder clock(Clock clock) {
      once(this.clock, "clock");
      this.clock = Objects.requireNonNull(clock, "clock == null");
      return this;
    }

    /**
     * Sets whether the catalog file is watched for changes; true by default. Without the watch
     * only {@link AppUpdateServer#reloadNow()} and {@link AppUpdateServer#reloadIfChanged()} load
     * it again, which lets tests decide exactly when.
     */
    Builder watchCatalog(boolean watch) {
      once(this.watchCatalog, "watchCatalog");
      this.watchCatalog = watch;
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
     * @throws IllegalStateException if no data directory was set, or the server is to listen on a
     *     wildcard address without a public URL
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
      return new AppUpdateServer(this);
    }
  }
}
