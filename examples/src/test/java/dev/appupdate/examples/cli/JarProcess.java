package dev.appupdate.examples.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A runnable jar in a child JVM ({@code java -jar JAR ARGS}, with the java of this JVM), for the
 * end-to-end tests. Closing it ends the process: politely first, then forcibly.
 */
final class JarProcess implements AutoCloseable {
  /** How long a child JVM gets to start, finish a command, or stop. */
  static final Duration DEADLINE = Duration.ofSeconds(30);

  private final String name;
  private final Process process;
  private final Path stderr;
  private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
  private final List<String> stdout = new ArrayList<>();
  private final Thread reader;

  private JarProcess(String name, Process process, Path stderr) {
    this.name = name;
    this.process = process;
    this.stderr = stderr;
    // Stdout is drained at once, so that a chatty child never blocks on a full pipe; stderr goes
    // to a file for the same reason.
    reader = new Thread(this::readStdout, name + "-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Returns the path of a jar named by a system property that the build sets.
   *
   * @throws IllegalStateException if the property is missing or the jar does not exist
   */
  static Path jar(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException(
          "system property " + property + " is not set: run the *IT tests with mvn verify");
    }
    Path jar = Path.of(value);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          property + " names " + jar + ", which does not exist: run mvn verify from the root");
    }
    return jar;
  }

  /**
   * Starts {@code java -jar jar args} in {@code workDir}.
   *
   * @param name names the process in failure messages
   */
  static JarProcess start(String name, Path jar, Path workDir, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    Files.createDirectories(workDir);
    Path stderr = Files.createTempFile(workDir, name + "-stderr", ".txt");
    Process process =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectError(stderr.toFile())
            .start();
    process.getOutputStream().close(); // nothing to read on stdin: end of input at once
    return new JarProcess(name, process, stderr);
  }

  private void readStdout() {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        synchronized (stdout) {
          stdout.add(line);
        }
        unread.add(line);
      }
    } catch (IOException e) {
      // The process is gone; what it printed before is kept.
    }
  }

  /**
   * Waits for the first line of stdout, which must match {@code expected}, and returns the match.
   *
   * @throws AssertionError if no line comes within {@link #DEADLINE} or the line does not match
   */
  Matcher awaitFirstLine(Pattern expected) throws IOException, InterruptedException {
    String line = unread.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    if (line == null) {
      throw new AssertionError(
          name + " printed nothing within " + DEADLINE + " (alive: " + process.isAlive()
              + "); stderr: " + stderr());
    }
    Matcher m = expected.matcher(line);
    if (!m.matches()) {
      throw new AssertionError(
          name + " printed " + line + ", expected " + expected + "; stderr: " + stderr());
    }
    return m;
  }

  /**
   * Waits for the process to exit and returns its exit code.
   *
   * @throws AssertionError if it is still running after {@link #DEADLINE}
   */
  int awaitExit() throws IOException, InterruptedException {
    if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
      throw new AssertionError(
          name + " did not exit within " + DEADLINE + "; stderr: " + stderr());
    }
    return process.exitValue();
  }

  /** Returns everything printed to stdout, once the process has exited. */
  List<String> stdoutLines() throws IOException, InterruptedException {
    awaitExit();
    reader.join(DEADLINE.toMillis()); // it ends when the pipe is drained
    synchronized (stdout) {
      return List.copyOf(stdout);
    }
  }

  /** Returns what was printed to stderr so far. */
  String stderr() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  /** Ends the process: SIGTERM, then a forcible kill if it is still running after a while. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
