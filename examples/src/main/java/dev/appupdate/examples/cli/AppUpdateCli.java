package dev.appupdate.examples.cli;

import dev.appupdate.client.Sleeper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code appupdate} command-line tool: drives an update server like an application would, and
 * helps catalog authors with hashes, validation, keys and signatures. docs/CLI.md describes every
 * command.
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

  private final boolean terminal;
  private final Sleeper sleeper;
  private final LongSupplier nanoTime;

  /**
   * Creates the CLI for a console: a progress bar when {@link System#console()} says the process is
   * attached to a terminal, plain progress lines otherwise.
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
    this.terminal = terminal;
    this.sleeper = sleeper;
    this.nanoTime = nanoTime;
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
    CommandLine top = new CommandLine(new Top());
    top.addSubcommand(new CommandLine(new CheckCommand(out, err)));
    top.addSubcommand(new CommandLine(new UpdateCommand(out, err, terminal, sleeper, nanoTime)));
    top.addSubcommand(new CommandLine(new HashCommand(out, err)));
    top.addSubcommand(new CommandLine(new KeygenCommand(out, err)));
    top.addSubcommand(
        new CommandLine(new CatalogCommand())
            .addSubcommand(new CommandLine(new CatalogCommand.Validate(out, err)))
            .addSubcommand(new CommandLine(new CatalogCommand.Sign(out, err))));
    top.addSubcommand(new CommandLine(new StatsCommand(out, err)));
    top.addSubcommand(new CommandLine(new ConformanceCommand(out, err)));
    top.addSubcommand(
        new CommandLine(new PatchCommand())
            .addSubcommand(new CommandLine(new PatchCommand.Create(out, err))));
    top.addSubcommand(new CommandLine(new HelpCommand(out)));
    Usage.layout(top);
    try {
      return run(top, args, out, err);
    } finally {
      out.flush();
      err.flush();
    }
  }

  private static int run(CommandLine top, String[] args, PrintStream out, PrintStream err) {
    List<CommandLine.ParseResult> parsed = new ArrayList<>();
    for (CommandLine.ParseResult p = top.parseArgs(args); p != null; p = p.subcommand()) {
      parsed.add(p);
    }
    // --help anywhere prints the help of the command it follows and does nothing else.
    for (int i = parsed.size() - 1; i >= 0; i--) {
      if (parsed.get(i).isUsageHelpRequested()) {
        out.print(parsed.get(i).commandSpec().commandLine().getUsageMessage());
        return Exit.OK;
      }
    }
    if (parsed.get(0).isVersionHelpRequested()) {
      out.println(version());
      return Exit.OK;
    }
    CommandLine target = parsed.get(parsed.size() - 1).commandSpec().commandLine();
    // Unknown options first: they may explain the problems after them ("--server is required").
    Set<Problem> problems = new LinkedHashSet<>();
    for (boolean unmatched : new boolean[] {true, false}) {
      for (CommandLine.ParseResult p : parsed) {
        for (Exception e : p.errors()) {
          if (e instanceof CommandLine.UnmatchedArgumentException == unmatched) {
            CommandLine where =
                e instanceof ParameterException
                    ? ((ParameterException) e).getCommandLine()
                    : p.commandSpec().commandLine();
            Usage.problems(e).forEach(text -> problems.add(new Problem(where, text)));
          }
        }
      }
    }
    Command command = target.getCommand();
    command.validate().forEach(text -> problems.add(new Problem(target, text)));
    if (problems.isEmpty()) {
      try {
        return command.run();
      } catch (ParameterException e) {
        Usage.problems(e).forEach(text -> problems.add(new Problem(e.getCommandLine(), text)));
      }
    }
    int i = 0;
    for (Problem p : problems) {
      String name = p.commandLine().getCommandSpec().qualifiedName();
      boolean last = ++i == problems.size();
      err.println(name + ": " + p.text() + (last ? " (see '" + name + " --help')" : ""));
    }
    return Exit.USAGE;
  }

  /** A usage error and the command whose usage it breaks. */
  private record Problem(CommandLine commandLine, String text) {}

  /** Returns {@code appupdate VERSION}, the version of this build. */
  static String version() {
    Properties p = new Properties();
    try (InputStream in = AppUpdateCli.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from the build");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "appupdate " + p.getProperty("version");
  }

  /** {@code appupdate}: lists the commands. */
  @CommandLine.Command(
      name = "appupdate",
      customSynopsis = "appupdate <command> [options]",
      description =
          "Drives an update server the way an application would, and helps catalog authors"
              + " with hashes, validation, keys and signatures.",
      exitCodeList = {
        "0:done",
        "1:something failed: an update, the completion report, a catalog check, reading or"
            + " writing a file",
        "2:usage error",
        "3:check, update and stats: no usable answer from the server"
      },
      footer = {"", "Run 'appupdate <command> --help' for a command's options and exit codes."})
  static final class Top implements Command {
    @Spec private CommandSpec spec;

    @Option(
        names = "--version",
        versionHelp = true,
        order = 98,
        description = "print the version and exit")
    private boolean version;

    @Override
    public int run() {
      throw new ParameterException(spec.commandLine(), "missing command");
    }
  }

  /** {@code appupdate help [COMMAND]}: the help of a command, or of {@code appupdate}. */
  @CommandLine.Command(
      name = "help",
      header = "print the help of a command",
      customSynopsis = "appupdate help [COMMAND [SUBCOMMAND]]",
      description = "Prints the help of a command; with no command, the list of commands.",
      exitCodeList = {"0:printed", "2:usage error: an unknown command"})
  static final class HelpCommand implements Command {
    private final PrintStream out;

    @Spec private CommandSpec spec;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "the command")
    private List<String> names = new ArrayList<>();

    HelpCommand(PrintStream out) {
      this.out = out;
    }

    @Override
    public int run() {
      CommandLine command = spec.parent().commandLine();
      for (String name : names) {
        CommandLine sub = command.getSubcommands().get(name);
        if (sub == null) {
          throw new CommandLine.UnmatchedArgumentException(command, List.of(name));
        }
        command = sub;
      }
      out.print(command.getUsageMessage());
      return Exit.OK;
    }
  }
}
