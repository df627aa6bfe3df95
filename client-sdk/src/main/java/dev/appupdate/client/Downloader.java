package dev.appupdate.client;

import dev.appupdate.client.DownloadException.Disposition;
import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Downloads one update into a directory, under a {@link DownloadLock}: returns a verified file
 * already at the final path, else takes up the {@link PartialFile} of an earlier attempt and runs
 * the {@link Transfer} on each URL in order (the offer's {@code url}, then its mirrors), each under
 * the {@link Retrier} with one time budget for all URLs, until the partial file holds the verified
 * bytes and is moved into place.
 */
final class Downloader {
  private static final System.Logger LOG = System.getLogger(UpdateClient.class.getName());

  /** Points of a download where {@link Checkpoints} are told. */
  enum Point {
    /** The download holds its lock and has touched nothing yet. */
    LOCKED,
    /** One more chunk of a partial file from an earlier attempt was re-hashed. */
    REHASHING,
    /** The streamed bytes matched size and digest; the file is not yet forced nor moved. */
    VERIFIED
  }

  /** A seam for tests: runs on the downloading thread at each {@link Point}. */
  @FunctionalInterface
  interface Checkpoints {
    Checkpoints NONE = (point, update) -> {};

    void reached(Point point, AvailableUpdate update) throws IOException;
  }

  private final Transport transport;
  private final Retrier retrier;
  private final Clock clock;
  private final SpeedMeter.Rule speed;
  private final Checkpoints checkpoints;
  private final Patching patching;

  /**
   * @param clock the wall clock, for Retry-After dates
   * @param speed the minimum-speed rule of every transfer
   * @param patching how offers are rebuilt from patches, or null to always download them whole
   */
  Downloader(
      Transport transport,
      Retrier retrier,
      Clock clock,
      SpeedMeter.Rule speed,
      Checkpoints checkpoints,
      Patching patching) {
    this.transport = transport;
    this.retrier = retrier;
    this.clock = clock;
    this.speed = speed;
    this.checkpoints = checkpoints;
    this.patching = patching;
  }

  DownloadedUpdate download(AvailableUpdate update, Path directory, DownloadListener listener)
      throws DownloadException {
    return download(update, directory, FileNames.finalName(update), listener, true);
  }

  /**
   * Downloads {@code update} to {@code name} in {@code directory}; with {@code patches}, tries
   * the offer's patch first when this downloader applies patches.
   */
  DownloadedUpdate download(
      AvailableUpdate update,
      Path directory,
      String name,
      DownloadListener listener,
      boolean patches)
      throws DownloadException {
    Retrier.Budget budget = retrier.budget();
    if (Thread.currentThread().isInterrupted()) {
      throw new DownloadCancelledException("interrupted before downloading " + update.url());
    }
    Path target = directory.resolve(name);
    Path lockFile = directory.resolve(FileNames.lockName(name));
    DownloadLock lock;
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw DownloadFailures.local(directory, e);
    }
    try {
      lock = DownloadLock.tryAcquire(lockFile);
    } catch (IOException e) {
      throw DownloadFailures.local(lockFile, e);
    }
    if (lock == null) {
      throw DownloadFailures.alreadyRunning(update, directory, lockFile);
    }
    try (PartialFile part =
        new PartialFile(
            directory.resolve(FileNames.partName(name)),
            directory.resolve(FileNames.metaName(name)),
            update)) {
      checkpoint(Point.LOCKED, part);
      if (verifiedAt(target, update)) {
        part.discard();
        return result(update, target);
      }
      if (part.resume(checkpoints)) {
        return commit(part, target);
      }
      String patchFailure = null;
      if (patches && patching != null && update.patch() != null) {
        try {
          patching.apply(this, update, directory, name, target, listener);
          part.discard();
          return new DownloadedUpdate(update, target, true, null);
        } catch (Patching.Failure e) {
          String reason = e.getMessage();
          LOG.log(
              Level.INFO,
              () -> "patch of " + update.updateType() + " " + update.version() + " not used ("
                  + reason + "); downloading the full file");
          patchFailure = reason;
        }
      }
      DownloadedUpdate full = fetch(part, target, listener, budget);
      return patchFailure == null
          ? full
          : new DownloadedUpdate(update, target, false, patchFailure);
    } finally {
      lock.close();
    }
  }

  /**
   * Tries each URL in turn, each as often as the {@link Retrier} allows, until one delivers the
   * verified bytes; a failure that ends the download (a cancellation, a local failure) stops the
   * loop at once.
   */
  private DownloadedUpdate fetch(
      PartialFile part, Path target, DownloadListener listener, Retrier.Budget budget)
      throws DownloadException {
    Transfer transfer = new Transfer(transport, clock, speed, part, listener);
    List<DownloadException> failures = new ArrayList<>();
    for (URI url : part.update().urls()) {
      Retrier.Retries<DownloadException> retries =
          retrier.retries(
              "download of " + url,
              budget,
              () -> new DownloadCancelledException("interrupted while waiting to retry " + url));
      try {
        while (true) {
          try {
            transfer.from(url);
            break;
          } catch (DownloadException e) {
            // Waits before the next attempt, or throws to give up on this URL.
            retries.failed(e);
          }
        }
        return commit(part, target);
      } catch (DownloadException e) {
        failures.add(e);
        if (e.disposition() == Disposition.STOP) {
          break;
        }
        LOG.log(Level.DEBUG, () -> "download of " + url + " failed: " + e.getMessage());
      }
    }
    throw DownloadFailures.mostTelling(failures);
  }

  private DownloadedUpdate commit(PartialFile part, Path target) throws DownloadException {
    checkpoint(Point.VERIFIED, part);
    part.commitTo(target);
    return result(part.update(), target);
  }

  /**
   * True when a verified file is already at the final path. Anything else there goes (a link is
   * removed, not followed), except what is neither a file nor a link.
   */
  private static boolean verifiedAt(Path target, AvailableUpdate update) throws DownloadException {
    try {
      if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
        try (FileChannel file =
            FileChannel.open(target, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
          if (new ExpectedDigest(update).matchesFile(file)) {
            return true;
          }
        }
      } else if (!Files.isSymbolicLink(target)) {
        throw DownloadFailures.notRegularFile(target);
      }
      Files.deleteIfExists(target);
      return false;
    } catch (IOException e) {
      throw DownloadFailures.local(target, e);
    }
  }

  private void checkpoint(Point point, PartialFile part) throws DownloadException {
    try {
      checkpoints.reached(point, part.update());
    } catch (IOException e) {
      throw DownloadFailures.local(part.path(), e);
    }
  }

  private static DownloadedUpdate result(AvailableUpdate update, Path target) {
    return new DownloadedUpdate(update, target);
  }
}
