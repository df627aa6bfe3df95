package dev.appupdate.protocol;

import dev.appupdate.protocol.internal.Fields;
import java.util.List;
import java.util.Objects;

/**
 * An entry of {@code available_updates} that could not be read. The other offers of the same
 * response stay usable; a client reports this one as failed when its update type is known.
 * Returned by {@link ClientCodec#decodeUpdateResponse} in {@link UpdateResponse#rejected()}.
 */
public final class RejectedOffer {
  private final int index;
  private final String updateType;
  private final String version;
  private final List<FieldError> errors;

  RejectedOffer(int index, String updateType, String version, List<FieldError> errors) {
    this.errors = List.copyOf(Objects.requireNonNull(errors, "errors == null"));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("errors is empty");
    }
    if (index < 0) {
      throw new IllegalArgumentException("index < 0: " + index);
    }
    this.index = index;
    this.updateType = updateType;
    this.version = version;
  }

  /**
   * Returns the entry's position.
   *
   * @return the index in {@code available_updates}, from 0
   */
  public int index() {
    return index;
  }

  /**
   * Returns the entry's update type.
   *
   * @return the update type when it could be read, else null
   */
  public String updateType() {
    return updateType;
  }

  /**
   * Returns the entry's version.
   *
   * @return the version text when it could be read, else null
   */
  public String version() {
    return version;
  }

  /**
   * Returns what is wrong with the entry.
   *
   * @return the errors, with paths relative to the whole response; never empty
   */
  public List<FieldError> errors() {
    return errors;
  }

  /**
   * Returns a reason for a failed {@link Outcome} in a completion report, naming the first problem,
   * for example {@code invalid offer: available_updates[1].size: must not be negative, got -1}.
   * Always valid as {@link Outcome#reason()}: at most 1024 characters, cut with "..." when longer,
   * and with any control character or unpaired surrogate escaped as a backslash, {@code u} and
   * four hex digits.
   *
   * @return the reason
   */
  public String reason() {
    // Cleaned, since a field error of another origin may hold control characters or unpaired
    // surrogates that a reason must not.
    return Fields.clean("invalid offer: " + errors.get(0), Fields.MAX_TEXT_LENGTH);
  }

  /**
   * Returns true for a rejected offer with the same values.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal rejected offer
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof RejectedOffer)) {
      return false;
    }
    RejectedOffer other = (RejectedOffer) o;
    return index == other.index
        && Objects.equals(updateType, other.updateType)
        && Objects.equals(version, other.version)
        && errors.equals(other.errors);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, updateType, version, errors);
  }

  /** Returns the values for debugging. */
  @Override
  public String toString() {
    return "RejectedOffer[index=" + index + ", updateType=" + updateType + ", version=" + version
        + ", errors=" + errors + "]";
  }
}
