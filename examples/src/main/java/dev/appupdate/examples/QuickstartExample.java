package dev.appupdate.examples;

import dev.appupdate.client.InstallationId;
import dev.appupdate.client.Installer;
import dev.appupdate.client.UpdateClient;
import dev.appupdate.client.UpdateSummary;
import dev.appupdate.protocol.UpdateRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The whole client flow in one call: check, download and verify, install, report.
 *
 * <p>Arguments, all optional, in order: server URL ({@code http://127.0.0.1:8000}), product
 * ({@code your_app}), version ({@code 666}), platform ({@code macOS}), locale ({@code en-US}) and
 * the directory the example works in ({@code quickstart}). Installed updates end up in {@code
 * quickstart/installed/<update_type>}.
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
    UpdateRequest request =
        UpdateRequest.builder(
                arg(args, 1, "your_app"),
                arg(args, 2, "666"),
                arg(args, 3, "macOS"),
                arg(args, 4, "en-US"))
            .installationId(InstallationId.loadOrCreate(home.resolve("installation-id")))
            .build();
    UpdateClient client =
        UpdateClient.builder()
            .serverUri(URI.create(arg(args, 0, "http://127.0.0.1:8000")))
            .request(request)
            .build();

    // Gets each verified file; whatever it throws is reported to the server as a failure.
    // Copying (not moving) leaves the verified download in place, so the next run does not
    // download the same release again.
    Installer installer =
        downloaded -> {
          Path target = home.resolve("installed").resolve(downloaded.offer().updateType());
          Files.createDirectories(target.getParent());
          Files.copy(downloaded.path(), target, StandardCopyOption.REPLACE_EXISTING);
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
