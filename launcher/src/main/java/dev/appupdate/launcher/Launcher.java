package dev.appupdate.launcher;

import dev.appupdate.client.internal.AppDirectory;
import dev.appupdate.client.internal.AppDirectory.Report;
import dev.appupdate.client.internal.AppDirectory.State;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Starts the current version of an application directory in a child JVM and stays its parent:
 * standard streams are inherited, a SIGTERM (or Ctrl-C) stops the child gracefully and the child's
 * exit status becomes the launcher's. A staged version is switched to at start; until it confirms
 * (the SDK's {@code AppLayout.confirmStarted}) it runs on trial: if it exits with a non-zero status
 * or does not confirm in time, it is started again up to {@code attempts} times, then the pointer
 * is switched back to the previous version, the failure is recorded for the completion report, and
 * the previous version is started.
 *
 * <p>Configuration: {@code APP_DIR/launcher.properties}, see docs/CLIENT.md.
 */
public final class Launcher {
  static final int USAGE = 2;

  private final AppDirectory app;
  private final Config config;
  private final PrintStream log;
  private final Object lock = new Object();
  private Process child;
  private boolean stopping;

  Launcher(AppDirectory app, Config config, PrintStream log) {
    this.app = app;
    this.config = config;
    this.log = log;
  }

  /**
   * Runs the application: {@code java -jar appupdate-launcher.jar APP_DIR [ARG...]}; the arguments
   * after the directory are passed to the application after those of its configuration.
   *
   * @param args the application directory, then the application's arguments
   */
  public static void main(String[] args) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.err.println("usage: java -jar appupdate-launcher.jar APP_DIR [ARG...]");
      System.exit(args.length == 0 ? USAGE : 0);
    }
    AppDirectory app = AppDirectory.open(Path.of(args[0]));
    Config config;
    try {
      config = Config.read(app.path(), Arrays.asList(args).subList(1, args.length));
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("appupdate-launcher: " + e.getMessage());
      System.exit(USAGE);
      return;
    }
    Launcher launcher = new Launcher(app, config, System.err);
    Runtime.getRuntime().addShutdownHook(new Thread(launcher::stop, "appupdate-launcher-stop"));
    int status;
    try {
      status = launcher.run();
    } catch (IOException | RuntimeException e) {
      // A damaged state file (an unreadable number, a version that cannot name a directory) is
      // the launcher's error, not the application's: never a status the application could exit
      // with, such as 1 for an uncaught exception.
      System.err.println("appupdate-launcher: " + e);
      status = USAGE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = 130;
    }
    System.exit(status);
  }

  /**
   * Switches to a staged version if any, runs the current version (with attempts and rollback while
   * it is on trial) and returns its exit status.
   */
  int run() throws IOException, InterruptedException {
    State state = app.switchToStaged();
    if (state.current() == null) {
      throw new IOException("nothing installed in " + app.path() + " (no current version)");
    }
    String failure = null;
    while (state.onTrial()) {
      String version = state.current();
      State before = state;
      Report recorded = app.report(version);
      if (state.attempts() >= config.attempts
          && recorded != null
          && Report.FAILED.equals(recorded.status())) {
        // A launcher stopped between recording a rollback and switching the pointer: finish it,
        // rather than start the version once more and, should it confirm, run a version whose
        // report says it was rolled back.
        state = app.rollBack(recorded.reason());
        log("version " + version + " " + recorded.reason() + "; running " + state.current());
        break;
      }
      state =
          app.locked(
              s -> {
                State next =
                    new State(
                        s.current(), s.previous(), s.staged(), s.confirmed(), s.attempts() + 1);
                app.write(next);
                return next;
              });
      if (!state.onTrial() || !version.equals(state.current())) {
        break; // changed by another process meanwhile
      }
      int attempt = state.attempts();
      log(
          "starting version "
              + version
              + " on trial (attempt "
              + attempt
              + " of "
              + config.attempts
              + ", previous "
              + before.previous()
              + ")");
      Process p = start(version);
      if (p == null) {
        return 143;
      }
      boolean exited = p.waitFor(config.confirmTimeout.toMillis(), TimeUnit.MILLISECONDS);
      if (stoppingNow()) {
        return p.waitFor();
      }
      if (exited) {
        int status = p.exitValue();
        State now = app.state();
        if (now.confirmed() || status == 0) {
          // Confirmed, or a clean exit before confirming: neither is a failed start.
          return status;
        }
        failure = "exited with status " + status + " before confirming";
      } else {
        failure = "did not confirm within " + config.confirmTimeout.toSeconds() + " s";
        if (attempt < config.attempts) {
          if (app.state().confirmed()) {
            return p.waitFor();
          }
          log("version " + version + " " + failure + "; stopping it");
          stopChild(p);
        }
      }
      if (attempt >= config.attempts) {
        String reason =
            "rolled back: "
                + failure
                + " ("
                + attempt
                + (attempt == 1 ? " attempt)" : " attempts)");
        // Atomic with the check that it did not confirm meanwhile.
        State after = app.rollBack(reason);
        if (version.equals(after.current())) {
          log("version " + version + " confirmed at the last moment");
          return p.waitFor();
        }
        if (p.isAlive()) {
          stopChild(p);
        }
        log("version " + version + " " + reason + "; running version " + after.current());
        state = after;
        break;
      }
      log(
          "version "
              + version
              + " "
              + failure
              + " (attempt "
              + attempt
              + " of "
              + config.attempts
              + ")");
      state = app.state();
    }
    Process p = start(state.current());
    if (p == null) {
      return 143;
    }
    return p.waitFor();
  }

  /** Starts {@code version}; null when the launcher is stopping. */
  private Process start(String version) throws IOException {
    List<String> command = config.command(app, version);
    synchronized (lock) {
      if (stopping) {
        return null;
      }
      child = new ProcessBuilder(command).inheritIO().start();
      return child;
    }
  }

  private boolean stoppingNow() {
    synchronized (lock) {
      return stopping;
    }
  }

  /**
   * The shutdown hook: stops the running child gracefully, waits for it and exits with its status,
   * so that a stopped launcher reports what its application reported.
   */
  void stop() {
    Process p;
    synchronized (lock) {
      stopping = true;
      p = child;
    }
    if (p == null || !p.isAlive()) {
      return;
    }
    int status = stopChild(p);
    Runtime.getRuntime().halt(status);
  }

  /** Asks the child to stop (SIGTERM on Unix), then kills it after the stop timeout. */
  private int stopChild(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(config.stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log("version did not stop within " + config.stopTimeout.toSeconds() + " s; killing it");
        p.destroyForcibly();
      }
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return 143;
    }
  }

  private void log(String message) {
    log.println("appupdate-launcher: " + message);
  }

  /** The launcher's configuration, {@code APP_DIR/launcher.properties}. */
  static final class Config {
    final String mainClass;
    final List<String> classPath;
    final List<String> jvmOptions;
    final List<String> arguments;
    final Duration confirmTimeout;
    final int attempts;
    final Duration stopTimeout;
    final String java;

    private Config(Properties p, List<String> extraArguments) {
      mainClass = required(p, "main-class");
      classPath = words(p.getProperty("class-path", "lib/*"));
      jvmOptions = words(p.getProperty("jvm-options", ""));
      List<String> args = new ArrayList<>(words(p.getProperty("arguments", "")));
      args.addAll(extraArguments);
      arguments = List.copyOf(args);
      confirmTimeout = Duration.ofSeconds(positive(p, "confirm-timeout", 60));
      attempts = (int) positive(p, "attempts", 2);
      stopTimeout = Duration.ofSeconds(positive(p, "stop-timeout", 10));
      java =
          p.getProperty("java", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static Config read(Path appDir, List<String> extraArguments) throws IOException {
      Path file = appDir.resolve(AppDirectory.LAUNCHER_CONFIG);
      Properties p = new Properties();
      try {
        p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
      } catch (NoSuchFileException e) {
        throw new IOException("no configuration: " + file + " is missing");
      }
      return new Config(p, extraArguments);
    }

    List<String> command(AppDirectory app, String version) {
      Path home = app.versionDirectory(version);
      List<String> command = new ArrayList<>();
      command.add(java);
      command.addAll(jvmOptions);
      command.add("-D" + AppDirectory.DIR_PROPERTY + "=" + app.path());
      command.add("-D" + AppDirectory.VERSION_PROPERTY + "=" + version);
      command.add("-cp");
      List<String> entries = new ArrayList<>();
      for (String e : classPath) {
        entries.add(home.resolve(e).toString());
      }
      command.add(String.join(File.pathSeparator, entries));
      command.add(mainClass);
      command.addAll(arguments);
      return command;
    }

    private static String required(Properties p, String key) {
      String v = p.getProperty(key);
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException(
            AppDirectory.LAUNCHER_CONFIG + ": " + key + " is required");
      }
      return v.trim();
    }

    private static long positive(Properties p, String key, long fallback) {
      String v = p.getProperty(key);
      if (v == null) {
        return fallback;
      }
      try {
        long n = Long.parseLong(v.trim());
        if (n > 0) {
          return n;
        }
      } catch (NumberFormatException e) {
        // Reported below with the key's name.
      }
      throw new IllegalArgumentException(
          AppDirectory.LAUNCHER_CONFIG
              + ": "
              + key
              + " must be a positive number, not '"
              + v
              + "'");
    }

    private static List<String> words(String text) {
      return text.isBlank() ? List.of() : List.of(text.trim().split("\\s+"));
    }
  }
}
