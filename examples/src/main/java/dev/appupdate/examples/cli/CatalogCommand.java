package dev.appupdate.examples.cli;

import dev.appupdate.protocol.ReleaseSignature;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.CatalogException;
import dev.appupdate.protocol.catalog.CatalogProblem;
import dev.appupdate.protocol.catalog.Release;
import dev.appupdate.protocol.signature.Ed25519Keys;
import dev.appupdate.protocol.signature.ReleaseSignatures;
import dev.appupdate.protocol.signature.SigningKey;
import dev.appupdate.protocol.signature.TrustedKeys;
import dev.appupdate.protocol.signature.Verification;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code appupdate catalog}: tools for catalog files, {@code validate} and {@code sign}. */
@CommandLine.Command(
    name = "catalog",
    header = "check or sign a catalog file: catalog validate, catalog sign",
    customSynopsis = {
      "appupdate catalog validate FILE [--trust PUBLIC ...]",
      "       appupdate catalog sign --key PRIVATE CATALOG [-o OUT]"
    },
    description =
        "Checks and signs catalog files; 'appupdate catalog validate --help' and 'appupdate"
            + " catalog sign --help' say how.",
    exitCodeList = {"2:usage error: no subcommand, or an unknown one"})
final class CatalogCommand implements Command {
  @Spec private CommandSpec spec;

  @Override
  public int run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand; expected validate, sign");
  }

  /**
   * Reads and checks a catalog file as a server does when it loads it, reading the file once, so
   * that what is checked is what a command then works on.
   *
   * @throws CatalogException listing every problem of the catalog
   * @throws IOException if the file cannot be read
   */
  private static Loaded load(Path file) throws IOException {
    if (Files.size(file) > Catalog.MAX_DOCUMENT_BYTES) {
      // Too large to serve: Catalog.read refuses it with the problem that names the limit.
      Catalog.read(file);
    }
    byte[] bytes = Files.readAllBytes(file);
    return new Loaded(bytes, Catalog.parse(bytes, file.toString()));
  }

  /** A catalog file's bytes and the valid catalog they hold. */
  private record Loaded(byte[] bytes, Catalog catalog) {}

  /** {@code appupdate catalog validate}: every problem of a catalog file, or a summary. */
  @CommandLine.Command(
      name = "validate",
      header = "list every problem of a catalog file",
      customSynopsis = "appupdate catalog validate FILE [--trust PUBLIC ...]",
      description = {
        "Checks a catalog file as an update server does when it loads it (see"
            + " docs/CATALOG.md) and prints every problem, one per line, with the release's"
            + " position and field:",
        "  releases[3].hash_value: must be 128 lower-case hex digits for sha512, ...",
        "Malformed JSON stops the check at the first syntax error, reported with its line and"
            + " column. A valid catalog gets a summary: the number of releases and products,"
            + " and for each product its releases and update types.",
        "",
        "With --trust, every release must also carry a valid signature by one of the trusted"
            + " release keys, as a server started with --trust and clients pinning the keys"
            + " require; each release that does not is a problem:",
        "  releases[1].signatures: your_app my_important_data 1.1: not signed"
      },
      exitCodeList = {
        "0:the catalog is valid (and, with --trust, every release validly signed by a"
            + " trusted key)",
        "1:the catalog has problems, or FILE or a public key file could not be read",
        "2:usage error: no FILE or more than one, an unknown option"
      },
      footerHeading = "%nExamples:%n",
      footer = {
        "  appupdate catalog validate catalog.json",
        "  appupdate catalog validate catalog.json --trust release.pub"
      })
  static final class Validate implements Command {
    private final PrintStream out;
    private final PrintStream err;

    @Parameters(paramLabel = "FILE", description = "the catalog file")
    private String fileName;

    @Option(
        names = "--trust",
        paramLabel = "PUBLIC",
        order = 1,
        description =
            "a public key file (SubjectPublicKeyInfo PEM, as keygen writes it) of a release"
                + " key to trust; repeatable, for a key change-over")
    private List<String> trustNames = new ArrayList<>();

    private Path file;
    private final List<Path> trustFiles = new ArrayList<>();

    Validate(PrintStream out, PrintStream err) {
      this.out = out;
      this.err = err;
    }

    @Override
    public List<String> validate() {
      List<String> problems = new ArrayList<>();
      file = Usage.path("FILE", fileName, problems);
      for (String name : trustNames) {
        Path trust = Usage.path("--trust", name, problems);
        if (trust != null) {
          trustFiles.add(trust);
        }
      }
      return problems;
    }

    @Override
    public int run() {
      TrustedKeys trusted = null;
      if (!trustFiles.isEmpty()) {
        List<PublicKey> keys = new ArrayList<>();
        for (Path trust : trustFiles) {
          try {
            keys.add(Ed25519Keys.readPublicKey(trust));
          } catch (IOException e) {
            err.println("appupdate catalog: " + keyFileProblem("public key file", trust, e));
            return Exit.FAILED;
          }
        }
        trusted = TrustedKeys.of(keys);
      }
      Catalog catalog;
      try {
        catalog = load(file).catalog();
      } catch (CatalogException e) {
        printProblems(file, e.problems(), out);
        return Exit.FAILED;
      } catch (IOException e) {
        err.println("appupdate catalog: cannot read " + file + ": " + Failures.describe(e));
        return Exit.FAILED;
      }
      if (trusted != null) {
        List<CatalogProblem> unsigned = signatureProblems(catalog, trusted);
        if (!unsigned.isEmpty()) {
          printProblems(file, unsigned, out);
          return Exit.FAILED;
        }
      }
      printSummary(file, catalog, out);
      if (trusted != null) {
        out.println(
            "  signatures: every release signed by a trusted key (trusted: "
                + String.join(", ", trusted.keyIds())
                + ")");
      }
      return Exit.OK;
    }

    /** Returns a problem for each release that no trusted key validly signed. */
    private static List<CatalogProblem> signatureProblems(Catalog catalog, TrustedKeys trusted) {
      List<CatalogProblem> problems = new ArrayList<>();
      List<Release> releases = catalog.releases();
      for (int i = 0; i < releases.size(); i++) {
        Release r = releases.get(i);
        Verification v = ReleaseSignatures.verify(r, trusted);
        if (!v.valid()) {
          problems.add(
              new CatalogProblem(
                  i,
                  "signatures",
                  r.product() + " " + r.updateType() + " " + r.version() + ": " + v.reason()));
        }
      }
      return problems;
    }
  }

  /**
   * {@code appupdate catalog sign}: a release key's signature on every release of a catalog file,
   * written back with everything else as the author wrote it.
   */
  @CommandLine.Command(
      name = "sign",
      header = "sign every release of a catalog file with a release key",
      customSynopsis = "appupdate catalog sign --key PRIVATE CATALOG [-o OUT]",
      description = {
        "Adds to every release of CATALOG a signature by the private release key: Ed25519 over"
            + " its product, update_type, version, hash_function, hash_value and size (see"
            + " docs/PROTOCOL.md, \"Signatures\"), in the release's signatures array. A"
            + " signature the same key made before is replaced; signatures by other keys are"
            + " kept, so that signing with a second key adds a second signature (for a key"
            + " change-over, sign with both).",
        "",
        "CATALOG must be valid, as 'appupdate catalog validate' checks it; an invalid one is"
            + " refused with its problems and nothing is written. Every member and value stays"
            + " as written, in its order; the layout is normalised (two-space indentation)."
            + " The result replaces CATALOG, or goes to OUT, atomically: a server watching the"
            + " file never reads it half written.",
        "",
        "The private key file must be readable by its owner only."
      },
      exitCodeList = {
        "0:every release signed and the file written",
        "1:the catalog has problems, or a file could not be read or written; nothing was"
            + " written",
        "2:usage error: a missing option or CATALOG, an unknown option"
      },
      footerHeading = "%nExamples:%n",
      footer = {
        "  appupdate catalog sign --key release.key catalog.json",
        "  appupdate catalog sign --key release.key catalog.json -o signed.json"
      })
  static final class Sign implements Command {
    private final PrintStream out;
    private final PrintStream err;

    @Parameters(paramLabel = "CATALOG", description = "the catalog file to sign")
    private String catalogName;

    @Option(
        names = "--key",
        paramLabel = "PRIVATE",
        required = true,
        order = 1,
        description =
            "the release key's private key file (PKCS#8 PEM, as keygen writes it); must be"
                + " readable by its owner only")
    private String keyName;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "OUT",
        order = 2,
        description = "where to write the signed catalog; CATALOG itself by default")
    private String outName;

    private Path catalogFile;
    private Path keyFile;
    private Path outFile;

    Sign(PrintStream out, PrintStream err) {
      this.out = out;
      this.err = err;
    }

    @Override
    public List<String> validate() {
      List<String> problems = new ArrayList<>();
      catalogFile = Usage.path("CATALOG", catalogName, problems);
      keyFile = Usage.path("--key", keyName, problems);
      outFile = Usage.path("--output", outName, problems);
      return problems;
    }

    @Override
    public int run() {
      Loaded loaded;
      try {
        loaded = load(catalogFile);
      } catch (CatalogException e) {
        for (CatalogProblem problem : e.problems()) {
          err.println(Failures.oneLine(problem.toString()));
        }
        int n = e.problems().size();
        err.println(
            "appupdate catalog: "
                + catalogFile
                + " is invalid, "
                + n
                + (n == 1 ? " problem" : " problems")
                + "; nothing was signed");
        return Exit.FAILED;
      } catch (IOException e) {
        err.println("appupdate catalog: cannot read " + catalogFile + ": " + Failures.describe(e));
        return Exit.FAILED;
      }
      SigningKey key;
      try {
        key = SigningKey.of(Ed25519Keys.readKeyPair(keyFile));
      } catch (IOException e) {
        err.println(
            "appupdate catalog: "
                + (isPublicKey(keyFile)
                    ? "--key " + keyFile + " is a public key; give the private key file"
                    : keyFileProblem("private key file", keyFile, e)));
        return Exit.FAILED;
      }
      List<Release> releases = loaded.catalog().releases();
      CatalogDocument document = CatalogDocument.parse(loaded.bytes());
      if (document.size() != releases.size()) {
        throw new IllegalStateException(
            "the catalog has " + releases.size() + " releases, its document " + document.size());
      }
      SortedMap<String, Integer> others = new TreeMap<>();
      for (int i = 0; i < releases.size(); i++) {
        Release signed = ReleaseSignatures.sign(releases.get(i), key);
        document.setSignatures(i, signed.signatures());
        for (ReleaseSignature s : signed.signatures()) {
          if (!s.keyId().equals(key.keyId())) {
            others.merge(s.keyId(), 1, Integer::sum);
          }
        }
      }
      Path target = outFile != null ? outFile : catalogFile;
      try {
        CatalogDocument.writeAtomically(target, document.toJson());
      } catch (IOException e) {
        err.println(
            "appupdate catalog: cannot write "
                + target
                + ": "
                + Failures.describe(e)
                + " (nothing was written)");
        return Exit.FAILED;
      }
      int n = releases.size();
      out.println(
          target + ": " + n + (n == 1 ? " release" : " releases") + " signed by " + key.keyId());
      for (Map.Entry<String, Integer> other : others.entrySet()) {
        int count = other.getValue();
        out.println(
            "  also signed by "
                + other.getKey()
                + ": "
                + count
                + (count == 1 ? " release" : " releases")
                + " (kept as they were)");
      }
      return Exit.OK;
    }
  }

  /**
   * Describes why a key file could not be used: the key reader's own message, which names the file
   * and what to do, or a file system failure.
   */
  private static String keyFileProblem(String kind, Path file, IOException e) {
    if (e instanceof FileSystemException) {
      return "cannot read " + kind + " " + file + ": " + Failures.describe(e);
    }
    return Failures.oneLine(String.valueOf(e.getMessage()));
  }

  /** Whether {@code file} holds a public key, a likely mistake for the private one. */
  private static boolean isPublicKey(Path file) {
    try {
      Ed25519Keys.readPublicKey(file);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void printProblems(Path file, List<CatalogProblem> problems, PrintStream out) {
    for (CatalogProblem problem : problems) {
      out.println(Failures.oneLine(problem.toString()));
    }
    int n = problems.size();
    out.println(file + ": invalid, " + n + (n == 1 ? " problem" : " problems"));
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
