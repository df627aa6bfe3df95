package dev.appupdate.protocol;

import static dev.appupdate.protocol.internal.Fields.require;

import dev.appupdate.protocol.internal.Fields;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One update offered in an update response.
 *
 * @param updateType what is updated, for example {@code my_important_data}
 * @param url where to download the bytes (absolute http or https)
 * @param hashFunction the hash function of {@code hashValue}
 * @param hashValue the digest of the bytes, lower-case hex
 * @param size the exact size of the bytes
 * @param version the version of the update (a {@link Version} text)
 * @param mirrors more URLs serving the same bytes, tried in order after {@code url}; may be empty
 * @param critical whether the publisher marked the update critical
 */
public record AvailableUpdate(
    String updateType,
    URI url,
    HashFunction hashFunction,
    String hashValue,
    long size,
    String version,
    List<URI> mirrors,
    boolean critical) {

  /**
   * Validates every component.
   *
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException naming the first invalid component and why
   */
  public AvailableUpdate {
    Objects.requireNonNull(updateType, "updateType == null");
    Objects.requireNonNull(url, "url == null");
    Objects.requireNonNull(hashFunction, "hashFunction == null");
    Objects.requireNonNull(hashValue, "hashValue == null");
    Objects.requireNonNull(version, "version == null");
    mirrors = List.copyOf(Objects.requireNonNull(mirrors, "mirrors == null"));
    require("update_type", Fields.name(updateType));
    require("url", Fields.httpUrl(url.toString()));
    require("hash_value", Fields.hashValue(hashFunction, hashValue));
    require("size", Fields.size(size));
    require("version", Fields.version(version));
    for (int i = 0; i < mirrors.size(); i++) {
      require("mirrors[" + i + "]", Fields.httpUrl(mirrors.get(i).toString()));
    }
  }

  /** Returns a non-critical update without mirrors. */
  public static AvailableUpdate of(
      String updateType,
      URI url,
      HashFunction hashFunction,
      String hashValue,
      long size,
      String version) {
    return new AvailableUpdate(
        updateType, url, hashFunction, hashValue, size, version, List.of(), false);
  }

  /** Returns {@link #url()} followed by the {@link #mirrors()}, the order to try them in. */
  public List<URI> urls() {
    if (mirrors.isEmpty()) {
      return List.of(url);
    }
    URI[] all = new URI[mirrors.size() + 1];
    all[0] = url;
    for (int i = 0; i < mirrors.size(); i++) {
      all[i + 1] = mirrors.get(i);
    }
    return List.of(all);
  }

  /** Returns {@link #version()} parsed. */
  public Version parsedVersion() {
    return Version.parse(version);
  }
}
