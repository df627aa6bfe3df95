package dev.appupdate.protocol;

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

  /** Returns a short reason for a completion report, for example {@code invalid offer: size: ...}. */
  public String reason() {
    return "invalid offer: " + errors.get(0).message();
  }
}
