package dev.appupdate.examples.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One in-process run of the CLI: its exit code and everything it printed.
 *
 * @param exit the exit code
 * @param out what went to stdout
 * @param err what went to stderr
 */
record CliRun(int exit, String out, String err) {

  /** Runs {@code args} with plain progress lines and retries that do not wait. */
  static CliRun run(String... args) {
    return run(new AppUpdateCli(false, duration -> {}, () -> 0L), args);
  }

  /** Runs {@code args} on {@code cli}. */
  static CliRun run(AppUpdateCli cli, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      exit = cli.run(args, o, e);
    }
    return new CliRun(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Returns stdout as lines. */
  List<String> outLines() {
    return out.lines().toList();
  }

  /** Returns a loopback port that was free a moment ago and on which nothing listens now. */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
