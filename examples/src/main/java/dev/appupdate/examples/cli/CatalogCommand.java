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
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code appupdate catalog}: tools for catalog files; {@code validate} is the one so far. */
@CommandLine.Command(
    name = "catalog",
    header = "check a catalog file: catalog validate FILE lists every problem",
    customSynopsis = "appupdate catalog validate FILE",
    description = "Checks catalog files; 'appupdate catalog validate --help' says how.",
    exitCodeList = {"2:usage error: no subcommand, or an unknown one"})
final class CatalogCommand implements Command {
  @Spec private CommandSpec spec;

  @Override
  public int run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand; expected validate");
  }

  /** {@code appupdate catalog validate}: every problem of a catalog file, or a summary. */
  @CommandLine.Command(
      name = "validate",
      header = "list every problem of a catalog file",
      customSynopsis = "appupdate catalog validate FILE",
      description = {
        "Checks a catalog file as an update server does when it loads it (see"
            + " docs/CATALOG.md) and prints every problem, one per line, with the release's"
            + " position and field:",
        "  releases[3].hash_value: must be 128 lower-case hex digits for sha512, ...",
        "Malformed JSON stops the check at the first syntax error, reported with its line and"
            + " column. A valid catalog gets a summary: the number of releases and products,"
            + " and for each product its releases and update types."
      },
      exitCodeList = {
        "0:the catalog is valid",
        "1:the catalog has problems, or FILE could not be read",
        "2:usage error: no FILE or more than one, an unknown option"
      },
      footerHeading = "%nExample:%n",
      footer = "  appupdate catalog validate catalog.json")
  static final class Validate implements Command {
    private final PrintStream out;
    private final PrintStream err;

    @Parameters(paramLabel = "FILE", description = "the catalog file")
    private String fileName;

    private Path file;

    Validate(PrintStream out, PrintStream err) {
      this.out = out;
      this.err = err;
    }

    @Override
    public List<String> validate() {
      if (fileName != null) {
        try {
          file = Path.of(fileName);
        } catch (InvalidPathException e) {
          return List.of("FILE: " + Failures.oneLine(e.getMessage()));
        }
      }
      return List.of();
    }

    @Override
    public int run() {
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
