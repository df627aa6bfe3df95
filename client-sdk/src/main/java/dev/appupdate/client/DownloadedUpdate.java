package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An offer whose bytes are on disk and verified: the file at {@link #path()} has exactly the size
 * and the digest that {@link #offer()} declares. Made by {@link UpdateClient#download}; handed to
 * the {@link Installer} by {@link UpdateClient#update}.
 *
 * <h2>The download directory</h2>
 *
 * <p>The bytes stream into {@code .<name>.part} in the download directory while they are hashed,
 * each byte once; memory use does not depend on the size. Reading stops as soon as more bytes
 * arrive than the offer's {@code size}. Only when size and digest match (digests are compared in
 * constant time) is the file forced to disk and moved, atomically, to its final name ({@link
 * #path()}), and the directory forced. A verified file already at the final path is returned without a
 * transfer (and without calling the listener); any other file there is removed.
 *
 * <p>One download of an update into a directory runs at a time, across threads and processes: it
 * holds a lock on {@code .<name>.lock} from start to end, and another download of the same update
 * into the same directory fails at once with the reason {@code download already running}. Once a
 * download ends, only the verified file (or a resumable partial file) remains.
 *
 * <p>Resuming: when a transfer breaks, the partial file is kept together with a small sidecar
 * ({@code .<name>.part.meta}) holding the server's strong validator (a strong ETag; without any
 * ETag, a Last-Modified a second older than the Date). The next attempt, in the same call or a
 * later one, re-hashes the partial bytes and asks for the rest with {@code Range} and {@code
 * If-Range}. A {@code 200} answer (the file changed) restarts from byte 0, and so does a {@code
 * 206} whose {@code Content-Range} does not fit or that names another validator. When resumed
 * bytes fail verification, the same URL is tried once more from byte 0 before the mismatch
 * counts. Without a validator nothing is kept.
 */
public final class DownloadedUpdate {
  private final AvailableUpdate offer;
  private final Path path;
  private final boolean patched;
  private final String patchFailure;

  DownloadedUpdate(AvailableUpdate offer, Path path) {
    this(offer, path, false, null);
  }

  DownloadedUpdate(AvailableUpdate offer, Path path, boolean patched, String patchFailure) {
    this.offer = Objects.requireNonNull(offer, "offer == null");
    this.path = Objects.requireNonNull(path, "path == null");
    this.patched = patched;
    this.patchFailure = patchFailure;
  }

  /**
   * Returns whether the file was rebuilt from the offer's {@linkplain AvailableUpdate#patch()
   * patch} rather than downloaded whole. Either way it was verified against the offer's own size
   * and digest.
   *
   * @return true when rebuilt from a patch
   */
  public boolean patched() {
    return patched;
  }

  /**
   * Returns why the offer's patch was not used, when it had one and the client applies patches:
   * the full file was downloaded instead (for example {@code no base file}, {@code base digest
   * differs}, {@code rebuilt file has the wrong digest}).
   *
   * @return the reason, or null when the file was patched or no patch was tried
   */
  public String patchFailure() {
    return patchFailure;
  }

  /**
   * Returns the offer the bytes belong to; its size, hash function and digest are what the file
   * was verified against.
   *
   * @return the offer
   */
  public AvailableUpdate offer() {
    return offer;
  }

  /**
   * Returns the verified file. Its name is {@code <update_type>-<version>-<hash>}: update type and
   * version with characters outside {@code [A-Za-z0-9._+-]} replaced by {@code _}, then 8 hex
   * digits of a hash of the exact pair, so that distinct updates never share a name (a leading
   * {@code _} is added when the name would start with a Windows device name). The name never comes
   * from the URL.
   *
   * @return the path of the file
   */
  public Path path() {
    return path;
  }

  /**
   * Returns true for a downloaded update of an equal offer at the same path.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal downloaded update
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof DownloadedUpdate other
        && offer.equals(other.offer)
        && path.equals(other.path);
  }

  @Override
  public int hashCode() {
    return Objects.hash(offer, path);
  }

  /**
   * Returns the update type, version and path, for debugging.
   *
   * @return a one-line description
   */
  @Override
  public String toString() {
    return "DownloadedUpdate["
        + offer.updateType()
        + " "
        + offer.version()
        + " at "
        + path
        + "]";
  }
}
