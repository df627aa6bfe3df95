package dev.appupdate.examples.cli;

import dev.appupdate.conformance.Conformance;
import dev.appupdate.conformance.ConformanceReport;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.CatalogException;
import dev.appupdate.protocol.signature.Ed25519Keys;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code appupdate conformance}: runs the conformance kit against a server and prints one line per
 * case, {@code PASS}, {@code FAIL} or {@code SKIP}.
 */
@CommandLine.Command(
    name = "conformance",
    header = "check that a server speaks protocol v1",
    customSynopsis = {
      "appupdate conformance --server URL [--catalog FILE | --product NAME]",
      "                      [--server-key PUBLIC ...] [--max-body BYTES] [--json]"
    },
    description = {
      "Sends protocol v1 requests to the server and checks every rule of the protocol that a"
          + " client can observe. Prints one line per case: PASS, FAIL with what was expected"
          + " and what came back, or SKIP with why the case does not apply. Each case names the"
          + " section of docs/PROTOCOL.md it checks.",
      "Records a few completion reports on the server: run it against a test server."
    },
    exitCodeList = {
      "0:no case failed",
      "1:a case failed, or the catalog or a key file could not be read",
      "2:usage error"
    },
    footerHeading = "%nExample:%n",
    footer = "  appupdate conformance --server http://127.0.0.1:8000/ --catalog catalog.json")
final class ConformanceCommand implements Command {
  private final PrintStream out;
  private final PrintStream err;

  @Option(
      names = "--server",
      paramLabel = "URL",
      required = true,
      description = "the server's base URL, for example http://127.0.0.1:8000/")
  private String server;

  @Option(
      names = "--catalog",
      paramLabel = "FILE",
      description = "the catalog the server serves: offers are checked against it")
  private String catalogName;

  @Option(
      names = "--product",
      paramLabel = "NAME",
      description = "without --catalog: a product the server offers something to")
  private String product;

  @Option(
      names = "--server-key",
      paramLabel = "PUBLIC",
      description = "a public key file of the server's response key: checks signed answers")
  private List<String> serverKeyNames = new ArrayList<>();

  @Option(
      names = "--max-body",
      paramLabel = "BYTES",
      description = "the server's request body limit (default 1048576; 65536 for the reference"
          + " server's default)")
  private Long maxBody;

  @Option(names = "--json", description = "print a JSON report instead of lines")
  private boolean json;

  private Conformance.Builder builder;

  ConformanceCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public List<String> validate() {
    List<String> problems = new ArrayList<>();
    builder = Conformance.builder();
    try {
      builder.server(new URI(server));
    } catch (URISyntaxException | IllegalArgumentException e) {
      problems.add("--server: " + Failures.oneLine(e.getMessage()));
    }
    if (catalogName != null && product != null) {
      problems.add("--product: give --catalog or --product, not both");
    } else if (product != null) {
      builder.product(product);
    }
    if (maxBody != null) {
      try {
        builder.maxBodyBytes(maxBody);
      } catch (IllegalArgumentException e) {
        problems.add("--max-body: " + e.getMessage());
      }
    }
    return problems;
  }

  @Override
  public int run() {
    try {
      if (catalogName != null) {
        builder.catalog(Catalog.read(Path.of(catalogName)));
      }
      List<PublicKey> keys = new ArrayList<>();
      for (String name : serverKeyNames) {
        keys.add(Ed25519Keys.readPublicKey(Path.of(name)));
      }
      builder.serverKeys(keys);
    } catch (CatalogException e) {
      err.println("appupdate conformance: " + e.getMessage());
      return Exit.FAILED;
    } catch (IOException e) {
      err.println("appupdate conformance: " + Failures.describe(e));
      return Exit.FAILED;
    }
    ConformanceReport report;
    try {
      report = builder.build().run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("appupdate conformance: interrupted");
      return Exit.FAILED;
    }
    if (json) {
      out.println(report.json());
    } else {
      out.print(report.text());
      out.println(
          report.results().size() + " cases: " + report.failures().size() + " failed");
    }
    return report.passed() ? Exit.OK : Exit.FAILED;
  }
}
