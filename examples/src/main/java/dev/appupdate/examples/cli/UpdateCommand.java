package dev.appupdate.examples.cli;

import dev.appupdate.client.Installer;
import dev.appupdate.client.Sleeper;
import dev.appupdate.client.UpdateClient;
import dev.appupdate.client.UpdateSummary;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.Outcome;
import dev.appupdate.protocol.ProtocolException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code appupdate update}: the client's whole flow. Checks, downloads and verifies every offer
 * into a directory, keeps the verified files there, and reports the outcome to the server.
 */
@CommandLine.Command(
    name = "update",
    header = "download, verify and report every offer into a directory",
    customSynopsis = {
      "appupdate update --server URL --product P --version V --platform X",
      "                        --locale L --dir DIR [--channel C]",
      "                        [--installation-id ID] [--installed TYPE=VERSION ...]",
      "                        [--insecure-http] [--trust PUBLIC ...]",
      "                        [--server-key PUBLIC ...]"
    },
    description = {
      "Asks an update server what it offers, downloads and verifies every offer into DIR,"
          + " and reports the outcome of each to the server (POST /v1/completion). A verified"
          + " file is kept as DIR/<update_type>-<version>-<hash>; a file already there that"
          + " verifies is not downloaded again, and a broken download is resumed when the"
          + " server allows it.",
      "",
      "Patches: the request lists patch_formats [\"zstd\"]. When an offer carries a patch"
          + " from a version whose verified file is in DIR (a file an earlier update kept"
          + " there), only the patch is downloaded and the new file is rebuilt from it and"
          + " verified against the offer's digest and size. If that fails for any reason, the"
          + " full file is downloaded instead, and the line says why:",
      "  my_important_binary_blob 2.0 ok (patched)",
      "  my_important_binary_blob 2.0 ok (patch not used: base file ... differs from 1.0)",
      "",
      "Progress goes to stderr: a progress bar on a terminal, occasional plain lines"
          + " otherwise. Then one line per update goes to stdout, and whether the completion"
          + " report was delivered:",
      "  my_important_data 1.0 ok",
      "  my_important_binary_blob 2.0 failed: bad checksum",
      "  completion reported",
      "",
      "With --trust, an offer that no trusted release key signed is not downloaded and fails"
          + " as bad_signature; with --server-key, an answer to the check that no trusted"
          + " server key signed for this very request fails the check (exit 3). With or"
          + " without keys, an offer not newer than its --installed version is refused.",
      "",
      "Checks, downloads and reports are retried with backoff after connection failures,"
          + " timeouts, 408, 429 and 5xx: four attempts within two minutes."
    },
    exitCodeList = {
      "0:every offered update was downloaded and verified and the report was delivered, or"
          + " the server offered nothing (204)",
      "1:an update failed (bad checksum, bad signature, HTTP error, size mismatch, invalid"
          + " offer, ...) or the completion report was not delivered",
      "2:usage error: unknown option, missing or invalid value",
      "3:the update check failed: the server could not be reached, answered an error status"
          + " (after retries) or an invalid document, or, with --server-key, an answer no"
          + " trusted server key signed; nothing was downloaded"
    },
    footerHeading = "%nExample:%n",
    footer = {
      "  appupdate update --server http://127.0.0.1:8000 --product your_app \\",
      "      --version 666 --platform macOS --locale en-US --dir downloads"
    })
final class UpdateCommand implements Command {
  /**
   * The verified file stays where the client put it: {@code DIR/<update_type>-<version>-<hash>}.
   */
  private static final Installer KEEP_IN_DIRECTORY = downloaded -> {};

  private final PrintStream out;
  private final PrintStream err;
  private final boolean terminal;
  private final Sleeper sleeper;
  private final LongSupplier nanoTime;

  @Mixin private ServerOptions options;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      required = true,
      order = 20,
      description = "where verified files are kept; created if missing")
  private String dirName;

  private Path dir;

  UpdateCommand(
      PrintStream out, PrintStream err, boolean terminal, Sleeper sleeper, LongSupplier nanoTime) {
    this.out = out;
    this.err = err;
    this.terminal = terminal;
    this.sleeper = sleeper;
    this.nanoTime = nanoTime;
  }

  @Override
  public List<String> validate() {
    options.patches = true;
    List<String> problems = new ArrayList<>(options.validate(sleeper));
    if (dirName != null) {
      try {
        dir = Path.of(dirName);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
          problems.add("--dir: " + Usage.quote(dirName) + " is not a directory");
        }
      } catch (InvalidPathException e) {
        problems.add("--dir: " + Failures.oneLine(e.getMessage()));
      }
    }
    return problems;
  }

  @Override
  public int run() {
    UpdateClient client = options.client();
    ProgressDisplay progress = new ProgressDisplay(err, terminal, nanoTime);
    UpdateSummary summary;
    try {
      summary = client.update(dir, KEEP_IN_DIRECTORY, progress);
    } catch (IOException | ProtocolException e) {
      progress.finish();
      err.println("appupdate update: " + options.checkFailure(e));
      return Exit.NO_SERVER;
    }
    progress.finish();
    if (summary.requestId() == null) {
      out.println("no update available");
      return Exit.OK;
    }
    if (summary.entries().isEmpty()) {
      out.println("no update installed: the server offered only updates that cannot be read");
      return Exit.FAILED;
    }
    for (UpdateSummary.Entry e : summary.entries()) {
      Outcome o = e.outcome();
      out.println(
          e.updateType()
              + " "
              + o.version()
              + (e.succeeded() ? " ok" : " failed: " + failure(o.code(), o.reason()))
              + patchNote(o));
    }
    if (summary.reportFailure() == null) {
      out.println("completion reported");
    } else {
      out.println("completion not reported: " + options.describe(summary.reportFailure()));
    }
    return summary.allSucceeded() && summary.reported() ? Exit.OK : Exit.FAILED;
  }

  /** Returns what the line says about a patch: nothing when none was offered or tried. */
  static String patchNote(Outcome o) {
    if (o.patchUsed() == null) {
      return "";
    }
    return o.patchUsed() ? " (patched)" : " (patch not used: " + o.patchFailure() + ")";
  }

  /**
   * Returns how a failure is shown: its reason as reported, such as {@code bad checksum}. A
   * signature failure also names its code, {@code bad_signature: signature by ... does not verify},
   * since its reason alone says what was wrong with the signature but not that the offer was
   * refused for it; other reasons name their kind already.
   */
  static String failure(FailureCode code, String reason) {
    return code == FailureCode.BAD_SIGNATURE ? code.wireName() + ": " + reason : reason;
  }
}
