package dev.appupdate.server;

import dev.appupdate.protocol.catalog.CatalogException;
import dev.appupdate.protocol.catalog.CatalogProblem;
import dev.appupdate.server.internal.ShutdownLogManager;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;

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
 * appupdate server listening on http://HOST:PORT}; logs go to standard error, up to the final
 * {@code stopped}. Exit status: 0 after {@code --help} or a graceful stop (SIGTERM or SIGINT: stop
 * accepting, finish requests in flight for up to 10 seconds, answering 503 to new ones, flush the
 * completion log); 1 when the server cannot start, with the reason on standard error (for an
 * invalid catalog, a line naming the file and then every problem on a line of its own, with the
 * release's position and field), or when the completion log could not be flushed at the stop; 2 for
 * a bad command line, with a line per problem on standard error.
 */
public final class Main {
  private static final Duration DRAIN = Duration.ofSeconds(10);
  private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";
  private static final String LOG_MANAGER = "java.util.logging.manager";

  private Main() {}

  /**
   * Starts the server as {@code args} say, or prints the help or a usage error and exits.
   *
   * @param args the options, see {@code --help}
   */
  public static void main(String[] args) {
    // Before anything logs, which creates the log manager: the default one would close the log
    // handlers while the graceful stop still has things to say.
    if (System.getProperty(LOG_MANAGER) == null) {
      System.setProperty(LOG_MANAGER, ShutdownLogManager.class.getName());
    }
    if (System.getProperty(LOG_FORMAT) == null) {
      // One line per record, so that the access log is one line per request.
      System.setProperty(LOG_FORMAT, "%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
    }
    PrintStream out = System.out;
    PrintStream err = System.err;
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

  /**
   * Stops {@code server} gracefully, then lets the log handlers close.
   *
   * @return the exit status: 0, or 1 when the completion log could not be flushed
   */
  static int shutDown(AppUpdateServer server) {
    try {
      return server.shutDown(DRAIN) ? 0 : 1;
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
            .maxCompletionKeys(options.maxCompletionKeys());
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
    return b.build();
  }
}
