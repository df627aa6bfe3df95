package dev.appupdate.examples.cli;

import dev.appupdate.client.DownloadListener;
import dev.appupdate.client.DownloadProgress;
import dev.appupdate.protocol.AvailableUpdate;
import java.io.PrintStream;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Shows download progress. On a terminal it redraws one line per download with a carriage return,
 * at most every {@value #REDRAW_MILLIS} ms; otherwise (a log file, a CI console) it prints a line
 * when a download starts, one at most every {@value #PLAIN_SECONDS} seconds while it runs, and one
 * when all bytes are in. Never cancels a download.
 */
final class ProgressDisplay implements DownloadListener {
  static final long REDRAW_MILLIS = 100;
  static final long PLAIN_SECONDS = 5;
  private static final int BAR_WIDTH = 30;

  private final PrintStream out;
  private final boolean terminal;
  private final LongSupplier nanoTime;

  private AvailableUpdate update;
  private URI url;
  private long lastShown;
  private boolean complete;
  /** Terminal mode: the length of the line being redrawn, 0 when no line is open. */
  private int openLine;

  /**
   * Creates a display.
   *
   * @param out where the progress goes
   * @param terminal true to redraw a progress bar, false for plain lines
   * @param nanoTime the time source of the throttling, {@link System#nanoTime} outside tests
   */
  ProgressDisplay(PrintStream out, boolean terminal, LongSupplier nanoTime) {
    this.out = out;
    this.terminal = terminal;
    this.nanoTime = nanoTime;
  }

  @Override
  public boolean onProgress(DownloadProgress p) {
    return show(new Snapshot(p.offer(), p.url(), p.bytesDone(), p.bytesPerSecond()));
  }

  /**
   * The values of a {@link DownloadProgress} that the display shows; tests make their own, as the
   * client alone makes {@code DownloadProgress} objects.
   */
  record Snapshot(AvailableUpdate update, URI url, long bytesDone, long bytesPerSecond) {
    long totalBytes() {
      return update.size();
    }

    double fraction() {
      return update.size() == 0 ? 1.0 : (double) bytesDone / update.size();
    }
  }

  /** Shows {@code p}, as {@link #onProgress} does. */
  boolean show(Snapshot p) {
    long now = nanoTime.getAsLong();
    boolean started = !p.update().equals(update) || !p.url().equals(url);
    boolean done = p.bytesDone() == p.totalBytes();
    if (started) {
      finish();
      boolean retry = p.update().equals(update);
      update = p.update();
      url = p.url();
      complete = false;
      if (!terminal) {
        out.println(
            (retry ? "trying " : "downloading ")
                + name()
                + " ("
                + human(p.totalBytes())
                + ") from "
                + p.url());
      }
    } else if (complete) {
      return true;
    }
    if (terminal) {
      if (started || done || now - lastShown >= TimeUnit.MILLISECONDS.toNanos(REDRAW_MILLIS)) {
        redraw(bar(p));
        lastShown = now;
      }
      if (done) {
        finish();
      }
    } else if (done) {
      out.println(name() + ": " + human(p.totalBytes()) + " received");
    } else if (started) {
      lastShown = now;
    } else if (now - lastShown >= TimeUnit.SECONDS.toNanos(PLAIN_SECONDS)) {
      out.println(name() + ": " + status(p));
      lastShown = now;
    }
    complete = done;
    return true;
  }

  /** Ends the progress line of a download that stopped before its last byte. */
  void finish() {
    if (openLine > 0) {
      out.println();
      out.flush();
      openLine = 0;
    }
  }

  private void redraw(String line) {
    // Spaces wipe what is left of a longer previous line.
    String pad = " ".repeat(Math.max(0, openLine - line.length()));
    out.print("\r" + line + pad);
    out.flush();
    openLine = line.length();
  }

  private String name() {
    return update.updateType() + " " + update.version();
  }

  private String bar(Snapshot p) {
    int filled = (int) (p.fraction() * BAR_WIDTH);
    return name()
        + " ["
        + "#".repeat(filled)
        + "-".repeat(BAR_WIDTH - filled)
        + "] "
        + status(p);
  }

  private static String status(Snapshot p) {
    String s =
        String.format(
            Locale.ROOT,
            "%3d%% %s of %s",
            (int) (p.fraction() * 100),
            human(p.bytesDone()),
            human(p.totalBytes()));
    return p.bytesPerSecond() > 0 ? s + ", " + human(p.bytesPerSecond()) + "/s" : s;
  }

  /** Returns a byte count for people: {@code 512 B}, {@code 1.5 KiB}, {@code 2.0 MiB}. */
  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
