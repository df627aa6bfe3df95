package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.Outcome;
import java.io.IOException;
import java.util.List;
import java.util.Objects;

/**
 * What {@link UpdateClient#update(java.nio.file.Path, Installer)} did: the reported outcome of
 * each update, and whether the completion report reached the server.
 *
 * <p>Outcomes are reported as follows. A download failure: with its {@link
 * DownloadException#reason()} ({@code bad checksum} for a digest mismatch) and the code of its
 * kind ({@code bad_checksum}, {@code size_mismatch}, {@code cancelled}, else {@code
 * download_failed}). An installer exception: {@code install_failed}, {@code install failed:
 * <message>}; but when the installer failed because its thread was interrupted (the interrupt flag
 * is set, or it threw {@link InterruptedException}, {@link
 * java.nio.channels.ClosedByInterruptException} or another {@link java.io.InterruptedIOException}
 * than a socket timeout): {@code cancelled}, {@code install interrupted}. An offer the client
 * could not read: {@code other}, {@code invalid offer: ...}, when its update type and version are
 * readable (otherwise it is only logged). An offer the client
 * refused without downloading it ({@link CheckResult#refused()}): its {@link RefusedOffer#code()}
 * and {@link RefusedOffer#reason()}, that is {@code bad_signature} when no trusted release key
 * validly signed it, {@code other} and {@code rollback refused: ...} when it is not newer than the
 * installed version. After a cancelled download or an interrupted install, every remaining offer:
 * {@code cancelled}. An unchecked exception or an {@link Error} during a download (from the
 * listener, say): {@code other}, {@code download aborted: <message>}; an {@link Error} from the
 * installer: {@code install_failed}, {@code install aborted: <message>}; in both cases the
 * remaining offers are {@code cancelled}, the report is sent, and then the throwable propagates
 * from {@code update} (with a failure to deliver the report {@linkplain Throwable#getSuppressed() suppressed}).
 * An update staged by {@link AppLayout#installer()} has no entry: its outcome is reported once the
 * new version confirmed or was rolled back, and {@link #staged()} lists it.
 *
 * <pre>{@code
 * UpdateSummary summary = client.update(downloads, installer);
 * for (UpdateSummary.Entry e : summary.entries()) {
 *   Outcome o = e.outcome();
 *   System.out.println(e.updateType() + " " + o.version() + ": "
 *       + (e.succeeded() ? "installed" : "failed, " + o.reason()));
 * }
 * }</pre>
 */
public final class UpdateSummary {
  private final String requestId;
  private final List<Entry> entries;
  private final IOException reportFailure;
  private final List<AvailableUpdate> staged;

  UpdateSummary(String requestId, List<Entry> entries, IOException reportFailure) {
    this(requestId, entries, reportFailure, List.of());
  }

  UpdateSummary(
      String requestId,
      List<Entry> entries,
      IOException reportFailure,
      List<AvailableUpdate> staged) {
    this.requestId = requestId;
    this.entries = List.copyOf(Objects.requireNonNull(entries, "entries == null"));
    this.reportFailure = reportFailure;
    this.staged = List.copyOf(staged);
  }

  /**
   * Returns the updates staged by {@link AppLayout#installer()}: they run after the next start of
   * the launcher, and their outcome is reported once known, not in this summary's report.
   *
   * @return the staged offers, in the server's order; empty with any other installer
   */
  public List<AvailableUpdate> staged() {
    return staged;
  }

  /**
   * Returns the request id of the check.
   *
   * @return the request id; null when the server offered nothing
   */
  public String requestId() {
    return requestId;
  }

  /**
   * Returns the reported outcome of each update.
   *
   * @return the entries in the order of the server's {@code available_updates}, offers the client
   *     could not read included; empty when nothing was reported
   */
  public List<Entry> entries() {
    return entries;
  }

  /**
   * Returns why the completion report could not be delivered, after retries.
   *
   * @return the failure; null when the report was delivered or there was nothing to report
   */
  public IOException reportFailure() {
    return reportFailure;
  }

  /**
   * Returns true when every entry succeeded (also when there were none).
   *
   * @return whether no update failed
   */
  public boolean allSucceeded() {
    return entries.stream().allMatch(Entry::succeeded);
  }

  /**
   * Returns true when a completion report was delivered to the server.
   *
   * @return whether there were outcomes and the server took them
   */
  public boolean reported() {
    return !entries.isEmpty() && reportFailure == null;
  }

  /**
   * Returns the request id, the entries and the report failure, for debugging.
   *
   * @return a one-line description
   */
  @Override
  public String toString() {
    return "UpdateSummary[requestId="
        + requestId
        + ", entries="
        + entries
        + (reportFailure == null ? "" : ", reportFailure=" + reportFailure)
        + (staged.isEmpty() ? "" : ", staged=" + staged)
        + "]";
  }

  /** The outcome of one update as it was reported: its update type and its {@link Outcome}. */
  public static final class Entry {
    private final String updateType;
    private final Outcome outcome;

    Entry(String updateType, Outcome outcome) {
      this.updateType = Objects.requireNonNull(updateType, "updateType == null");
      this.outcome = Objects.requireNonNull(outcome, "outcome == null");
    }

    /**
     * Returns the update type.
     *
     * @return the update type the outcome is reported under
     */
    public String updateType() {
      return updateType;
    }

    /**
     * Returns the outcome as reported: status, offered version, and for a failure its code and
     * reason.
     *
     * @return the outcome
     */
    public Outcome outcome() {
      return outcome;
    }

    /**
     * Returns true if the update was installed.
     *
     * @return whether the outcome is a success
     */
    public boolean succeeded() {
      return outcome.status() == Outcome.Status.SUCCESS;
    }

    /**
     * Returns true for an entry with the same update type and an equal outcome.
     *
     * @param o the object to compare with
     * @return whether {@code o} is an equal entry
     */
    @Override
    public boolean equals(Object o) {
      return o instanceof Entry other
          && updateType.equals(other.updateType)
          && outcome.equals(other.outcome);
    }

    @Override
    public int hashCode() {
      return Objects.hash(updateType, outcome);
    }

    /**
     * Returns the update type and the outcome, for debugging.
     *
     * @return a one-line description
     */
    @Override
    public String toString() {
      return updateType + "=" + outcome;
    }
  }
}
