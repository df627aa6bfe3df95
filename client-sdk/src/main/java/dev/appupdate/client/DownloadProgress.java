package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import java.net.URI;
import java.util.Objects;

/** A snapshot of a running download, passed to a {@link DownloadListener}. */
public final class DownloadProgress {
  private final AvailableUpdate offer;
  private final URI url;
  private final long bytesDone;
  private final long bytesPerSecond;

  DownloadProgress(AvailableUpdate offer, URI url, long bytesDone, long bytesPerSecond) {
    this.offer = Objects.requireNonNull(offer, "offer == null");
    this.url = Objects.requireNonNull(url, "url == null");
    if (bytesDone < 0 || bytesDone > offer.size()) {
      throw new IllegalArgumentException(
          "bytesDone must be 0.." + offer.size() + ", got " + bytesDone);
    }
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException(
          "bytesPerSecond must not be negative, got " + bytesPerSecond);
    }
    this.bytesDone = bytesDone;
    this.bytesPerSecond = bytesPerSecond;
  }

  /**
   * Returns the offer being downloaded.
   *
   * @return the offer
   */
  public AvailableUpdate offer() {
    return offer;
  }

  /**
   * Returns the URL the bytes come from: the offer's {@code url} or one of its mirrors.
   *
   * @return the URL of the current attempt
   */
  public URI url() {
    return url;
  }

  /**
   * Returns the bytes received so far, including bytes resumed from an earlier attempt.
   *
   * @return from 0 to {@link #totalBytes()}
   */
  public long bytesDone() {
    return bytesDone;
  }

  /**
   * Returns the declared size of the offer.
   *
   * @return the size in bytes
   */
  public long totalBytes() {
    return offer.size();
  }

  /**
   * Returns the average rate of the current attempt.
   *
   * @return bytes per second; 0 until bytes arrive
   */
  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /**
   * Returns the fraction done.
   *
   * @return from 0.0 to 1.0; 1.0 for an empty offer
   */
  public double fraction() {
    return offer.size() == 0 ? 1.0 : (double) bytesDone / offer.size();
  }

  /**
   * Returns true for a snapshot with the same values.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal snapshot
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof DownloadProgress other
        && offer.equals(other.offer)
        && url.equals(other.url)
        && bytesDone == other.bytesDone
        && bytesPerSecond == other.bytesPerSecond;
  }

  @Override
  public int hashCode() {
    return Objects.hash(offer, url, bytesDone, bytesPerSecond);
  }

  /**
   * Returns the values, for debugging.
   *
   * @return a one-line description
   */
  @Override
  public String toString() {
    return "DownloadProgress["
        + offer.updateType()
        + " "
        + offer.version()
        + " from "
        + url
        + ": "
        + bytesDone
        + " of "
        + offer.size()
        + " bytes, "
        + bytesPerSecond
        + " bytes/s]";
  }
}
