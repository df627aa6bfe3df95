package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import java.net.URI;
import java.util.Objects;

/**
 * A snapshot of a running download, passed to a {@link DownloadListener}.
 *
 * @param update the update being downloaded
 * @param url the URL the bytes come from (the offer's {@code url} or one of its mirrors)
 * @param bytesDone the bytes received and verified-as-written so far, including bytes resumed from
 *     an earlier attempt
 * @param totalBytes the declared size of the update
 * @param bytesPerSecond the average rate of the current attempt; 0 until bytes arrive
 */
public record DownloadProgress(
    AvailableUpdate update, URI url, long bytesDone, long totalBytes, long bytesPerSecond) {

  /** Validates the components. */
  public DownloadProgress {
    Objects.requireNonNull(update, "update == null");
    Objects.requireNonNull(url, "url == null");
    if (bytesDone < 0 || bytesDone > totalBytes) {
      throw new IllegalArgumentException(
          "bytesDone must be 0.." + totalBytes + ", got " + bytesDone);
    }
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "bytesPerSecond must not be negative, got " + bytesPerSecond);
    }
  }

  /** Returns the fraction done, from 0.0 to 1.0; 1.0 for an empty update. */
  public double fraction() {
    return totalBytes == 0 ? 1.0 : (double) bytesDone / totalBytes;
  }
}
