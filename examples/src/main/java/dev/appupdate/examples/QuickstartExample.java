package dev.appupdate.examples;

import dev.appupdate.client.InstallationId;
import dev.appupdate.client.Installer;
import dev.appupdate.client.UpdateClient;
import dev.appupdate.client.UpdateSummary;
import dev.appupdate.protocol.UpdateRequest;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The whole client flow in one call: check, download and verify, install, report.
 *
 * <p>Arguments, all optional, in order: server URL ({@code http://127.0.0.1:8000}), product
 * ({@code your_app}), version ({@code 666}), platform ({@code macOS}), locale ({@code en-US}) and
 * the directory the example works in ({@code quickstart}). Installed updates end up in {@code
 * quickstart/installed/<update_type>}, and their versions in {@code
 * quickstart/installed.properties}, which the next run sends so that it gets only newer ones.
 */
public final class QuickstartExample {
  private QuickstartExample() {}

  /**
   * Runs one update round against a server and prints the outcome of each update.
   *
   * @param args server URL, product, version, platform, locale, working directory; each optional
   * @throws IOException if the update check failed; nothing was downloaded then
   */
  public static void main(String[] args) throws IOException {
    Path home = Path.of(arg(args, 5, "quickstart"));
    // The installed version of each update type, sent with every check: the server offers only
    // newer ones, so a second run does not download again what the first one installed.
    Path installedFile = home.resolve("installed.properties");
    Properties installed = new Properties();
    if (Files.exists(installedFile)) {
      try (Reader in = Files.newBufferedReader(installedFile)) {
        installed.load(in);
      }
    }
    UpdateRequest.Builder request =
        UpdateRequest.builder(
                arg(args, 1, "your_app"),
                arg(args, 2, "666"),
                arg(args, 3, "macOS"),
                arg(args, 4, "en-US"))
            .installationId(InstallationId.loadOrCreate(home.resolve("installation-id")));
    installed.stringPropertyNames().forEach(t -> request.installed(t, installed.getProperty(t)));
    UpdateClient client =
        UpdateClient.builder()
            .serverUri(URI.create(arg(args, 0, "http://127.0.0.1:8000")))
            .request(request.build())
            .build();

    // Gets each verified file; whatever it throws is reported to the server as a failure. The
    // version is recorded only once the file is in place.
    Installer installer =
        downloaded -> {
          String type = downloaded.offer().updateType();
          Path target = home.resolve("installed").resolve(type);
          Files.createDirectories(target.getParent());
          Files.move(downloaded.path(), target, StandardCopyOption.REPLACE_EXISTING);
          installed.setProperty(type, downloaded.offer().version());
          try (Writer out = Files.newBufferedWriter(installedFile)) {
            installed.store(out, "update type = installed version");
          }
        };

    UpdateSummary summary = client.update(home.resolve("downloads"), installer);
    for (UpdateSummary.Entry e : summary.entries()) {
      String outcome = e.succeeded() ? "installed" : "failed: " + e.outcome().reason();
      System.out.println(e.updateType() + " " + e.outcome().version() + " " + outcome);
    }
    System.out.println(
        summary.entries().isEmpty() ? "no update available"
            : summary.reported() ? "reported to the server"
            : "report not delivered: " + summary.reportFailure());
  }

  private static String arg(String[] args, int index, String fallback) {
    return args.length > index ? args[index] : fallback;
  }
}
