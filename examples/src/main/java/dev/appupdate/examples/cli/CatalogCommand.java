package dev.appupdate.examples.cli;

import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.CatalogException;
import dev.appupdate.protocol.catalog.CatalogProblem;
import dev.appupdate.protocol.catalog.Release;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** {@code appupdate catalog validate}: every problem of a catalog file, or a summary. */
final class CatalogCommand implements Command {
  private static final String VALIDATE = "validate";

  @Override
  public String help() {
    return """
        Usage: appupdate catalog validate FILE

        Checks a catalog file as an update server does when it loads it (see
        docs/CATALOG.md) and prints every problem, one per line, with the release's
        position and field:
          releases[3].hash_value: must be 128 lower-case hex digits for sha512, ...
        Malformed JSON stops the check at the first syntax error, reported with its
        line and column. A valid catalog gets a summary: the number of releases and
        products, and for each product its releases and update types.

        Options:
          --help  print this help

        Exit codes:
          0  the catalog is valid
          1  the catalog has problems, or FILE could not be read
          2  usage error: no subcommand, an unknown one, no FILE or more than one

        Example:
          appupdate catalog validate catalog.json
        """;
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
    if (args.isEmpty()) {
      throw new UsageException("missing subcommand; expected " + VALIDATE);
    }
    if (!args.get(0).equals(VALIDATE)) {
      throw new UsageException(
          "unknown subcommand " + Args.quote(args.get(0)) + "; expected " + VALIDATE);
    }
    Args a = Args.parse(args.subList(1, args.size()), Set.of(), Set.of(), Set.of());
    String name = a.expectPositionals("FILE").get(0);
    Path file;
    try {
      file = Path.of(name);
    } catch (InvalidPathException e) {
      throw new UsageException("FILE: " + Failures.oneLine(e.getMessage()));
    }
    Catalog catalog;
    try {
      catalog = Catalog.read(file);
    } catch (CatalogException e) {
      for (CatalogProblem problem : e.problems()) {
        out.println(Failures.oneLine(problem.toString()));
      }
      int n = e.problems().size();
      out.println(file + ": invalid, " + n + (n == 1 ? " problem" : " problems"));
      return Exit.FAILED;
    } catch (IOException e) {
      err.println("appupdate catalog: cannot read " + file + ": " + Failures.describe(e));
      return Exit.FAILED;
    }
    printSummary(file, catalog, out);
    return Exit.OK;
  }

  private static void printSummary(Path file, Catalog catalog, PrintStream out) {
    SortedMap<String, Integer> releases = new TreeMap<>();
    SortedMap<String, SortedSet<String>> types = new TreeMap<>();
    for (Release r : catalog.releases()) {
      releases.merge(r.product(), 1, Integer::sum);
      types.computeIfAbsent(r.product(), p -> new TreeSet<>()).add(r.updateType());
    }
    int n = catalog.size();
    int products = releases.size();
    out.println(
        file
            + ": valid, "
            + n
            + (n == 1 ? " release" : " releases")
            + " of "
            + products
            + (products == 1 ? " product" : " products"));
    for (Map.Entry<String, Integer> p : releases.entrySet()) {
      int count = p.getValue();
      out.println(
          "  "
              + p.getKey()
              + ": "
              + count
              + (count == 1 ? " release" : " releases")
              + ", update types "
              + String.join(", ", types.get(p.getKey())));
    }
  }
}
