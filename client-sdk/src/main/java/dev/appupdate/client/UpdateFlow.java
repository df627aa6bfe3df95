package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.RejectedOffer;
import dev.appupdate.protocol.UpdateRequest;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one-call update of {@link UpdateClient#update(Path, Installer, DownloadListener)}: check,
 * download and install each offer, and report every outcome in one completion report; an offer the
 * client refuses (see {@link OfferRules}) is reported with its refusal and never downloaded. Every
 * outcome is reported whatever happens after the check: a failed download or install, a
 * cancellation or interrupt (the remaining offers then count as cancelled), even an unchecked
 * exception from the listener, which is rethrown only after the report went out.
 */
final class UpdateFlow {
  private static final System.Logger LOG = System.getLogger(UpdateClient.class.getName());

  /** The longest an interrupted update still spends delivering its report. */
  static final Duration INTERRUPTED_REPORT_LIMIT = Duration.ofSeconds(5);

  private final ServerCalls calls;
  private final Downloader downloader;
  private final OfferRules rules;

  UpdateFlow(ServerCalls calls, Downloader downloader, OfferRules rules) {
    this.calls = calls;
    this.downloader = downloader;
    this.rules = rules;
  }

  UpdateSummary run(
      UpdateRequest request, Path directory, Installer installer, DownloadListener listener)
      throws IOException {
    CheckResult result = calls.check(request, rules);
    if (result.isEmpty()) {
      return new UpdateSummary(null, List.of(), null);
    }
    CheckResult.ReportBuilder report = result.report();
    RuntimeException aborted = null;
    boolean cancelled = false;
    // Every valid offer in the server's order, so that the summary keeps it; refused ones are
    // reported as refused, never downloaded, whatever happened to the others.
    List<AvailableUpdate> valid = result.response().orElseThrow().availableUpdates();
    for (AvailableUpdate offer : valid) {
      RefusedOffer refusal = result.refusal(offer);
      if (refusal != null) {
        LOG.log(
            Level.WARNING,
            () -> "update " + name(offer) + " refused, not downloaded: " + refusal.reason());
        report.failed(refusal);
        continue;
      }
      if (cancelled) {
        report.failed(offer, FailureCode.CANCELLED, "cancelled");
        continue;
      }
      DownloadedUpdate downloaded;
      try {
        downloaded = downloader.download(offer, directory, listener);
      } catch (DownloadCancelledException e) {
        cancelled = true;
        report.failed(offer, e);
        continue;
      } catch (DownloadException e) {
        LOG.log(
            Level.WARNING, () -> "update " + name(offer) + " not downloaded: " + e.getMessage());
        report.failed(offer, e);
        continue;
      } catch (RuntimeException e) {
        // Reported before it propagates: the server should not wait in vain for this outcome.
        aborted = e;
        cancelled = true;
        report.failed(offer, FailureCode.OTHER, "download aborted: " + Reasons.describe(e));
        continue;
      }
      cancelled = !install(offer, downloaded, installer, report);
    }
    boolean anyOutcome = !valid.isEmpty();
    for (RejectedOffer rejected : result.rejected()) {
      anyOutcome |= reportRejected(rejected, report);
    }
    if (!anyOutcome) {
      return new UpdateSummary(result.requestId(), List.of(), null);
    }
    CompletionReport completion = report.build();
    IOException failure = deliver(completion);
    if (aborted != null) {
      if (failure != null) {
        aborted.addSuppressed(failure);
      }
      throw aborted;
    }
    List<UpdateSummary.Entry> entries = new ArrayList<>();
    completion.updates().forEach((type, o) -> entries.add(new UpdateSummary.Entry(type, o)));
    return new UpdateSummary(result.requestId(), entries, failure);
  }

  /** Runs the installer and records its outcome; false when it was interrupted. */
  private static boolean install(
      AvailableUpdate offer,
      DownloadedUpdate downloaded,
      Installer installer,
      CheckResult.ReportBuilder report) {
    try {
      installer.install(downloaded);
      report.succeeded(offer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      report.failed(offer, FailureCode.CANCELLED, "install interrupted");
      return false;
    } catch (Exception e) {
      LOG.log(Level.WARNING, "installing " + name(offer) + " failed", e);
      report.failed(offer, FailureCode.INSTALL_FAILED, "install failed: " + Reasons.describe(e));
    }
    return true;
  }

  /**
   * Records an offer the client could not read, when it has a readable update type and version
   * that no other outcome uses; returns whether it did.
   */
  private static boolean reportRejected(RejectedOffer rejected, CheckResult.ReportBuilder report) {
    String why;
    if (rejected.updateType() == null || rejected.version() == null) {
      why = " cannot be reported (no readable update_type and version): ";
    } else if (report.contains(rejected.updateType())) {
      why = " not reported, its update type has an outcome already: ";
    } else {
      report.failed(rejected);
      return true;
    }
    LOG.log(
        Level.WARNING,
        () -> "invalid offer at index " + rejected.index() + why + rejected.errors());
    return false;
  }

  /**
   * Sends the report; returns why it could not be delivered, or null. An interrupted thread gets
   * one short attempt with the flag cleared, then the flag back.
   */
  private IOException deliver(CompletionReport completion) {
    boolean interrupted = Thread.interrupted();
    try {
      if (interrupted) {
        Duration limit = calls.requestTimeout();
        calls.reportOnce(
            completion,
            limit.compareTo(INTERRUPTED_REPORT_LIMIT) < 0 ? limit : INTERRUPTED_REPORT_LIMIT);
      } else {
        calls.report(completion);
      }
      return null;
    } catch (IOException e) {
      LOG.log(
          Level.WARNING, "completion report for " + completion.requestId() + " not delivered", e);
      return e;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String name(AvailableUpdate offer) {
    return offer.updateType() + " " + offer.version();
  }
}
