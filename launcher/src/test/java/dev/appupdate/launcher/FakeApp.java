package dev.appupdate.launcher;

import dev.appupdate.client.internal.AppDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A version for the launcher's tests; {@code versions/<version>/mode} says what it does: {@code
 * crash} (exit 3 before confirming), {@code hang} (never confirm, wait to be stopped), {@code exit
 * N} (confirm, exit N), {@code serve N} (confirm, print {@code ready}, and exit N when asked to
 * stop). Each start appends its version to {@code APP_DIR/starts}.
 */
public final class FakeApp {
  private FakeApp() {}

  /**
   * Runs the fake version.
   *
   * @param args ignored
   * @throws Exception if the application directory cannot be used
   */
  public static void main(String[] args) throws Exception {
    AppDirectory app = AppDirectory.open(Path.of(System.getProperty(AppDirectory.DIR_PROPERTY)));
    String version = System.getProperty(AppDirectory.VERSION_PROPERTY);
    Files.writeString(
        app.path().resolve("starts"),
        version + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    String[] mode =
        Files.readString(app.versionDirectory(version).resolve("mode")).trim().split(" ");
    switch (mode[0]) {
      case "crash" -> System.exit(3);
      case "hang" -> waitForever();
      case "exit" -> {
        confirm(app, version);
        System.exit(Integer.parseInt(mode[1]));
      }
      case "serve" -> {
        confirm(app, version);
        int status = Integer.parseInt(mode[1]);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Runtime.getRuntime().halt(status)));
        System.out.println("ready");
        System.out.flush();
        waitForever();
      }
      default -> throw new IllegalArgumentException("unknown mode " + mode[0]);
    }
  }

  private static void confirm(AppDirectory app, String version) throws IOException {
    if (!app.confirm(version)) {
      throw new IllegalStateException(version + " is not current");
    }
  }

  private static void waitForever() throws InterruptedException {
    Object never = new Object();
    synchronized (never) {
      while (true) {
        never.wait();
      }
    }
  }
}
