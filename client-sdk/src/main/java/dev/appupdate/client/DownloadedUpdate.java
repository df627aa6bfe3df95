package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.HashFunction;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An update whose bytes are on disk and verified: the file at {@code path} has exactly {@code size}
 * bytes and its digest is {@code hashValue}, as the offer declared.
 *
 * @param update the offer the bytes belong to
 * @param path the verified file, named after the update type and version
 * @param hashFunction the hash function the bytes were verified with
 * @param hashValue the verified digest, lower-case hex
 * @param size the size of the file in bytes
 */
public record DownloadedUpdate(
    AvailableUpdate update, Path path, HashFunction hashFunction, String hashValue, long size) {

  /** Validates the components. */
  public DownloadedUpdate {
    Objects.requireNonNull(update, "update == null");
    Objects.requireNonNull(path, "path == null");
    Objects.requireNonNull(hashFunction, "hashFunction == null");
    Objects.requireNonNull(hashValue, "hashValue == null");
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative, got " + size);
    }
  }
}
