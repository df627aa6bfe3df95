package dev.appupdate.server;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Reloads the catalog when its file changes, on a daemon thread. Change notifications for the
 * file's directory trigger a reload once the directory has been quiet for a moment, so that an
 * editor's save in several steps (truncate and write, or write a temporary file and rename it over
 * the catalog) is read once, complete. Since notifications can be late, coalesced or missing on
 * some file systems (network mounts, some containers), and never come for a symbolic link's target
 * elsewhere, the file's modification time, size and identity are also checked every {@link
 * Timing#poll()}. Whatever a check throws is logged and shown by {@code /healthz}, and the thread
 * goes on watching.
 */
final class CatalogWatcher implements Closeable {
  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");

  /**
   * How the watcher paces itself.
   *
   * @param poll how often the file is checked for changes when no notification comes
   * @param quiet how long the directory must be quiet after a notification before the file is read
   */
  record Timing(Duration poll, Duration quiet) {
    /** Every 2 seconds, after 200 ms of quiet. */
    static final Timing DEFAULT = new Timing(Duration.ofSeconds(2), Duration.ofMillis(200));

    Timing {
      Objects.requireNonNull(poll, "poll == null");
      Objects.requireNonNull(quiet, "quiet == null");
      if (poll.isNegative() || poll.isZero() || quiet.isNegative() || quiet.isZero()) {
        throw new IllegalArgumentException(
            "poll and quiet must be positive, got " + poll + " and " + quiet);
      }
    }
  }

  private final Path fileName;
  private final Path dir;
  private final CatalogReloader reloader;
  private final Timing timing;
  private final Thread thread;
  private final Object idle = new Object();
  private volatile WatchService watch;
  private volatile boolean closed;

  private CatalogWatcher(Path file, CatalogReloader reloader, Timing timing, WatchService watch) {
    Path absolute = file.toAbsolutePath();
    this.fileName = absolute.getFileName();
    this.dir = absolute.getParent();
    this.reloader = reloader;
    this.timing = timing;
    this.watch = watch;
    this.thread = new Thread(this::run, "appupdate-catalog-watcher");
    thread.setDaemon(true);
  }

  /** Starts watching {@code file}; changes go to {@code reloader}. */
  static CatalogWatcher start(Path file, CatalogReloader reloader, Timing timing) {
    Path dir = file.toAbsolutePath().getParent();
    WatchService watch = null;
    try {
      watch = dir.getFileSystem().newWatchService();
      dir.register(watch, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
    } catch (IOException | UnsupportedOperationException e) {
      closeQuietly(watch);
      watch = null;
      LOG.log(
          Level.WARNING,
          "cannot watch {0} for changes ({1}); checking {2} every {3} seconds instead",
          dir,
          e.toString(),
          file,
          timing.poll().toSeconds());
    }
    CatalogWatcher watcher = new CatalogWatcher(file, reloader, timing, watch);
    watcher.thread.start();
    return watcher;
  }

  private void run() {
    while (!closed) {
      try {
        if (awaitChange()) {
          reloader.reload();
        } else {
          reloader.reloadIfChanged();
        }
      } catch (InterruptedException e) {
        return; // the server owns this thread and never interrupts it; if anything does, stop
      } catch (ClosedWatchServiceException e) {
        if (closed) {
          return;
        }
        // Closed by drain() after the directory went away: go on with the periodic check.
      } catch (Throwable t) {
        // Even an Error: a dead watcher would leave the catalog stale without a word.
        try {
          reloader.failed(t);
        } catch (Throwable again) {
          t.addSuppressed(again);
        }
      }
    }
  }

  /**
   * Waits for a notification about the directory, then until it has been quiet for {@link
   * Timing#quiet()} (at most {@link Timing#poll()}), or for {@link Timing#poll()} when none comes.
   *
   * @return true when a notification named the catalog file (or some were lost): read it again;
   *     false to check its modification time, size and identity
   */
  private boolean awaitChange() throws InterruptedException {
    WatchService w = watch;
    if (w == null) {
      synchronized (idle) {
        if (!closed) {
          idle.wait(Math.max(1, timing.poll().toMillis()));
        }
      }
      return false;
    }
    WatchKey key = w.poll(timing.poll().toNanos(), TimeUnit.NANOSECONDS);
    boolean named = false;
    long deadline = System.nanoTime() + timing.poll().toNanos();
    while (key != null) {
      named |= drain(key);
      if (watch == null || System.nanoTime() > deadline) {
        break; // the watch is gone, or the directory keeps changing: read what is there now
      }
      key = w.poll(timing.quiet().toNanos(), TimeUnit.NANOSECONDS);
    }
    return named;
  }

  /** Takes the key's events; returns whether one named the catalog file or events were lost. */
  private boolean drain(WatchKey key) {
    boolean named = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == OVERFLOW || fileName.equals(event.context())) {
        named = true;
      }
    }
    if (!key.reset()) {
      // The directory was removed or became inaccessible: only the periodic check is left.
      LOG.log(
          Level.WARNING,
          "{0} can no longer be watched; checking the catalog every {1} seconds instead",
          dir,
          timing.poll().toSeconds());
      closeQuietly(watch);
      watch = null;
      named = true;
    }
    return named;
  }

  /** Stops watching and waits briefly for a reload in progress. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(watch);
    synchronized (idle) {
      idle.notifyAll();
    }
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(WatchService watch) {
    if (watch == null) {
      return;
    }
    try {
      watch.close();
    } catch (IOException e) {
      // Nothing is left to release that matters.
    }
  }
}
