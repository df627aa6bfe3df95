package dev.appupdate.examples.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed arguments of one command: options, flags and positional arguments.
 *
 * <p>An option takes its value as the next argument ({@code --server URL}) or after an equals sign
 * ({@code --server=URL}). An option given twice is an error unless it is repeatable. {@code --}
 * ends the options; everything after it is positional. {@code --help} is handled before parsing.
 */
final class Args {
  private final Map<String, List<String>> values;
  private final Set<String> flags;
  private final List<String> positionals;

  private Args(Map<String, List<String>> values, Set<String> flags, List<String> positionals) {
    this.values = values;
    this.flags = flags;
    this.positionals = positionals;
  }

  /** Returns true when {@code args} hold {@code --help} or {@code -h} before any {@code --}. */
  static boolean wantHelp(List<String> args) {
    for (String a : args) {
      if (a.equals("--")) {
        return false;
      }
      if (a.equals("--help") || a.equals("-h")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Parses {@code args}.
   *
   * @param single options that take a value and may be given once
   * @param repeatable options that take a value and may be given several times
   * @param flagNames options without a value
   * @throws UsageException naming the unknown option, the missing value or the repeated option
   */
  static Args parse(
      List<String> args, Set<String> single, Set<String> repeatable, Set<String> flagNames)
      throws UsageException {
    Map<String, List<String>> values = new LinkedHashMap<>();
    Set<String> flags = new HashSet<>();
    List<String> positionals = new ArrayList<>();
    boolean optionsEnded = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (optionsEnded || !arg.startsWith("-") || arg.equals("-")) {
        positionals.add(arg);
        continue;
      }
      if (arg.equals("--")) {
        optionsEnded = true;
        continue;
      }
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 2) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (flagNames.contains(name)) {
        if (value != null) {
          throw new UsageException(name + " takes no value, got " + quote(arg));
        }
        if (!flags.add(name)) {
          throw new UsageException(name + " given twice");
        }
        continue;
      }
      if (!single.contains(name) && !repeatable.contains(name)) {
        throw new UsageException("unknown option " + quote(name));
      }
      if (value == null) {
        // A missing value shows up as the next option being taken for it: "--version --platform".
        if (i + 1 == args.size() || args.get(i + 1).startsWith("--")) {
          throw new UsageException(name + " needs a value");
        }
        value = args.get(++i);
      }
      List<String> list = values.computeIfAbsent(name, n -> new ArrayList<>());
      if (!list.isEmpty() && !repeatable.contains(name)) {
        throw new UsageException(
            name + " given twice (" + quote(list.get(0)) + " and " + quote(value) + ")");
      }
      list.add(value);
    }
    return new Args(values, flags, positionals);
  }

  /** Returns the value of a single option, or null when it was not given. */
  String value(String name) {
    List<String> list = values.get(name);
    return list == null ? null : list.get(0);
  }

  /**
   * Returns the value of a required option.
   *
   * @throws UsageException if it was not given
   */
  String required(String name) throws UsageException {
    String value = value(name);
    if (value == null) {
      throw new UsageException(name + " is required");
    }
    return value;
  }

  /** Returns every value of a repeatable option, in command-line order; empty when not given. */
  List<String> values(String name) {
    return values.getOrDefault(name, List.of());
  }

  /** Returns true when the flag was given. */
  boolean flag(String name) {
    return flags.contains(name);
  }

  /** Returns the positional arguments, in order. */
  List<String> positionals() {
    return positionals;
  }

  /**
   * Checks that there are exactly {@code names.length} positional arguments.
   *
   * @param names what each one is, for the message, for example {@code FILE}
   * @throws UsageException saying what is missing or unexpected
   */
  List<String> expectPositionals(String... names) throws UsageException {
    if (positionals.size() < names.length) {
      throw new UsageException("missing " + names[positionals.size()]);
    }
    if (positionals.size() > names.length) {
      throw new UsageException("unexpected argument " + quote(positionals.get(names.length)));
    }
    return positionals;
  }

  /** Quotes a command-line value for a message. */
  static String quote(String value) {
    StringBuilder sb = new StringBuilder("\"");
    value.codePoints()
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
