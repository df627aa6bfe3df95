package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.CompletionReport;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.RejectedOffer;
import dev.appupdate.protocol.UpdateRequest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one-call update of {@link UpdateClient#update(Path, Installer, DownloadListener)}: check,
 * download and install each offer, and report every outcome in one completion report; an offer the
 * client refuses (see {@link OfferRules}) is reported with its refusal and never downloaded. Every
 * outcome is reported whatever happens after the check: a failed download or install, a
 * cancellation or interrupt (the remaining offers then count as cancelled), even an unchecked
 * exception or an {@link Error} from the listener or the installer, which is rethrown only after
 * the report went out.
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
    // A RuntimeException or an Error, rethrown once the report went out.
    Throwable aborted = null;
    boolean cancelled = false;
    // Staged by an AppLayout installer: reported once the new version's fate is known.
    List<AvailableUpdate> staged = new ArrayList<>();
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
      } catch (RuntimeException | Error e) {
        // Reported before it propagates: the server should not wait in vain for this outcome. That
        // includes a VirtualMachineError: by the time it reaches here the stack that overflowed
        // has unwound and what ran out of memory (usually one large allocation) is garbage, so the
        // small report very likely still goes out; if it does not, its failure is only suppressed
        // and the original error propagates unchanged.
        aborted = e;
        cancelled = true;
        report.failed(offer, FailureCode.OTHER, "download aborted: " + Reasons.describe(e));
        continue;
      }
      try {
        cancelled = !install(offer, downloaded, installer, report, result.requestId(), staged);
      } catch (Error e) {
        // install turns every exception into an outcome; an Error is reported as above.
        aborted = e;
        cancelled = true;
        report.failed(
            offer, FailureCode.INSTALL_FAILED, "install aborted: " + Reasons.describe(e));
      }
    }
    for (RejectedOffer rejected : result.rejected()) {
      reportRejected(rejected, report);
    }
    if (report.isEmpty()) {
      return new UpdateSummary(result.requestId(), List.of(), null, staged);
    }
    CompletionReport completion = report.build();
    if (aborted != null) {
      try {
        IOException failure = deliver(completion);
        if (failure != null) {
          aborted.addSuppressed(failure);
        }
      } catch (RuntimeException | Error e) {
        // The first failure is the one the application has to see.
        aborted.addSuppressed(e);
      }
      throw rethrow(aborted);
    }
    IOException failure = deliver(completion);
    return new UpdateSummary(result.requestId(), entries(result, completion), failure, staged);
  }

  /** Throws {@code t}, a RuntimeException or an Error; declared to return for {@code throw}. */
  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof Error e) {
      throw e;
    }
    throw (RuntimeException) t;
  }

  /**
   * The reported outcomes in the order of the server's {@code available_updates}. The report
   * records the valid offers before the rejected ones (a valid offer of an update type comes
   * first), so the entries are put back at the index each had in the answer.
   */
  private static List<UpdateSummary.Entry> entries(
      CheckResult result, CompletionReport completion) {
    List<AvailableUpdate> valid = result.response().orElseThrow().availableUpdates();
    List<RejectedOffer> rejected = result.rejected();
    Map<String, Integer> position = new HashMap<>();
    Set<Integer> rejectedIndexes = new HashSet<>();
    for (RejectedOffer r : rejected) {
      rejectedIndexes.add(r.index());
    }
    int index = 0;
    for (AvailableUpdate offer : valid) {
      while (rejectedIndexes.contains(index)) {
        index++;
      }
      position.putIfAbsent(offer.updateType(), index++);
    }
    for (RejectedOffer r : rejected) {
      if (r.updateType() != null) {
        position.putIfAbsent(r.updateType(), r.index());
      }
    }
    List<UpdateSummary.Entry> entries = new ArrayList<>();
    completion.updates().forEach((type, o) -> entries.add(new UpdateSummary.Entry(type, o)));
    entries.sort(
        Comparator.comparingInt(e -> position.getOrDefault(e.updateType(), Integer.MAX_VALUE)));
    return entries;
  }

  /** Runs the installer and records its outcome; false when it was interrupted. */
  private static boolean install(
      AvailableUpdate offer,
      DownloadedUpdate downloaded,
      Installer installer,
      CheckResult.ReportBuilder report,
      String requestId,
      List<AvailableUpdate> staged) {
    try {
      if (installer instanceof StagedInstaller stagedInstaller && stagedInstaller.stages(offer)) {
        stagedInstaller.stageDownloaded(downloaded, requestId);
        staged.add(offer);
      } else {
        installer.install(downloaded);
        report.succeeded(downloaded);
      }
    } catch (Exception e) {
      if (!interrupted(e)) {
        LOG.log(Level.WARNING, "installing " + name(offer) + " failed", e);
        report.failed(
            offer, FailureCode.INSTALL_FAILED, "install failed: " + Reasons.describe(e));
        return true;
      }
      // Shutting down is not a broken release: install_failed would count toward its halt.
      Thread.currentThread().interrupt();
      LOG.log(Level.INFO, () -> "installing " + name(offer) + " interrupted: " + e);
      report.failed(offer, FailureCode.CANCELLED, "install interrupted");
      return false;
    }
    return true;
  }

  /**
   * True when the installer failed because its thread was interrupted: the flag is still set, or
   * it threw (or wrapped) what blocking calls throw on an interrupt. A SocketTimeoutException is an
   * InterruptedIOException too, but a timeout, not an interrupt.
   */
  private static boolean interrupted(Exception e) {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
      if (t instanceof InterruptedException
          || t instanceof ClosedByInterruptException
          || (t instanceof InterruptedIOException && !(t instanceof SocketTimeoutException))) {
        return true;
      }
    }
    return false;
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
