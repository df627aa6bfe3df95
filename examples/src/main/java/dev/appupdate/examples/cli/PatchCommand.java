package dev.appupdate.examples.cli;

import dev.appupdate.client.patch.ZstdPatches;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code appupdate patch}: tools for patch files; {@code create}. */
@CommandLine.Command(
    name = "patch",
    header = "create a patch between two versions of a file: patch create",
    customSynopsis =
        "appupdate patch create --from OLD --to NEW -o PATCH [--from-version V] [--level N]",
    description = "Creates patch files; 'appupdate patch create --help' says how.",
    exitCodeList = {"2:usage error: no subcommand, or an unknown one"})
final class PatchCommand implements Command {
  @Spec private CommandSpec spec;

  @Override
  public int run() {
    throw new ParameterException(spec.commandLine(), "missing subcommand; expected create");
  }

  /** {@code appupdate patch create}: a zstd patch and its catalog fields. */
  @CommandLine.Command(
      name = "create",
      header = "write a zstd patch from OLD to NEW and print its catalog entry",
      customSynopsis =
          "appupdate patch create --from OLD --to NEW -o PATCH [--from-version V] [--level N]",
      description = {
        "Writes PATCH, a zstd patch that rebuilds NEW from OLD (the frame that 'zstd"
            + " --patch-from=OLD --long=31 NEW' writes; docs/PROTOCOL.md, Patches), then prints"
            + " the patch's entry for the NEW release's \"patches\" in a catalog, without its"
            + " url (docs/CATALOG.md):",
        "  {",
        "    \"from\": \"1.0\",",
        "    \"format\": \"zstd\",",
        "    \"hash_function\": \"sha512\",",
        "    \"hash_value\": \"9b71d224...\",",
        "    \"size\": 292738",
        "  }",
        "\"from\" is printed with --from-version. A line on stderr compares the patch's size"
            + " with NEW's. Creating holds both files in memory; clients apply patches while"
            + " streaming."
      },
      exitCodeList = {
        "0:written and printed",
        "1:a file could not be read or written",
        "2:usage error: a missing option, an invalid version or level"
      },
      footerHeading = "%nExample:%n",
      footer = {
        "  appupdate patch create --from app-1.0.jar --to app-2.0.jar \\",
        "      -o files/app-1.0-2.0.zst --from-version 1.0"
      })
  static final class Create implements Command {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final PrintStream out;
    private final PrintStream err;

    @Option(names = "--from", paramLabel = "OLD", required = true, description = "the old file")
    private String fromName;

    @Option(names = "--to", paramLabel = "NEW", required = true, description = "the new file")
    private String toName;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "PATCH",
        required = true,
        description = "where the patch is written; replaced if present")
    private String patchName;

    @Option(
        names = "--from-version",
        paramLabel = "V",
        description = "the version of OLD, printed as \"from\"")
    private String fromVersion;

    @Option(
        names = "--level",
        paramLabel = "N",
        description = "the zstd level, 1 to 22; 19 by default")
    private int level = ZstdPatches.DEFAULT_LEVEL;

    private Path from;
    private Path to;
    private Path patch;

    Create(PrintStream out, PrintStream err) {
      this.out = out;
      this.err = err;
    }

    @Override
    public List<String> validate() {
      List<String> problems = new ArrayList<>();
      from = path(problems, "--from", fromName);
      to = path(problems, "--to", toName);
      patch = path(problems, "--output", patchName);
      if (fromVersion != null) {
        try {
          Version.parse(fromVersion);
        } catch (IllegalArgumentException e) {
          problems.add("--from-version: " + e.getMessage());
        }
      }
      if (level < 1 || level > 22) {
        problems.add("--level: must be 1 to 22, got " + level);
      }
      return problems;
    }

    private static Path path(List<String> problems, String option, String name) {
      if (name == null) {
        return null;
      }
      try {
        return Path.of(name);
      } catch (InvalidPathException e) {
        problems.add(option + ": " + Failures.oneLine(e.getMessage()));
        return null;
      }
    }

    @Override
    public int run() {
      try {
        ZstdPatches.create(from, to, patch, level);
      } catch (IOException e) {
        err.println("appupdate patch create: " + Failures.describe(e));
        return Exit.FAILED;
      }
      HashFunction function = HashFunction.SHA512;
      MessageDigest digest = function.newDigest();
      long size = 0;
      long newSize;
      try (InputStream in = Files.newInputStream(patch)) {
        byte[] buffer = new byte[BUFFER_BYTES];
        for (int n; (n = in.read(buffer)) != -1; ) {
          digest.update(buffer, 0, n);
          size += n;
        }
        newSize = Files.size(to);
      } catch (IOException e) {
        err.println("appupdate patch create: cannot read " + patch + ": " + Failures.describe(e));
        return Exit.FAILED;
      }
      out.println("{");
      if (fromVersion != null) {
        out.println("  \"from\": \"" + fromVersion + "\",");
      }
      out.println("  \"format\": \"" + ZstdPatches.FORMAT + "\",");
      out.println("  \"hash_function\": \"" + function.wireName() + "\",");
      out.println("  \"hash_value\": \"" + HexFormat.of().formatHex(digest.digest()) + "\",");
      out.println("  \"size\": " + size);
      out.println("}");
      err.println(
          "patch: "
              + size
              + " bytes, "
              + String.format(Locale.ROOT, "%.1f", newSize == 0 ? 0.0 : 100.0 * size / newSize)
              + "% of "
              + to.getFileName()
              + " ("
              + newSize
              + " bytes)");
      return Exit.OK;
    }
  }
}
