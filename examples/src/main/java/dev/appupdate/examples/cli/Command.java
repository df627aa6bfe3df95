package dev.appupdate.examples.cli;

import java.util.List;

/**
 * One command of {@code appupdate}, such as {@code check}: a picocli command whose options are set
 * before {@link #validate()} and {@link #run()} are called.
 */
interface Command {

  /**
   * Checks every value the command line gave; called after parsing, so that its problems are
   * reported together with those picocli found (unknown options, missing values).
   *
   * @return one message per problem, such as {@code --locale: must be a BCP 47 language tag ...};
   *     empty when the command can run
   */
  default List<String> validate() {
    return List.of();
  }

  /**
   * Runs the command, once {@link #validate()} found nothing wrong.
   *
   * @return the exit code, one of {@link Exit}
   * @throws picocli.CommandLine.ParameterException if the command line is wrong in a way found only
   *     now; nothing was done then
   */
  int run();
}
