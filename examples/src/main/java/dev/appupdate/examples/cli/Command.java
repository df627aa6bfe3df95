package dev.appupdate.examples.cli;

import java.io.PrintStream;
import java.util.List;

/** One command of {@code appupdate}, such as {@code check}. */
interface Command {

  /** Returns the complete help text of the command, ending in a newline. */
  String help();

  /**
   * Runs the command.
   *
   * @param args the arguments after the command name; never asking for help
   * @param out where the command's results go
   * @param err where progress and error messages go
   * @return the exit code, one of {@link Exit}
   * @throws UsageException if the arguments are wrong; nothing was done then
   */
  int run(List<String> args, PrintStream out, PrintStream err) throws UsageException;
}
