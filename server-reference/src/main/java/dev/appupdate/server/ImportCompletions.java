package dev.appupdate.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code java -jar appupdate-server.jar import-completions FILE --database JDBC_URL}: loads a
 * completion log of the JSON Lines store into PostgreSQL, migrating the schema first. Idempotent:
 * a row already in the database is left as it is, so a second import of the same file (or of a
 * file the server keeps appending to) adds only what is new. The import itself deletes nothing;
 * rows older than the servers' {@code --completion-retention} are deleted by the next server that
 * applies it.
 */
@Command(
    name = ImportCompletions.NAME,
    customSynopsis =
        "java -jar appupdate-server.jar import-completions FILE --database JDBC_URL [OPTION]...",
    description =
        "Loads a completion log (JSON Lines, as the server writes to its data directory) into"
            + " the PostgreSQL database; rows already there are kept, so importing a file again"
            + " adds nothing.",
    exitCodeList = {
      "0:imported (unreadable lines, if any, are listed on standard error)",
      "1:the file could not be read or the database written; running it again completes it",
      "2:usage error"
    })
final class ImportCompletions {
  static final String NAME = "import-completions";
  private static final int BATCH = 1000;

  @Mixin private DatabaseOptions database = new DatabaseOptions();

  @Parameters(index = "0", paramLabel = "FILE", description = "the completion log to import")
  private Path file;

  private ImportCompletions() {}

  /**
   * Runs the command.
   *
   * @return the exit status
   */
  static int run(Map<String, String> env, PrintStream out, PrintStream err, String... args) {
    ImportCompletions command = new ImportCompletions();
    CommandLine commandLine = new CommandLine(command);
    commandLine.setExpandAtFiles(false);
    commandLine.getCommandSpec().parser().collectErrors(true);
    commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    commandLine
        .getCommandSpec()
        .addOption(
            CommandLine.Model.OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .description("print this help and exit")
                .build());
    // The import deletes nothing: a retention option would be taken and silently ignored.
    commandLine
        .getCommandSpec()
        .remove(commandLine.getCommandSpec().findOption("--completion-retention"));
    CommandLine.ParseResult parsed = commandLine.parseArgs(args);
    if (parsed.isUsageHelpRequested()) {
      out.print(commandLine.getUsageMessage());
      return 0;
    }
    Set<String> problems = new LinkedHashSet<>();
    parsed.errors().forEach(e -> problems.add(e.getMessage()));
    command.database.finish(env, problems);
    if (problems.isEmpty() && command.database.settings() == null) {
      problems.add("--database is required");
    }
    if (problems.isEmpty() && !Files.isRegularFile(command.file)) {
      problems.add(JsonBody.printable(command.file.toString()) + " is not a readable file");
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("appupdate-server " + NAME + ": " + p));
      err.println("appupdate-server " + NAME + ": see --help");
      return 2;
    }
    try (PostgresCompletionStore store =
        PostgresCompletionStore.open(command.database.settings(), Clock.systemUTC(), false)) {
      PostgresCompletionStore.ImportResult result =
          store.importLog(command.file, new ServerJson(), BATCH);
      out.println(
          "imported "
              + command.file
              + ": "
              + result.lines()
              + " lines, "
              + result.inserted()
              + " new completions, "
              + (result.lines() - result.unreadable() - result.inserted())
              + " already in the database, "
              + result.unreadable()
              + " unreadable lines skipped");
      return 0;
    } catch (IOException e) {
      err.println("appupdate-server " + NAME + ": " + e.getMessage());
      return 1;
    }
  }
}
