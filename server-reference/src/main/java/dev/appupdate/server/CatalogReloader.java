package dev.appupdate.server;

import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.CatalogException;
import dev.appupdate.protocol.catalog.CatalogProblem;
import dev.appupdate.protocol.catalog.Matcher;
import dev.appupdate.protocol.requestid.RequestIds;
import dev.appupdate.protocol.signature.TrustedKeys;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Loads the catalog file again and swaps it in when valid; otherwise keeps the catalog being
 * served, logs every problem and records the failure for {@code /healthz}, once for the same bytes
 * read again (a save is often seen twice: notified, and found changed by the periodic check). Loads
 * are serialized, so an older read is never installed over a newer one. What {@code /healthz} shows
 * names the file by its name only, never its directory; the log has the whole story.
 */
final class CatalogReloader {
  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");

  /** How many problems {@code /healthz} spells out; the log has them all. */
  static final int HEALTH_PROBLEMS = 20;

  private final CatalogFile file;
  private final String name;
  private final CatalogHolder holder;
  private final Clock clock;
  private final Function<Catalog, CatalogHolder.Snapshot> compile;
  private final Metrics metrics;

  /** The digest of the file content last rejected, or null; guarded by this. */
  private byte[] rejected;

  /**
   * @param trusted the release keys every release must be validly signed by, or null when the
   *     server checks no signatures
   */
  CatalogReloader(
      CatalogFile file,
      URI publicUrl,
      TrustedKeys trusted,
      CatalogHolder holder,
      Clock clock,
      Metrics metrics) {
    this(
        file,
        holder,
        clock,
        metrics,
        catalog -> {
          if (trusted != null) {
            ReleaseTrust.check(catalog, trusted);
          }
          return CatalogHolder.Snapshot.of(
              catalog, Matcher.create(catalog, publicUrl), clock.instant(), 0, trusted != null);
        });
  }

  /** @param compile turns a valid catalog into what is served; tests substitute a failing one */
  CatalogReloader(
      CatalogFile file,
      CatalogHolder holder,
      Clock clock,
      Metrics metrics,
      Function<Catalog, CatalogHolder.Snapshot> compile) {
    this.file = file;
    this.metrics = metrics;
    this.name = String.valueOf(file.path().getFileName());
    this.holder = holder;
    this.clock = clock;
    this.compile = compile;
  }

  /**
   * Reads the file and serves it if valid.
   *
   * @return whether the file's catalog is now served
   */
  synchronized boolean reload() {
    Catalog catalog;
    CatalogHolder.Snapshot snapshot;
    long start = System.nanoTime();
    try {
      catalog = file.read();
      RequestIds.checkCatalog(catalog);
      snapshot = compile.apply(catalog);
    } catch (CatalogException e) {
      reject(e);
      return false;
    } catch (IOException e) {
      reject(e.getMessage(), "cannot read catalog " + name + ": " + reason(e));
      return false;
    } catch (RuntimeException e) {
      // A defect rather than a bad file; whatever it is, the current catalog keeps serving.
      failed(e);
      return false;
    }
    holder.install(snapshot.loadedIn((System.nanoTime() - start) / 1_000_000));
    metrics.reload(true);
    rejected = null;
    LOG.log(Level.INFO, "loaded catalog {0}: {1} releases", file.path(), catalog.size());
    return true;
  }

  /**
   * Reloads if the file changed since it was last read: the fallback for file systems whose change
   * notifications are late, coalesced or missing.
   *
   * @return whether a changed file's catalog is now served; false when unchanged or invalid
   */
  synchronized boolean reloadIfChanged() {
    return file.changedSinceRead() && reload();
  }

  /**
   * Records a load that failed unexpectedly, for the log and {@code /healthz}; the current catalog
   * keeps serving.
   */
  void failed(Throwable t) {
    LOG.log(
        Level.ERROR,
        "loading catalog "
            + file.path()
            + " failed; still serving the catalog loaded at "
            + holder.current().loadedAt(),
        t);
    metrics.reload(false);
    holder.failed(
        new CatalogHolder.Failure(
            clock.instant(),
            "cannot load catalog " + name + ": an unexpected error; the server log has the details"));
  }

  /** Returns {@code invalid catalog SOURCE: N problems}, the line before the problems. */
  static String summary(CatalogException e) {
    return summary(e.source(), e.problems().size());
  }

  private static String summary(String source, int n) {
    return "invalid catalog " + source + ": " + n + (n == 1 ? " problem" : " problems");
  }

  /** Says why the file could not be read, without the paths the exception's message holds. */
  private static String reason(IOException e) {
    Throwable cause = e.getCause() == null ? e : e.getCause();
    if (cause instanceof NoSuchFileException) {
      return "the file does not exist";
    }
    if (cause instanceof AccessDeniedException) {
      return "permission denied";
    }
    return "a read error; the server log has the details";
  }

  private void reject(CatalogException e) {
    List<CatalogProblem> problems = e.problems();
    StringBuilder all = new StringBuilder(summary(e));
    for (CatalogProblem p : problems) {
      all.append(System.lineSeparator()).append("  ").append(p);
    }
    StringBuilder shown = new StringBuilder(summary(name, problems.size())).append(": ");
    for (int i = 0; i < Math.min(problems.size(), HEALTH_PROBLEMS); i++) {
      shown.append(i == 0 ? "" : "; ").append(problems.get(i));
    }
    if (problems.size() > HEALTH_PROBLEMS) {
      shown.append("; and ").append(problems.size() - HEALTH_PROBLEMS).append(" more");
    }
    reject(all.toString(), shown.toString());
  }

  /**
   * @param logged the whole story, for the log
   * @param shown the text for {@code /healthz}
   */
  private void reject(String logged, String shown) {
    byte[] content = file.lastContent();
    if (content != null && Arrays.equals(content, rejected)) {
      // The very bytes rejected last time, read again: a save seen both by a notification and by
      // the periodic check, or notified twice. Logged and shown once already.
      return;
    }
    rejected = content;
    Instant now = clock.instant();
    LOG.log(
        Level.WARNING,
        "still serving the catalog loaded at {0}: {1}",
        holder.current().loadedAt(),
        logged);
    metrics.reload(false);
    holder.failed(new CatalogHolder.Failure(now, shown));
  }
}
