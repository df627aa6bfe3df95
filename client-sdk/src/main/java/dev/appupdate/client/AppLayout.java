package dev.appupdate.client;

import dev.appupdate.client.internal.AppDirectory;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.Outcome;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An application directory with versions side by side, for updates applied by the {@code
 * appupdate-launcher}: each version is unpacked into {@code versions/<version>/}, a small pointer
 * file names the current one, and the previous version is kept until the new one confirms that it
 * started well.
 *
 * <pre>{@code
 * AppLayout app = AppLayout.launched().orElseThrow();   // started by the launcher
 * UpdateClient client = ...;
 * // once the application is up: confirm, and send any report whose outcome is now known
 * app.confirmStarted(client);
 * // later: stage an update; it runs after the next restart
 * UpdateSummary summary = client.update(app.directory().resolve("downloads"), app.installer());
 * }</pre>
 *
 * <p>The completion report of a staged update is not sent by {@link UpdateClient#update}: it is
 * kept in the application directory and sent once the outcome is known, {@code success} by {@link
 * #confirmStarted} in the new version, {@code failed} with code {@code install_failed} by the
 * version the launcher rolled back to (at its {@link #confirmStarted} or {@link #deliverReports}),
 * {@code failed} with code {@code cancelled} when another version replaced it before it confirmed.
 * See docs/CLIENT.md, "Applying updates".
 */
public final class AppLayout {
  private static final System.Logger LOG = System.getLogger(AppLayout.class.getName());

  private final AppDirectory app;
  private final String running;

  private AppLayout(AppDirectory app, String running) {
    this.app = app;
    this.running = running;
  }

  /**
   * Opens the application directory {@code directory}; it need not exist yet.
   *
   * @param directory the application directory
   * @return the layout
   */
  public static AppLayout open(Path directory) {
    return new AppLayout(AppDirectory.open(directory), null);
  }

  /**
   * Returns the layout the launcher started this process from: the launcher sets the system
   * properties {@code appupdate.app.dir} and {@code appupdate.app.version}.
   *
   * @return the layout, or empty when this process was not started by the launcher
   */
  public static Optional<AppLayout> launched() {
    String dir = System.getProperty(AppDirectory.DIR_PROPERTY);
    String version = System.getProperty(AppDirectory.VERSION_PROPERTY);
    if (dir == null || version == null) {
      return Optional.empty();
    }
    return Optional.of(new AppLayout(AppDirectory.open(Path.of(dir)), version));
  }

  /**
   * Returns the application directory.
   *
   * @return its absolute path
   */
  public Path directory() {
    return app.path();
  }

  /**
   * Returns the version this process runs, as the launcher named it.
   *
   * @return the version, or empty when the layout was not {@linkplain #launched() launched}
   */
  public Optional<String> runningVersion() {
    return Optional.ofNullable(running);
  }

  /**
   * Returns the version the pointer names as current.
   *
   * @return the current version, or empty before the first install
   * @throws IOException if the pointer cannot be read
   */
  public Optional<String> currentVersion() throws IOException {
    return Optional.ofNullable(app.state().current());
  }

  /**
   * Returns the version staged to run at the next start of the launcher.
   *
   * @return the staged version, or empty
   * @throws IOException if the pointer cannot be read
   */
  public Optional<String> stagedVersion() throws IOException {
    return Optional.ofNullable(app.state().staged());
  }

  /**
   * Returns the directory of a version.
   *
   * @param version the version
   * @return {@code directory()/versions/<version>}
   * @throws IllegalArgumentException if {@code version} cannot name a directory
   */
  public Path versionDirectory(String version) {
    return app.versionDirectory(version);
  }

  /**
   * Returns an installer that unpacks each verified update, a zip archive, into a new version
   * directory and stages it for the next start; the running version is not touched. Archives with
   * entries that would escape the directory, links, special files, duplicate names, encrypted
   * entries, ZIP64, more than 65,534 entries, more than 4 GiB unpacked or an entry compressed more
   * than 200:1 are refused and reported as {@code install_failed}. So is a version whose name is
   * not 1 to 64 of {@code [A-Za-z0-9._+-]}, or that is the current version.
   *
   * <p>With {@link UpdateClient#update}, the outcome of a staged update is not reported at once but
   * when it is known (see the class description); {@link UpdateSummary#staged()} lists it. The
   * downloaded archive is deleted once unpacked. Every offer is taken for a version of the
   * application: when the product has other update types, use {@link #installer(String,
   * Installer)}.
   *
   * @return the installer
   */
  public Installer installer() {
    return new StagedInstaller(app, ZipUnpacker.defaults(), null, null);
  }

  /**
   * Returns an installer that stages the offers of {@code updateType} as {@link #installer()} does,
   * and hands the offers of every other update type (data files, say) to {@code otherTypes}, whose
   * outcome is reported at once as usual.
   *
   * @param updateType the update type of the application itself
   * @param otherTypes installs every other update
   * @return the installer
   */
  public Installer installer(String updateType, Installer otherTypes) {
    return new StagedInstaller(
        app,
        ZipUnpacker.defaults(),
        Objects.requireNonNull(updateType, "updateType == null"),
        Objects.requireNonNull(otherTypes, "otherTypes == null"));
  }

  /**
   * Installs a zip archive as a version, for a first install or a local archive: in an empty
   * directory it becomes the current version; otherwise it is staged for the next start. No report
   * is kept.
   *
   * @param version the version name
   * @param archive the zip archive, already verified
   * @throws IOException if the archive is refused or cannot be unpacked
   */
  public void install(String version, Path archive) throws IOException {
    Objects.requireNonNull(version, "version == null");
    Objects.requireNonNull(archive, "archive == null");
    new StagedInstaller(app, ZipUnpacker.defaults(), null, null)
        .stage(archive, version, null);
  }

  /**
   * Confirms that the running version started well, then sends every completion report whose
   * outcome is known: the one call an updated application makes once it is up. A version on trial
   * becomes final (the previous version is deleted) and its report a {@code success}; after a
   * rollback, this sends the {@code install_failed} report of the version rolled back. A report
   * that cannot be delivered now stays and is sent by a later call of this method or of {@link
   * #deliverReports}; delivery failures are logged, not thrown. Each report gets one attempt here,
   * within the client's request timeout, so that a server that cannot be reached does not hold up
   * the application's start; {@link #deliverReports} retries per the client's {@link RetryPolicy}.
   *
   * @param client sends the reports
   * @return false if the running version is no longer current (the launcher rolled it back: the
   *     process should exit)
   * @throws IOException if the application directory cannot be read or written
   */
  public boolean confirmStarted(UpdateClient client) throws IOException {
    Objects.requireNonNull(client, "client == null");
    String version = running != null ? running : app.state().current();
    boolean confirmed = version != null && app.confirm(version);
    // One attempt each: the application's start does not wait out a retry policy.
    deliver(client, true);
    return confirmed;
  }

  /**
   * Sends every kept completion report whose outcome is known, one process at a time; a report is
   * deleted once the server recorded it, or when the server refuses it for good (an expired request
   * id, say: logged). The server records a repeated report once, so a crash between sending and
   * deleting does not count an outcome twice.
   *
   * @param client sends the reports
   * @return how many reports with a known outcome are still waiting (the server was unreachable)
   * @throws IOException if the application directory cannot be read or written
   */
  public int deliverReports(UpdateClient client) throws IOException {
    Objects.requireNonNull(client, "client == null");
    return deliver(client, false);
  }

  /** The patch note the download of a staged version left in its report, on its success. */
  private static Outcome withPatchNote(Outcome success, AppDirectory.Report r) {
    if (Boolean.TRUE.equals(r.patchUsed())) {
      return success.withPatchUsed();
    }
    if (Boolean.FALSE.equals(r.patchUsed()) && r.patchFailure() != null) {
      return success.withPatchFailure(Reasons.clean(r.patchFailure()));
    }
    return success;
  }

  private int deliver(UpdateClient client, boolean once) throws IOException {
    return app.deliveryLocked(
        state -> {
          int waiting = 0;
          for (AppDirectory.Report r : app.reports()) {
            if (AppDirectory.Report.PENDING.equals(r.status())) {
              continue;
            }
            Outcome outcome;
            if (AppDirectory.Report.SUCCESS.equals(r.status())) {
              outcome = withPatchNote(Outcome.success(r.version()), r);
            } else if (AppDirectory.Report.CANCELLED.equals(r.status())) {
              outcome =
                  Outcome.failed(
                      r.version(),
                      FailureCode.CANCELLED,
                      Reasons.clean(r.reason() == null ? "superseded" : r.reason()));
            } else {
              outcome =
                  Outcome.failed(
                      r.version(),
                      FailureCode.INSTALL_FAILED,
                      Reasons.clean(r.reason() == null ? "rolled back" : r.reason()));
            }
            try {
              CompletionReport report =
                  CompletionReport.of(r.requestId(), Map.of(r.updateType(), outcome));
              if (once) {
                client.calls().reportOnce(report, client.calls().requestTimeout());
              } else {
                client.report(report);
              }
              app.deleteReport(r);
            } catch (UpdateServerException e) {
              if (e.status() >= 500 || e.status() == 408 || e.status() == 429) {
                waiting++;
                LOG.log(Level.WARNING, () -> "report of " + r.version() + " not delivered: " + e);
              } else {
                LOG.log(
                    Level.WARNING, () -> "report of " + r.version() + " refused, dropped: " + e);
                app.deleteReport(r);
              }
            } catch (IOException e) {
              waiting++;
              LOG.log(Level.WARNING, () -> "report of " + r.version() + " not delivered: " + e);
            }
          }
          return waiting;
        });
  }

  /**
   * Returns the directory, for debugging.
   *
   * @return a one-line description
   */
  @Override
  public String toString() {
    return "AppLayout[" + app.path() + (running == null ? "" : ", running " + running) + "]";
  }
}
