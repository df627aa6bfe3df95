package dev.appupdate.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The runnable jar in a child JVM, for the integration tests. */
final class ServerProcess implements AutoCloseable {
  static final Pattern LISTENING =
      Pattern.compile("appupdate server listening on http://127\\.0\\.0\\.1:(\\d+)");

  private final Process process;
  private final Path stderr;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final List<String> allStdout = new ArrayList<>();
  private final Thread reader;

  private ServerProcess(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
    reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  synchronized (allStdout) {
                    allStdout.add(line);
                  }
                  stdout.add(line);
                }
              } catch (IOException e) {
                // the process is gone
              }
            },
            "server-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  static Path jar() {
    String jar = System.getProperty("appupdate.server.jar");
    if (jar == null) {
      throw new IllegalStateException(
          "system property appupdate.server.jar is not set: run the *IT tests with mvn verify");
    }
    return Path.of(jar);
  }

  /** Starts {@code java [jvmOptions] -jar appupdate-server.jar args}. */
  static ServerProcess start(Path workDir, List<String> jvmOptions, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(jvmOptions);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(withAdminPort(args)));
    return run(workDir, command);
  }

  /**
   * Starts the module's own jar and its dependencies on the module path: {@code java -p PATH -m
   * dev.appupdate.server/dev.appupdate.server.Main args}.
   */
  static ServerProcess startOnModulePath(Path workDir, String... rawArgs) throws IOException {
    String[] args = withAdminPort(rawArgs);
    String modulePath = System.getProperty("appupdate.server.modulePath");
    if (modulePath == null) {
      throw new IllegalStateException(
          "system property appupdate.server.modulePath is not set: run the *IT tests with mvn"
              + " verify");
    }
    List<String> command =
        new ArrayList<>(
            List.of("-p", modulePath, "-m", "dev.appupdate.server/" + Main.class.getName()));
    command.addAll(List.of(args));
    return run(workDir, command);
  }

  private static ServerProcess run(Path workDir, List<String> javaArgs) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(javaArgs);
    Files.createDirectories(workDir);
    Path stderr = Files.createTempFile(workDir, "stderr", ".txt");
    Process p =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectError(stderr.toFile())
            .start();
    return new ServerProcess(p, stderr);
  }

  /**
   * Returns the java launcher of the child: the one of {@code -Dappupdate.it.java=PATH} (for
   * example a newer JDK, to test the server on it), else this JVM's.
   */
  static String java() {
    String java = System.getProperty("appupdate.it.java");
    return java != null && !java.isBlank()
        ? java
        : Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Starts the jar with {@code args}, plus {@code --admin-port 0} unless they name an admin port:
   * the default 8001 would collide with any other server on the machine.
   */
  static ServerProcess start(Path workDir, String... args) throws IOException {
    return start(workDir, List.of(), args);
  }

  static String[] withAdminPort(String... args) {
    List<String> list = new ArrayList<>(List.of(args));
    // Subcommands such as import-completions open no listener and take no --admin-port.
    boolean subcommand = !list.isEmpty() && !list.get(0).startsWith("-");
    if (!subcommand && !list.contains("--admin-port")) {
      list.add("--admin-port");
      list.add("0");
    }
    return list.toArray(new String[0]);
  }

  /** Waits for the listening line and returns the port it names. */
  int awaitPort() throws Exception {
    // A child that failed to start says why on stderr at once: no need to wait the whole time.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String line = stdout.poll(100, TimeUnit.MILLISECONDS);
    while (line == null && System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        line = stdout.poll(1, TimeUnit.SECONDS);
        break;
      }
      line = stdout.poll(100, TimeUnit.MILLISECONDS);
    }
    if (line == null) {
      throw new AssertionError("no listening line; stderr: " + stderr());
    }
    Matcher m = LISTENING.matcher(line);
    if (!m.matches()) {
      throw new AssertionError("unexpected first line " + line + "; stderr: " + stderr());
    }
    return Integer.parseInt(m.group(1));
  }

  Process process() {
    return process;
  }

  int awaitExit() throws Exception {
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("the server did not exit; stderr: " + stderr());
    }
    return process.exitValue();
  }

  /** Returns every line printed to standard output so far, after the process ended. */
  List<String> stdoutLines() throws Exception {
    awaitExit();
    reader.join(10_000); // it ends when the pipe is drained
    synchronized (allStdout) {
      return List.copyOf(allStdout);
    }
  }

  /** Returns the file the child's standard error goes to. */
  Path stderrFile() {
    return stderr;
  }

  String stderr() throws IOException {
    return Files.readString(stderr);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
