package dev.appupdate.protocol.catalog;

import java.util.Objects;

/**
 * One problem found in a catalog.
 *
 * @param index the position of the release in {@code releases}, from 0; {@value #DOCUMENT} for a
 *     problem of the document itself
 * @param field the path of the field within the release, for example {@code hash_value}, {@code
 *     match.channels[1]} or, for a key that is not a plain name, {@code ["rollout percent"]}; or ""
 *     for the release as a whole; for a document problem, the key, or {@code $} for the whole
 *     document
 * @param message a human message, for example {@code must be 128 lower-case hex digits for sha512,
 *     got 6 characters}
 */
public record CatalogProblem(int index, String field, String message) {

  /** The {@link #index} of a problem of the document rather than of one release. */
  public static final int DOCUMENT = -1;

  /**
   * Validates the components.
   *
   * @param index the position of the release, or {@value #DOCUMENT}
   * @param field the path of the field within the release
   * @param message a human message
   */
  public CatalogProblem {
    Objects.requireNonNull(field, "field == null");
    Objects.requireNonNull(message, "message == null");
    if (index < DOCUMENT) {
      throw new IllegalArgumentException("index must be >= -1, got " + index);
    }
  }

  /**
   * Returns the path of the field within the document, for example {@code releases[3].size}, or
   * {@code releases[3]["rollout percent"]} for a key that is not a plain name (see
   * docs/PROTOCOL.md, "Field paths").
   *
   * @return the path of the field within the document
   */
  public String path() {
    if (index == DOCUMENT) {
      return field;
    }
    String release = "releases[" + index + "]";
    return field.isEmpty() || field.startsWith("[") ? release + field : release + "." + field;
  }

  /**
   * Returns {@code path: message}, for example {@code releases[3].hash_value: must be 128
   * lower-case hex digits for sha512, got 6 characters}.
   */
  @Override
  public String toString() {
    return path() + ": " + message;
  }
}
