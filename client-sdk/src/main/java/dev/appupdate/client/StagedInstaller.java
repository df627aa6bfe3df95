package dev.appupdate.client;

import dev.appupdate.client.internal.AppDirectory;
import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@link Installer} of {@link AppLayout#installer()}: unpacks a verified zip archive into a new
 * version directory and stages it. {@link UpdateFlow} recognises it and leaves the outcome out of
 * its report: the report is kept in the application directory until the version's fate is known.
 * With an update type, only offers of that type are staged; the others go to another installer.
 */
final class StagedInstaller implements Installer {
  private final AppDirectory app;
  private final ZipUnpacker unpacker;
  private final String updateType;
  private final Installer others;

  StagedInstaller(AppDirectory app, ZipUnpacker unpacker, String updateType, Installer others) {
    this.app = app;
    this.unpacker = unpacker;
    this.updateType = updateType;
    this.others = others;
  }

  /** Whether {@code offer} is a version of the application, to be staged. */
  boolean stages(AvailableUpdate offer) {
    return updateType == null || updateType.equals(offer.updateType());
  }

  @Override
  public void install(DownloadedUpdate update) throws Exception {
    if (stages(update.offer())) {
      stageDownloaded(update, null);
    } else {
      others.install(update);
    }
  }

  /** Stages a download, then deletes it: it is unpacked, and archives of every version add up. */
  void stageDownloaded(DownloadedUpdate update, String requestId) throws IOException {
    AvailableUpdate offer = update.offer();
    AppDirectory.Report report =
        requestId == null
            ? null
            : new AppDirectory.Report(
                requestId,
                offer.updateType(),
                offer.version(),
                AppDirectory.Report.PENDING,
                null,
                // Kept for the report sent once the version's fate is known.
                update.patched()
                    ? Boolean.TRUE
                    : update.patchFailure() != null ? Boolean.FALSE : null,
                update.patched() ? null : update.patchFailure());
    stage(update.path(), offer.version(), report);
    Files.deleteIfExists(update.path());
  }

  /** Stages the archive; with a report, the report is kept for later delivery. */
  void stage(Path archive, String version, AppDirectory.Report report) throws IOException {
    if (!AppDirectory.validVersionName(version)) {
      throw new IOException(
          "version '" + version + "' cannot name a directory (1 to 64 of A-Z a-z 0-9 . _ + -)");
    }
    Path temp = app.newTemporaryDirectory();
    try {
      unpacker.unpack(archive, temp);
      app.stage(version, temp, report);
    } catch (IOException | RuntimeException e) {
      try {
        AppDirectory.deleteTree(temp);
      } catch (IOException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }
}
