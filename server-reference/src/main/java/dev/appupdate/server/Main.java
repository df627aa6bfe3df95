package dev.appupdate.server;

import dev.appupdate.protocol.catalog.CatalogException;
import dev.appupdate.protocol.catalog.CatalogProblem;
import dev.appupdate.server.internal.ShutdownLogManager;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;

/**
 * The command line entry point: {@code java -jar appupdate-server.jar [OPTION]...}; {@code --help}
 * lists the options.
 *
 * <pre>{@code
 * $ java -jar appupdate-server.jar --port 0 --data /tmp/appupdate
 * appupdate server listening on http://127.0.0.1:41731
 * }</pre>
 *
 * <p>When the server accepts connections, exactly one line goes to standard output: {@code
 * appupdate server listening on http://HOST:PORT}; logs go to standard error, up to {@code stopped}
 * and a last line saying whether the completion log was flushed. Exit status: 0 after {@code
 * --help} or a graceful stop (SIGTERM or SIGINT: stop accepting, finish requests in flight for up
 * to 10 seconds, answering 503 to new ones, flush the completion log); 1 when the server cannot
 * start, with the reason on standard error (for an invalid catalog, a line naming the file and then
 * every problem on a line of its own, with the release's position and field), or when the
 * completion log could not be flushed at the stop; 2 for a bad command line, with a one-line reason
 *  on standard error.
 *
 * <p>{@code java -jar appupdate-server.jar import-completions FILE --database JDBC_URL} loads a
 * completion log into PostgreSQL instead ({@code import-completions --help}).
 *
 * <p>Before anything else, it sets the JVM-wide properties of the JDK's HTTP server that {@link
 * AppUpdateServer} recommends, and those of {@code java.util.logging} (one line per record, log
 * handlers kept open until a signal's graceful stop has finished), each unless given with {@code
 * -D}.
 */
public final class Main {
  private static final Duration DRAIN = Duration.ofSeconds(10);

  /**
   * What {@link #main} sets unless given with {@code -D}. The JDK reads these once, the logging
   * ones when the first logger is made, the others when the first HTTP server is created.
   */
  static final Map<String, String> JVM_DEFAULTS =
      Map.ofEntries(
          // The default manager would close the log handlers while the graceful stop still has
          // things to say.
          Map.entry("java.util.logging.manager", ShutdownLogManager.class.getName()),
          // One line per record, so that the access log is one line per request.
          Map.entry(
              "java.util.logging.SimpleFormatter.format",
              "%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n"),
          // Why each: the class comment of AppUpdateServer.
          Map.entry("sun.net.httpserver.nodelay", "true"),
          Map.entry("sun.net.httpserver.drainAmount", "0"),
          Map.entry("sun.net.httpserver.maxReqTime", "30"),
          Map.entry("sun.net.httpserver.maxRspTime", "600"),
          Map.entry("sun.net.httpserver.idleInterval", "10"),
          Map.entry("sun.net.httpserver.maxIdleConnections", "200"),
          Map.entry("sun.net.httpserver.clockTick", "1000"),
          Map.entry("sun.net.httpserver.maxReqHeaders", "100"),
          Map.entry("sun.net.httpserver.maxReqHeaderSize", "32768"),
          Map.entry("jdk.httpserver.maxConnections", "4096"));

  private Main() {}

  /**
   * Starts the server as {@code args} say, or prints the help or a usage error and exits.
   *
   * @param args the options, see {@code --help}
   */
  public static void main(String[] args) {
    // Before anything logs or serves, which reads them.
    setDefaults(System.getProperties());
    PrintStream out = System.out;
    PrintStream err = System.err;
    if (args.length > 0 && args[0].equals(ImportCompletions.NAME)) {
      int status =
          ImportCompletions.run(
              System.getenv(), out, err, Arrays.copyOfRange(args, 1, args.length));
      out.flush();
      System.exit(status);
      return;
    }
    ServerCommand options;
    try {
      options = ServerCommand.parse(args);
    } catch (ServerCommand.UsageException e) {
      err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (options.helpRequested()) {
      out.print(ServerCommand.usage());
      out.flush();
      return;
    }
    if (options.versionRequested()) {
      out.println(ServerCommand.version());
      out.flush();
      return;
    }
    AppUpdateServer server = server(options);
    try {
      server.start();
    } catch (CatalogException e) {
      err.println("appupdate-server: cannot start: " + CatalogReloader.summary(e));
      for (CatalogProblem problem : e.problems()) {
        err.println("  " + problem);
      }
      System.exit(1);
      return;
    } catch (IOException | RuntimeException e) {
      err.println("appupdate-server: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    ShutdownLogManager.holdResetAtShutdown();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                // A signal would make the JVM exit 143; a completed graceful stop is a success.
                () -> Runtime.getRuntime().halt(shutDown(server)),
                "appupdate-shutdown"));
    out.println("appupdate server listening on " + server.baseUrl());
    out.flush();
  }

  /** Sets each of {@link #JVM_DEFAULTS} that {@code properties} does not have. */
  static void setDefaults(Properties properties) {
    JVM_DEFAULTS.forEach(properties::putIfAbsent);
  }

  /**
   * Stops {@code server} gracefully, logs whether the completion log was flushed, then lets the log
   * handlers close.
   *
   * @return the exit status: 0, or 1 when the completion log could not be flushed
   */
  static int shutDown(AppUpdateServer server) {
    try {
      // Looked up here, not in a static field: nothing may touch logging before main() has
      // chosen the log manager.
      System.Logger log = System.getLogger("dev.appupdate.server");
      if (server.stop(DRAIN)) {
        log.log(Level.INFO, "completion log flushed");
        return 0;
      }
      log.log(
          Level.ERROR,
          "completion log not flushed: completions acknowledged before the stop may be lost");
      return 1;
    } finally {
      ShutdownLogManager.release();
    }
  }

  static AppUpdateServer server(ServerCommand options) {
    AppUpdateServer.Builder b =
        AppUpdateServer.builder()
            .port(options.port())
            .bind(options.bind())
            .dataDir(options.data())
            .retention(options.retention())
            .maxCompletionKeys(options.maxCompletionKeys())
            .completionRetention(options.completionRetention())
            .maxCompletionLogBytes(options.maxCompletionLogBytes())
            .minFreeSpace(options.minFreeSpace());
    RateLimit checks = options.checkLimit();
    if (checks != null) {
      b.checkRateLimit(checks.perSecond(), checks.burst());
    }
    RateLimit completions = options.completionLimit();
    if (completions == null) {
      b.completionRateLimit(0, 0);
    } else {
      b.completionRateLimit(completions.perSecond(), completions.burst());
    }
    if (!options.rateLimitExempt().isEmpty()) {
      b.rateLimitExempt(options.rateLimitExempt().toArray(new String[0]));
    }
    if (!options.trustedProxies().isEmpty()) {
      b.trustedProxies(options.trustedProxies().toArray(new String[0]));
    }
    if (options.key() != null) {
      b.keyFile(options.key());
    }
    if (options.publicUrl() != null) {
      b.publicUrl(options.publicUrl());
    }
    if (options.catalog() != null) {
      b.catalog(options.catalog());
    }
    if (options.files() != null) {
      b.filesDir(options.files());
    }
    if (!options.responseKeys().isEmpty()) {
      b.responseKeys(options.responseKeys().toArray(new Path[0]));
    }
    if (options.database() != null) {
      b.database(options.database());
    }
    if (!options.trusted().isEmpty()) {
      b.trustedReleaseKeys(options.trusted().toArray(new PublicKey[0]));
    }
    if (options.adminPort() != null) {
      b.adminPort(options.adminPort()).adminBind(options.adminBind());
      if (options.adminTokenFile() != null) {
        b.adminTokenFile(options.adminTokenFile());
      }
      if (options.adminTlsKeyStore() != null) {
        b.adminTls(options.adminTlsKeyStore(), options.adminTlsPassword());
      }
    }
    return b.build();
  }
}
