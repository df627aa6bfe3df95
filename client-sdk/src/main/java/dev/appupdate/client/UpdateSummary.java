package dev.appupdate.client;

import dev.appupdate.protocol.Outcome;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * What {@link UpdateClient#update(java.nio.file.Path, Installer)} did: one entry per reported
 * update, and whether the completion report reached the server.
 *
 * <pre>{@code
 * UpdateSummary summary = client.update(downloads, installer);
 * for (UpdateSummary.Entry e : summary.entries()) {
 *   System.out.println(e.updateType() + " " + e.version() + ": "
 *       + (e.succeeded() ? "installed" : "failed, " + e.reason()));
 * }
 * }</pre>
 *
 * @param requestId the request id of the check; null when the server offered nothing
 * @param entries the outcome of each update, in the server's order; empty when nothing was offered
 * @param reportFailure why the completion report could not be delivered after retries; null when it
 *     was delivered or there was nothing to report
 */
public record UpdateSummary(String requestId, List<Entry> entries, IOException reportFailure) {

  /** Validates the components. */
  public UpdateSummary {
    entries = List.copyOf(Objects.requireNonNull(entries, "entries == null"));
  }

  /** Returns true when every entry succeeded (also when there were none). */
  public boolean allSucceeded() {
    return entries.stream().allMatch(Entry::succeeded);
  }

  /** Returns true when a completion report was delivered to the server. */
  public boolean reported() {
    return !entries.isEmpty() && reportFailure == null;
  }

  /**
   * The outcome of one update.
   *
   * @param updateType the update type
   * @param version the offered version
   * @param status success or failed, as reported
   * @param reason why it failed, as reported; null on success
   */
  public record Entry(String updateType, String version, Outcome.Status status, String reason) {

    /** Validates the components. */
    public Entry {
      Objects.requireNonNull(updateType, "updateType == null");
      Objects.requireNonNull(version, "version == null");
      Objects.requireNonNull(status, "status == null");
      if ((status == Outcome.Status.FAILED) != (reason != null)) {
        throw new IllegalArgumentException("reason must be given exactly when status is failed");
      }
    }

    /** Returns true if the update was installed. */
    public boolean succeeded() {
      return status == Outcome.Status.SUCCESS;
    }
  }
}
