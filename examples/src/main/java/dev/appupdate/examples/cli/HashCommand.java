package dev.appupdate.examples.cli;

import dev.appupdate.protocol.HashFunction;
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
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code appupdate hash}: the {@code hash_function}, {@code hash_value} and {@code size} of a
 * catalog release for a file, ready to paste. The file is streamed, never read into memory whole.
 */
@CommandLine.Command(
    name = "hash",
    header = "print a file's hash and size fields for a catalog release",
    customSynopsis = "appupdate hash FILE [--function sha512|sha384|sha256]",
    description = {
      "Prints the hash_function, hash_value and size fields of a catalog release for FILE,"
          + " ready to paste into the release:",
      "  \"hash_function\": \"sha512\",",
      "  \"hash_value\": \"a2b85319...\",",
      "  \"size\": 1234"
    },
    exitCodeList = {
      "0:printed",
      "1:FILE could not be read",
      "2:usage error: no FILE, more than one, an unknown option or hash function"
    },
    footerHeading = "%nExample:%n",
    footer = "  appupdate hash files/important_data_v1.json")
final class HashCommand implements Command {
  private static final int BUFFER_BYTES = 64 * 1024;

  private final PrintStream out;
  private final PrintStream err;

  @Parameters(paramLabel = "FILE", description = "the file to hash")
  private String fileName;

  @Option(
      names = "--function",
      paramLabel = "F",
      description = "the hash function: sha512 (default), sha384 or sha256")
  private String functionName;

  private Path file;
  private HashFunction function = HashFunction.SHA512;

  HashCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public List<String> validate() {
    List<String> problems = new ArrayList<>();
    if (functionName != null) {
      try {
        function = HashFunction.fromWireName(functionName);
      } catch (IllegalArgumentException e) {
        problems.add("--function: " + e.getMessage());
      }
    }
    if (fileName != null) {
      try {
        file = Path.of(fileName);
      } catch (InvalidPathException e) {
        problems.add("FILE: " + Failures.oneLine(e.getMessage()));
      }
    }
    return problems;
  }

  @Override
  public int run() {
    MessageDigest digest = function.newDigest();
    long size = 0;
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buffer = new byte[BUFFER_BYTES];
      for (int n; (n = in.read(buffer)) != -1; ) {
        digest.update(buffer, 0, n);
        size += n;
      }
    } catch (IOException e) {
      err.println("appupdate hash: cannot read " + file + ": " + Failures.describe(e));
      return Exit.FAILED;
    }
    out.println("\"hash_function\": \"" + function.wireName() + "\",");
    out.println("\"hash_value\": \"" + HexFormat.of().formatHex(digest.digest()) + "\",");
    out.println("\"size\": " + size);
    return Exit.OK;
  }
}
