package dev.appupdate.examples.apply;

import dev.appupdate.client.AppLayout;
import dev.appupdate.client.InstallationId;
import dev.appupdate.client.UpdateClient;
import dev.appupdate.client.UpdateSummary;
import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * A tiny application updated in place by the launcher: each version is a zip of {@code lib/*.jar}
 * and an optional {@code demo.properties}, unpacked under {@code APP_DIR/versions/<version>/}.
 *
 * <p>Run by the launcher as {@code java -jar appupdate-launcher.jar APP_DIR SERVER_URL [--update]}
 * with {@code main-class=dev.appupdate.examples.apply.DemoApp} in {@code
 * APP_DIR/launcher.properties}. At start it confirms its version and sends any pending completion
 * report (the one call an updated application makes); with {@code --update} it then checks for a
 * newer version and stages it for the next start. A version whose {@code demo.properties} says
 * {@code crash=true} exits with status 1 before confirming, as a broken release would.
 */
public final class DemoApp {
  /** The product this demo asks updates for. */
  public static final String PRODUCT = "your_app";

  private DemoApp() {}

  /**
   * Starts the demo.
   *
   * @param args the update server's URL, then optionally {@code --update}
   * @throws IOException if the application directory or the update check failed
   */
  public static void main(String[] args) throws IOException {
    AppLayout app =
        AppLayout.launched()
            .orElseThrow(() -> new IllegalStateException("run me with the appupdate launcher"));
    String version = app.runningVersion().orElseThrow();
    Properties demo = new Properties();
    Path settings = app.versionDirectory(version).resolve("demo.properties");
    if (Files.exists(settings)) {
      try (Reader in = Files.newBufferedReader(settings)) {
        demo.load(in);
      }
    }
    if (Boolean.parseBoolean(demo.getProperty("crash"))) {
      System.out.println("demo " + version + " crashing at start");
      System.exit(1);
    }
    UpdateClient client =
        UpdateClient.builder()
            .serverUri(URI.create(args[0]))
            .request(
                UpdateClient.jvmRequest(PRODUCT, version)
                    .installationId(
                        InstallationId.loadOrCreate(app.directory().resolve("installation-id")))
                    .build())
            .build();

    // The one call: the launcher keeps the previous version until this returns.
    if (!app.confirmStarted(client)) {
      System.out.println("demo " + version + " was rolled back; exiting");
      System.exit(1);
    }
    System.out.println("demo " + version + " started and confirmed");

    List<String> options = Arrays.asList(args).subList(1, args.length);
    if (options.contains("--update")) {
      UpdateSummary summary = client.update(app.directory().resolve("downloads"), app.installer());
      for (AvailableUpdate staged : summary.staged()) {
        System.out.println("staged " + staged.version() + ", runs at the next start");
      }
      for (UpdateSummary.Entry e : summary.entries()) {
        System.out.println(
            e.updateType() + " " + e.outcome().version() + " failed: " + e.outcome().reason());
      }
      if (summary.staged().isEmpty() && summary.entries().isEmpty()) {
        System.out.println("no update available");
      }
    }
  }
}
