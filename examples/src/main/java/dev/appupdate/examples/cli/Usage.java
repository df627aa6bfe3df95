package dev.appupdate.examples.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Usage errors as the CLI prints them, one line per problem, and the layout every command's help
 * shares (the reference server's help has the same).
 */
final class Usage {
  /** picocli's words for a value given to an option of arity 0. */
  private static final Pattern FLAG_WITH_VALUE =
      Pattern.compile("option '(.+)' should be specified without '(.*)' parameter", Pattern.DOTALL);

  private Usage() {}

  /**
   * Sets the help layout of {@code commandLine} and its subcommands, and gives each a {@code
   * -h}/{@code --help} option.
   */
  static void layout(CommandLine commandLine) {
    UsageMessageSpec help = commandLine.getCommandSpec().usageMessage();
    help.width(80)
        .sortOptions(false)
        .synopsisHeading("Usage: ")
        .descriptionHeading("%n")
        .parameterListHeading("%nArguments:%n")
        .optionListHeading("%nOptions:%n")
        .commandListHeading("%nCommands:%n")
        .exitCodeListHeading("%nExit codes:%n");
    // A command's header is its line in the list of commands, not a line above its usage.
    List<String> sections = new ArrayList<>(commandLine.getHelpSectionKeys());
    sections.remove(UsageMessageSpec.SECTION_KEY_HEADER_HEADING);
    sections.remove(UsageMessageSpec.SECTION_KEY_HEADER);
    commandLine.setHelpSectionKeys(sections);
    commandLine
        .getCommandSpec()
        .addOption(
            OptionSpec.builder("-h", "--help")
                .usageHelp(true)
                .order(99)
                .description("print this help and exit")
                .build());
    // A flag is on when given and off when not: picocli would also take "--json=false", which
    // reads as on to anyone who skims the line. An explicit arity of 0 refuses any value.
    CommandSpec spec = commandLine.getCommandSpec();
    for (OptionSpec option : new ArrayList<>(spec.options())) {
      if (option.typeInfo().isBoolean() && option.arity().max() == 0) {
        spec.remove(option);
        spec.addOption(OptionSpec.builder(option).arity("0").build());
      }
    }
    // Every problem of the command line at once, not only the first.
    commandLine.getCommandSpec().parser().collectErrors(true);
    // "hash @notes" hashes the file called @notes; picocli would read arguments from "notes".
    commandLine.setExpandAtFiles(false);
    commandLine.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    commandLine.getSubcommands().values().forEach(Usage::layout);
  }

  /**
   * Describes what picocli found wrong, in the CLI's words: {@code unknown option "--sever"; did
   * you mean --server?}, {@code --server is required}, {@code --server given twice}.
   */
  static List<String> problems(Exception e) {
    if (e instanceof CommandLine.UnmatchedArgumentException) {
      return unmatched((CommandLine.UnmatchedArgumentException) e);
    }
    if (e instanceof CommandLine.MissingParameterException) {
      return missing((CommandLine.MissingParameterException) e);
    }
    if (e instanceof CommandLine.OverwrittenOptionException) {
      return List.of(
          names(List.of(((CommandLine.OverwrittenOptionException) e).getOverwritten()))
              + " given twice");
    }
    if (e instanceof CommandLine.MaxValuesExceededException) {
      // A flag given a value, as in --json=yes (flags have an arity of 0, see layout).
      Matcher flag = FLAG_WITH_VALUE.matcher(e.getMessage());
      if (flag.matches()) {
        return List.of(flag.group(1) + " takes no value, got " + quote(flag.group(2)));
      }
    }
    return e.getMessage().lines().toList();
  }

  private static List<String> missing(CommandLine.MissingParameterException e) {
    List<ArgSpec> options = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (ArgSpec spec : e.getMissing()) {
      if (spec.isPositional()) {
        problems.add("missing " + spec.paramLabel());
      } else {
        options.add(spec);
      }
    }
    if (!options.isEmpty()) {
      // Options first: a positional parameter is reported alone as well, and only once.
      problems.add(
          0,
          e.getMessage().startsWith("Missing required option")
              ? names(options) + (options.size() == 1 ? " is required" : " are required")
              : names(options) + " needs a value");
    }
    return problems;
  }

  private static List<String> unmatched(CommandLine.UnmatchedArgumentException e) {
    CommandLine commandLine = e.getCommandLine();
    CommandSpec spec = commandLine.getCommandSpec();
    String first = e.getUnmatched().get(0);
    if (!spec.subcommands().isEmpty() && !first.startsWith("-")) {
      String similar = closest(first, spec.subcommands().keySet());
      String command = spec.parent() == null ? "unknown command " : "unknown subcommand ";
      return List.of(
          command
              + quote(first)
              + (similar != null
                  ? "; did you mean " + similar + "?"
                  : "; expected " + String.join(", ", spec.subcommands().keySet())));
    }
    List<String> problems = new ArrayList<>();
    for (String arg : e.getUnmatched()) {
      if (!arg.startsWith("-") || arg.equals("-")) {
        continue;
      }
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (spec.optionsMap().containsKey(name)) {
        // A known option left over came after "--", where nothing is an option.
        problems.add("unexpected argument " + quote(arg));
        continue;
      }
      String similar = closest(name, spec.optionsMap().keySet());
      problems.add(
          "unknown option "
              + quote(name)
              + (similar == null ? "" : "; did you mean " + similar + "?"));
    }
    // A value after an unknown option was meant for it: only the option is worth a message.
    return problems.isEmpty() ? List.of("unexpected argument " + quote(first)) : problems;
  }

  /**
   * Returns the name {@code typed} was most likely meant to be, or null: the nearest by edit
   * distance (a transposed pair of letters counts as one edit) if near enough, else the shortest
   * name that {@code typed} abbreviates, such as {@code --max-completion-keys} for {@code --max}.
   */
  static String closest(String typed, Iterable<String> names) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String abbreviated = null;
    for (String name : names) {
      int d = distance(typed, name);
      if (d < bestDistance) {
        best = name;
        bestDistance = d;
      }
      if (name.startsWith(typed)
          && typed.replace("-", "").length() >= 3
          && (abbreviated == null || name.length() < abbreviated.length())) {
        abbreviated = name;
      }
    }
    if (best != null && bestDistance <= Math.max(2, best.length() / 4)) {
      return best;
    }
    return abbreviated;
  }

  /** Optimal string alignment: insertions, deletions, substitutions and transpositions. */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      for (int j = 0; j <= b.length(); j++) {
        if (i == 0 || j == 0) {
          d[i][j] = i + j;
          continue;
        }
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  /** Returns {@code --a}, {@code --a and --b}, {@code --a, --b and --c}. */
  private static String names(List<ArgSpec> specs) {
    List<String> names = new ArrayList<>();
    for (ArgSpec spec : specs) {
      names.add(spec.isOption() ? ((OptionSpec) spec).longestName() : spec.paramLabel());
    }
    int last = names.size() - 1;
    return last == 0
        ? names.get(0)
        : String.join(", ", names.subList(0, last)) + " and " + names.get(last);
  }

  /**
   * Returns the path a command-line value names, or null when the value is absent (picocli reports
   * a missing one) or not a path, which is then added to {@code problems}.
   *
   * @param name the option or parameter, such as {@code --key}, for the message
   */
  static Path path(String name, String value, List<String> problems) {
    if (value == null) {
      return null;
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      problems.add(name + ": " + Failures.oneLine(e.getMessage()));
      return null;
    }
  }

  /** Quotes a command-line value for a message. */
  static String quote(String value) {
    StringBuilder sb = new StringBuilder("\"");
    value
        .codePoints()
        .limit(80)
        .forEach(
            c -> {
              if (c == '"' || c == '\\') {
                sb.append('\\').appendCodePoint(c);
              } else if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", c));
              } else {
                sb.appendCodePoint(c);
              }
            });
    if (value.codePointCount(0, value.length()) > 80) {
      sb.append("...");
    }
    return sb.append('"').toString();
  }
}
