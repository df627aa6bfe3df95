package dev.appupdate.protocol;

import java.util.Objects;

/**
 * One problem with one field of a protocol document.
 *
 * @param field the path of the field, for example {@code version}, {@code installed.blocklist} or
 *     {@code available_updates[1].hash_value}; {@code $} stands for the whole document
 * @param message a human message, for example {@code must be a string or an integer, got 1.5}
 */
public record FieldError(String field, String message) {

  /**
   * Validates the components.
   *
   * @param field the path of the field
   * @param message a human message
   */
  public FieldError {
    Objects.requireNonNull(field, "field == null");
    Objects.requireNonNull(message, "message == null");
  }

  /** Returns {@code field: message}. */
  @Override
  public String toString() {
    return field + ": " + message;
  }
}
