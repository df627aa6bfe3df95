package dev.appupdate.examples.cli;

import dev.appupdate.client.Sleeper;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code appupdate} command-line tool: drives an update server like an application would,
 * and helps catalog authors with hashes and validation. docs/CLI.md describes every command.
 *
 * <pre>{@code
 * java -jar appupdate-cli.jar update --server http://127.0.0.1:8000 --product your_app \
 *     --version 666 --platform macOS --locale en-US --dir downloads
 * }</pre>
 *
 * <p>{@link #run(String[], PrintStream, PrintStream)} runs a command without exiting the JVM, so
 * that tests and other programs can call it and inspect the output and exit code.
 */
public final class AppUpdateCli {
  // The client logs failed downloads and reports at WARNING; the CLI prints every outcome itself,
  // so the log would only repeat them on stderr. A strong reference keeps the level set.
  private static final Logger CLIENT_LOG = Logger.getLogger("dev.appupdate.client");

  private static final String USAGE =
      """
      Usage: appupdate <command> [options]

      Commands:
        check             ask an update server what it offers
        update            download, verify and report every offer into a directory
        hash              print a file's hash and size fields for a catalog release
        catalog validate  list every problem of a catalog file

      Run 'appupdate <command> --help' for a command's options and exit codes.

      Exit codes:
        0  done
        1  something failed: an update, the completion report, a catalog check,
           reading a file
        2  usage error
        3  check and update: the update check got no usable answer from the server
      """;

  private final Map<String, Command> commands = new LinkedHashMap<>();

  /**
   * Creates the CLI for a console: a progress bar when {@link System#console()} says the process
   * is attached to a terminal, plain progress lines otherwise.
   */
  public AppUpdateCli() {
    this(System.console() != null, Sleeper.system(), System::nanoTime);
  }

  /**
   * Creates the CLI with its environment given; for tests.
   *
   * @param terminal whether to draw progress bars
   * @param sleeper how the client waits between retries
   * @param nanoTime the time source of the progress display
   */
  AppUpdateCli(boolean terminal, Sleeper sleeper, LongSupplier nanoTime) {
    commands.put("check", new CheckCommand());
    commands.put("update", new UpdateCommand(terminal, sleeper, nanoTime));
    commands.put("hash", new HashCommand());
    commands.put("catalog", new CatalogCommand());
  }

  /**
   * Runs the command line and exits with its exit code.
   *
   * @param args the command and its arguments, for example {@code hash data.json}
   */
  public static void main(String[] args) {
    CLIENT_LOG.setLevel(Level.OFF);
    int code = new AppUpdateCli().run(args, System.out, System.err);
    System.out.flush();
    System.exit(code);
  }

  /**
   * Runs the command line.
   *
   * @param args the command and its arguments
   * @param out where results go
   * @param err where progress, usage errors and failures go
   * @return the exit code: 0 done, 1 something failed, 2 usage error, 3 the update server gave no
   *     usable answer
   */
  public int run(String[] args, PrintStream out, PrintStream err) {
    List<String> tokens = List.of(args);
    if (tokens.isEmpty()) {
      err.println("appupdate: missing command (see 'appupdate --help')");
      return Exit.USAGE;
    }
    String name = tokens.get(0);
    List<String> rest = tokens.subList(1, tokens.size());
    if (name.equals("--help") || name.equals("-h")) {
      out.print(USAGE);
      return Exit.OK;
    }
    if (name.equals("help")) {
      return help(rest, out, err);
    }
    Command command = commands.get(name);
    if (command == null) {
      err.println("appupdate: unknown command " + Args.quote(name) + " (see 'appupdate --help')");
      return Exit.USAGE;
    }
    if (Args.wantHelp(rest)) {
      out.print(command.help());
      return Exit.OK;
    }
    try {
      return command.run(rest, out, err);
    } catch (UsageException e) {
      err.println(
          "appupdate "
              + name
              + ": "
              + e.getMessage()
              + " (see 'appupdate "
              + name
              + " --help')");
      return Exit.USAGE;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** {@code appupdate help [COMMAND]}. */
  private int help(List<String> rest, PrintStream out, PrintStream err) {
    if (rest.isEmpty()) {
      out.print(USAGE);
      return Exit.OK;
    }
    Command command = commands.get(rest.get(0));
    if (command == null || rest.size() > 1) {
      err.println("appupdate help: expected one of " + commands.keySet() + ", got " + rest);
      return Exit.USAGE;
    }
    out.print(command.help());
    return Exit.OK;
  }
}
