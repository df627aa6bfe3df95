package dev.appupdate.examples.cli;

import dev.appupdate.protocol.HashFunction;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * {@code appupdate hash}: the {@code hash_function}, {@code hash_value} and {@code size} of a
 * catalog release for a file, ready to paste. The file is streamed, never read into memory whole.
 */
final class HashCommand implements Command {
  private static final String FUNCTION = "--function";
  private static final int BUFFER_BYTES = 64 * 1024;

  @Override
  public String help() {
    return """
        Usage: appupdate hash FILE [--function sha512|sha384|sha256]

        Prints the hash_function, hash_value and size fields of a catalog release
        for FILE, ready to paste into the release:
          "hash_function": "sha512",
          "hash_value": "a2b85319...",
          "size": 1234

        Options:
          --function F  the hash function: sha512 (default), sha384 or sha256
          --help        print this help

        Exit codes:
          0  printed
          1  FILE could not be read
          2  usage error: no FILE, more than one, an unknown option or hash function

        Example:
          appupdate hash files/important_data_v1.json
        """;
  }

  @Override
  public int run(List<String> args, PrintStream out, PrintStream err) throws UsageException {
    Args a = Args.parse(args, Set.of(FUNCTION), Set.of(), Set.of());
    String name = a.expectPositionals("FILE").get(0);
    HashFunction function = HashFunction.SHA512;
    if (a.value(FUNCTION) != null) {
      try {
        function = HashFunction.fromWireName(a.value(FUNCTION));
      } catch (IllegalArgumentException e) {
        throw new UsageException(FUNCTION + ": " + e.getMessage());
      }
    }
    Path file;
    try {
      file = Path.of(name);
    } catch (InvalidPathException e) {
      throw new UsageException("FILE: " + Failures.oneLine(e.getMessage()));
    }
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
