package dev.appupdate.server;

import com.sun.net.httpserver.HttpServer;
import dev.appupdate.protocol.CodecLimits;
import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.Matcher;
import dev.appupdate.protocol.requestid.RequestIds;
import dev.appupdate.protocol.signature.SigningKey;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A started {@link AppUpdateServer}: what it serves with, and the resources that release all of it.
 * {@link #start} opens each part and pushes it on {@link #resources()} at once, so that a start
 * failing halfway and {@link #stop} close the same things in the same (reverse) order.
 *
 * @param reloader loads the catalog file again; empty when serving the embedded demo catalog
 */
record RunningServer(
    HttpServer http,
    Router router,
    CompletionStore completions,
    RequestIds requestIds,
    URI publicUrl,
    CatalogHolder catalog,
    Optional<CatalogReloader> reloader,
    Halts halts,
    Metrics metrics,
    AdminServer admin,
    CloseStack resources) {
  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");
  private static final Duration WORKERS_STOP = Duration.ofSeconds(5);
  private static final String COMPLETION_LOG = "completion log";

  /**
   * Loads the catalog, opens the data directory and starts accepting connections; on failure,
   * closes what it opened.
   *
   * @throws dev.appupdate.protocol.catalog.CatalogException if the catalog is invalid
   * @throws IOException as {@link AppUpdateServer#start()} lists
   */
  static RunningServer start(ServerConfig config) throws IOException {
    // First, so that an invalid catalog leaves no trace: no data directory, no key, no socket.
    CatalogFile file = config.catalogFile() == null ? null : new CatalogFile(config.catalogFile());
    Catalog initial = file == null ? CatalogFile.readDemo() : file.read();
    RequestIds.checkCatalog(initial);
    if (config.trustedReleaseKeys() != null) {
      ReleaseTrust.check(initial, config.trustedReleaseKeys());
    }
    config.refuseToServePrivateFiles();
    List<SigningKey> responseKeys = ResponseKeys.load(config.responseKeyFiles(), config.trustedReleaseKeys());
    CloseStack resources = new CloseStack();
    RunningServer running;
    try {
      running = open(config, file, initial, responseKeys, resources);
    } catch (Throwable e) {
      // Errors too (an OutOfMemoryError compiling a large catalog): a listener that was bound but
      // never started keeps its port for the life of the JVM unless it is closed here.
      resources.close().values().forEach(e::addSuppressed);
      throw e;
    }
    LOG.log(
        Level.INFO,
        "serving {0}, public URL {1}, data in {2}, catalog {3} ({4} releases{5}){6}; rate limits"
            + " per address: completions {7}, update checks {8}; exchanges on {9}",
        "http://" + config.hostLiteral() + ":" + running.port(),
        running.publicUrl(),
        config.dataDir().toAbsolutePath()
            + (config.database() == null
                ? ""
                : ", completions in PostgreSQL " + config.database().url()),
        file == null ? CatalogFile.DEMO : file.path(),
        initial.size(),
        config.trustedReleaseKeys() == null
            ? ""
            : ", each signed by a trusted release key of "
                + String.join(", ", config.trustedReleaseKeys().keyIds()),
        responseKeys.isEmpty()
            ? ""
            : ", signing answers that ask with response keys "
                + String.join(", ", responseKeys.stream().map(SigningKey::keyId).toList()),
        config.completionLimit() == null ? "off" : config.completionLimit(),
        config.checkLimit() == null ? "off" : config.checkLimit(),
        Workers.describe(config.workerThreads()));
    return running;
  }

  private static RunningServer open(
      ServerConfig config,
      CatalogFile file,
      Catalog initial,
      List<SigningKey> responseKeys,
      CloseStack resources)
      throws IOException {
    Path dataDir = config.dataDir();
    resources.push("data directory lock", DataDirLock.acquire(dataDir));
    RequestIds ids =
        RequestIds.create(
            KeyFile.loadOrCreate(config.keyFile(), dataDir.resolve(JsonlCompletionStore.NAME)),
            config.clock(),
            config.retention());
    FileStore files =
        config.filesDir() == null
            ? EmbeddedFileStore.demo()
            : DirectoryFileStore.open(config.filesDir(), privateFiles(config));
    ServerJson json = new ServerJson();
    Path log = dataDir.resolve(JsonlCompletionStore.NAME);
    if (config.database() != null && Files.isRegularFile(log) && Files.size(log) > 0) {
      LOG.log(
          Level.WARNING,
          "{0} is not used: completions go to the database; load it there with"
              + " ''import-completions {0} --database ...''",
          log);
    }
    CompletionStore store =
        config.database() != null
            ? PostgresCompletionStore.open(config.database(), config.clock())
            : JsonlCompletionStore.open(
                dataDir, json, ids, config.clock(), config.disk(), config.completionLimits());
    resources.push(COMPLETION_LOG, store);
    Metrics metrics = new Metrics();
    AccessLog accessLog = AccessLog.start();
    resources.push("access log", accessLog);
    // Started before the workers and so stopped after them: slow clients are still cut off while
    // a shutdown drains the exchanges in flight.
    Watchdog watchdog = config.watchdog();
    if (watchdog == null) {
      Watchdog own = Watchdog.start();
      resources.push("watchdog", own);
      watchdog = own;
    }
    InFlight inFlight = new InFlight();
    Workers workers =
        config.workerThreads() == 0
            ? Workers.automatic(inFlight)
            : new Workers(config.workerThreads(), config.queueCapacity(), inFlight);
    resources.push("worker pool", () -> workers.shutdown(WORKERS_STOP));
    workers.watchedBy(watchdog);
    HttpServer http = bind(config);
    AtomicBoolean started = new AtomicBoolean();
    resources.push(
        "HTTP listener",
        () -> {
          // The JDK server closes its socket on its dispatcher thread, which start() runs: one
          // that never started would keep the port bound for as long as the JVM lives.
          if (!started.get()) {
            http.start();
          }
          http.stop(0);
        });
    // Bound, so the port is known: relative release URLs can resolve now.
    URI publicUrl =
        config.publicUrl() != null
            ? config.publicUrl()
            : URI.create(
                "http://" + config.hostLiteral() + ":" + http.getAddress().getPort() + "/");
    boolean verified = config.trustedReleaseKeys() != null;
    long compileStart = System.nanoTime();
    Matcher matcher = Matcher.create(initial, publicUrl);
    CatalogHolder catalog =
        new CatalogHolder(
            CatalogHolder.Snapshot.of(
                initial,
                matcher,
                config.clock().instant(),
                (System.nanoTime() - compileStart) / 1_000_000,
                verified));
    Halts halts = new Halts(store, catalog, config.clock(), metrics);
    // Before the listener opens: a release halted before a restart is not offered after it. A
    // store that cannot be read now does not stop the start; the next tick tries again.
    try {
      halts.tick();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "halts: the completion store cannot be read yet: " + e.getMessage());
    }
    resources.push("halt evaluator", halts);
    metrics.gauges(() -> halts.halted().size(), store::health);
    ResponseSigning signing =
        responseKeys.isEmpty()
            ? null
            : new ResponseSigning(responseKeys, publicUrl.resolve("v1/update"), config.clock());
    int bodyLimit = config.bodyLimit();
    ServerCodec codec =
        ServerCodec.create(
            new CodecLimits(
                bodyLimit,
                CodecLimits.defaults().maxStringLength(),
                CodecLimits.defaults().maxNestingDepth()));
    Router router =
        new Router(
            codec,
            Map.of(
                "/v1/update", new UpdateRoute(codec, catalog, ids, bodyLimit, signing, metrics),
                "/v1/completion",
                    new CompletionRoute(
                        codec, ids, store, config.clock(), bodyLimit, halts, metrics),
                "/v1/explain", new ExplainRoute(codec, catalog, bodyLimit)),
            Map.of("/healthz", new HealthRoute(json, catalog, halts, store)),
            new FileRoute(files),
            inFlight,
            accessLog,
            admission(config, signing != null),
            watchdog,
            metrics);
    http.setExecutor(workers);
    http.createContext("/", router);
    CatalogReloader reloader =
        file == null
            ? null
            : new CatalogReloader(
                file, publicUrl, config.trustedReleaseKeys(), catalog, config.clock(), metrics);
    if (reloader != null && config.watchCatalog()) {
      resources.push(
          "catalog watcher", CatalogWatcher.start(file.path(), reloader, config.watchTiming()));
    }
    AdminServer admin = null;
    if (config.admin() != null) {
      AdminToken token = AdminToken.loadOrCreate(config.admin().tokenFile());
      admin =
          AdminServer.start(
              config.admin(),
              token,
              new AdminServer.Parts(
                  codec,
                  catalog,
                  halts,
                  store,
                  config.database() != null ? "postgresql" : "jsonl",
                  metrics,
                  config.clock(),
                  watchdog));
      resources.push("admin listener", admin::close);
    }
    http.start();
    started.set(true);
    halts.start();
    return new RunningServer(
        http,
        router,
        store,
        ids,
        publicUrl,
        catalog,
        Optional.ofNullable(reloader),
        halts,
        metrics,
        admin,
        resources);
  }

  private static Admission admission(ServerConfig config, boolean signing) {
    return new Admission(
        limiter(config.checkLimit(), config),
        limiter(config.completionLimit(), config),
        config.rateLimitExempt(),
        config.trustedProxies(),
        signing);
  }

  private static RateLimiter limiter(RateLimit limit, ServerConfig config) {
    return limit == null
        ? null
        : new RateLimiter(limit, config.ticker(), RateLimiter.DEFAULT_MAX_ADDRESSES);
  }

  /** What the files directory never serves: the data directory and every key file. */
  private static List<Path> privateFiles(ServerConfig config) throws IOException {
    List<Path> paths = new ArrayList<>();
    paths.add(config.dataDir().toRealPath());
    paths.add(config.keyFile().toRealPath());
    for (Path responseKey : config.responseKeyFiles()) {
      paths.add(responseKey.toRealPath());
    }
    return paths;
  }

  private static HttpServer bind(ServerConfig config) throws IOException {
    try {
      return HttpServer.create(new InetSocketAddress(config.bind(), config.port()), 0);
    } catch (BindException e) {
      throw new IOException(
          "cannot listen on " + config.hostLiteral() + ":" + config.port() + ": " + e.getMessage(),
          e);
    }
  }

  /** Returns the port of the listening socket. */
  int port() {
    return http.getAddress().getPort();
  }

  /**
   * Answers 503 to every new request, waits up to {@code drain} for those in flight, then closes
   * everything.
   *
   * @return whether the completion log was flushed and closed
   */
  boolean stop(Duration drain) {
    boolean interrupted = false;
    boolean flushed = false;
    try {
      router.beginDrain();
      // "Wait as long as it takes" (a drain beyond ~292 years) does not fit in nanoseconds.
      long nanos = drain.compareTo(MAX_NANOS) >= 0 ? Long.MAX_VALUE : drain.toNanos();
      if (!router.awaitIdle(nanos)) {
        LOG.log(
            Level.WARNING,
            "{0} requests still running after {1}; closing their connections",
            router.inFlight(),
            drain);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      // Whatever happened while draining, the port, the lock and the logs are released.
      flushed = !resources.close().containsKey(COMPLETION_LOG);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    LOG.log(Level.INFO, "stopped");
    return flushed;
  }

  private static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);
}
