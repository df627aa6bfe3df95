package dev.appupdate.protocol;

import dev.appupdate.protocol.internal.Fields;
import java.util.List;
import java.util.Objects;

/**
 * An entry of {@code available_updates} that could not be read. The other offers of the same
 * response stay usable; a client reports this one as failed when its update type is known.
 *
 * @param index the position in {@code available_updates}
 * @param updateType the entry's update type when it could be read, else null
 * @param version the entry's version text when it could be read, else null
 * @param errors what is wrong, with paths relative to the whole response; never empty
 */
public record RejectedOffer(int index, String updateType, String version, List<FieldError> errors) {

  /** Validates the components. */
  public RejectedOffer {
    errors = List.copyOf(Objects.requireNonNull(errors, "errors == null"));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("errors is empty");
    }
    if (index < 0) {
      throw new IllegalArgumentException("index < 0: " + index);
    }
  }

  /**
   * Returns a reason for a failed {@link Outcome} in a completion report, naming the first problem,
   * for example {@code invalid offer: available_updates[1].size: must not be negative, got -1}.
   * Always valid as {@link Outcome#reason()}: at most 1024 characters, cut with "..." when longer,
   * and with any control character or unpaired surrogate escaped as a backslash, {@code u} and
   * four hex digits.
   */
  public String reason() {
    // Cleaned, since a field error of another origin may hold control characters or unpaired
    // surrogates that a reason must not.
    return Fields.clean("invalid offer: " + errors.get(0), Fields.MAX_TEXT_LENGTH);
  }
}
