package dev.appupdate.server;

import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.CatalogException;
import dev.appupdate.protocol.catalog.CatalogProblem;
import dev.appupdate.protocol.catalog.Matcher;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Loads the catalog file again and swaps it in when valid; otherwise keeps the catalog being
 * served, logs every problem and records the failure for {@code /healthz}. Loads are serialized, so
 * an older read is never installed over a newer one.
 */
final class CatalogReloader {
  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");

  /** How many problems {@code /healthz} spells out; the log has them all. */
  static final int HEALTH_PROBLEMS = 20;

  private final CatalogFile file;
  private final URI publicUrl;
  private final CatalogHolder holder;
  private final Clock clock;

  CatalogReloader(CatalogFile file, URI publicUrl, CatalogHolder holder, Clock clock) {
    this.file = file;
    this.publicUrl = publicUrl;
    this.holder = holder;
    this.clock = clock;
  }

  /**
   * Reads the file and serves it if valid.
   *
   * @return whether the file's catalog is now served
   */
  synchronized boolean reload() {
    Catalog catalog;
    try {
      catalog = file.read();
    } catch (CatalogException e) {
      reject(e);
      return false;
    } catch (IOException e) {
      reject(e.getMessage(), e.getMessage());
      return false;
    } catch (RuntimeException e) {
      // A defect rather than a bad file; whatever it is, the current catalog keeps serving.
      LOG.log(
          Level.ERROR,
          "loading catalog "
              + file.path()
              + " failed; still serving the catalog loaded at "
              + holder.current().loadedAt(),
          e);
      holder.failed(
          new CatalogHolder.Failure(
              clock.instant(), "cannot load catalog " + file.path() + ": " + e));
      return false;
    }
    holder.install(CatalogHolder.Snapshot.of(Matcher.create(catalog, publicUrl), clock.instant()));
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

  /** Returns {@code invalid catalog SOURCE: N problems}, the line before the problems. */
  static String summary(CatalogException e) {
    int n = e.problems().size();
    return "invalid catalog " + e.source() + ": " + n + (n == 1 ? " problem" : " problems");
  }

  private void reject(CatalogException e) {
    List<CatalogProblem> problems = e.problems();
    String summary = summary(e);
    StringBuilder all = new StringBuilder(summary);
    for (CatalogProblem p : problems) {
      all.append(System.lineSeparator()).append("  ").append(p);
    }
    StringBuilder shown = new StringBuilder(summary).append(": ");
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
    Instant now = clock.instant();
    LOG.log(
        Level.WARNING,
        "still serving the catalog loaded at {0}: {1}",
        holder.current().loadedAt(),
        logged);
    holder.failed(new CatalogHolder.Failure(now, shown));
  }
}
