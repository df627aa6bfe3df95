package dev.appupdate.protocol;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A protocol document is malformed: bad JSON, a wrong type, a missing or invalid field. Lists
 * every bad field with its path and a human message.
 *
 * <pre>{@code
 * try {
 *   UpdateRequest request = ServerCodec.create().decodeUpdateRequest(body);
 * } catch (ProtocolException e) {
 *   e.errors(); // [version: must be a string or an integer, got 1.5]
 * }
 * }</pre>
 */
public final class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** How many errors the message spells out; {@link #errors()} holds them all. */
  static final int MESSAGE_ERRORS = 100;

  /** The document kind, for example {@code update request}. */
  private final String document;

  /** Immutable. */
  @SuppressWarnings("serial")
  private final List<FieldError> errors;

  /**
   * Creates an exception for {@code document} with at least one error.
   *
   * @param document what was being read, for example {@code update request}
   * @param errors every problem found; must not be empty
   */
  public ProtocolException(String document, List<FieldError> errors) {
    super(message(document, errors));
    this.document = document;
    this.errors = List.copyOf(errors);
  }

  private static String message(String document, List<FieldError> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("errors is empty");
    }
    // A document can have as many bad fields as members; a message that size would swamp any
    // log, so it stops early and errors() keeps the whole list.
    int n = errors.size();
    String listed =
        errors.stream()
            .limit(MESSAGE_ERRORS)
            .map(FieldError::toString)
            .collect(Collectors.joining("; "));
    return "invalid " + document + ": " + listed
        + (n > MESSAGE_ERRORS ? "; and " + (n - MESSAGE_ERRORS) + " more" : "");
  }

  /**
   * Returns what was being read, for example {@code update request}.
   *
   * @return what was being read
   */
  public String document() {
    return document;
  }

  /**
   * Returns every problem found, in document order; never empty.
   *
   * @return every problem found
   */
  public List<FieldError> errors() {
    return errors;
  }
}
