package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Another JVM for the tests of what one process does to another: it locks a download's lock file,
 * or runs a download. The parent reads one line of answer from it.
 */
final class SecondProcess {
  private SecondProcess() {}

  /**
   * {@code lock <file>}: prints {@code locked} or {@code busy}, then holds the lock until its
   * input ends. {@code download <directory> <offer url> <sha512> <size>}: downloads {@code my_data
   * 1.0} and prints {@code ok} or {@code failed: <reason>}.
   */
  public static void main(String[] args) throws IOException {
    if (args[0].equals("lock")) {
      DownloadLock lock = DownloadLock.tryAcquire(Path.of(args[1]));
      System.out.println(lock != null ? "locked" : "busy");
      System.out.flush();
      System.in.readAllBytes();
      if (lock != null) {
        lock.close();
      }
      return;
    }
    AvailableUpdate offer =
        AvailableUpdate.builder()
            .updateType("my_data")
            .url(URI.create(args[2]))
            .hashFunction(HashFunction.SHA512)
            .hashValue(args[3])
            .size(Long.parseLong(args[4]))
            .version("1.0")
            .build();
    UpdateClient client =
        UpdateClient.builder()
            .serverUri(URI.create("http://127.0.0.1/"))
            .request(Fixtures.request().build())
            .retryPolicy(RetryPolicy.none())
            .build();
    try {
      client.download(offer, Path.of(args[1]));
      System.out.println("ok");
    } catch (DownloadException e) {
      System.out.println("failed: " + e.reason());
    }
  }

  /** Asks another process to lock {@code file}: {@code locked} or {@code busy}. */
  static String tryLock(Path file) {
    try (Running p = start("lock", file.toString())) {
      return p.answer();
    }
  }

  /** Starts another process that locks {@code file} and holds the lock until closed. */
  static Running holdLock(Path file) {
    return start("lock", file.toString());
  }

  /** Has another process download {@code offer} into {@code directory}. */
  static String download(Path directory, AvailableUpdate offer) {
    try (Running p =
        start(
            "download",
            directory.toString(),
            offer.url().toString(),
            offer.hashValue(),
            Long.toString(offer.size()))) {
      return p.answer();
    }
  }

  private static Running start(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(
        "-Djava.util.logging.config.file="
            + System.getProperty("java.util.logging.config.file", ""));
    command.add(SecondProcess.class.getName());
    command.addAll(List.of(args));
    try {
      return new Running(new ProcessBuilder(command).redirectErrorStream(true).start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A running second process; closing it ends its input and waits for it to exit. */
  static final class Running implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;
    private String answer;

    private Running(Process process) {
      this.process = process;
      this.out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Its first line of output; blocks until it is there. */
    String answer() {
      if (answer == null) {
        try {
          answer = out.readLine();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return answer;
    }

    @Override
    public void close() {
      try {
        process.getOutputStream().close();
        StringBuilder rest = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
          rest.append(line).append('\n');
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException("second process did not end");
        }
        if (process.exitValue() != 0) {
          throw new IllegalStateException(
              "second process failed with " + process.exitValue() + ": " + answer + "\n" + rest);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
