package dev.appupdate.protocol;

import java.util.Objects;

/**
 * Why an update failed, machine-readable: the {@code code} of a failed {@link Outcome}, next to
 * its free-text {@link Outcome#reason()}. The set is open: a later revision of protocol v1 may
 * add codes, and a reader maps a code it does not know to {@link #OTHER} rather than refusing the
 * report.
 *
 * <pre>{@code
 * Outcome bad = Outcome.failed("2.0", FailureCode.BAD_CHECKSUM, Outcome.BAD_CHECKSUM);
 * FailureCode code = FailureCode.fromWireName("from_a_newer_client"); // OTHER
 * }</pre>
 */
public enum FailureCode {
  /** The bytes had the declared size but not the declared digest. */
  BAD_CHECKSUM("bad_checksum"),
  /** More or fewer bytes arrived than the offer declared. */
  SIZE_MISMATCH("size_mismatch"),
  /** A signature over the release did not verify. */
  BAD_SIGNATURE("bad_signature"),
  /** The transfer failed: network errors, HTTP errors, refused URLs or redirects, stalls. */
  DOWNLOAD_FAILED("download_failed"),
  /** The verified bytes could not be installed. */
  INSTALL_FAILED("install_failed"),
  /** Applying a patch failed (and the full download did not recover). */
  PATCH_FAILED("patch_failed"),
  /** The user or the application stopped the update. */
  CANCELLED("cancelled"),
  /** Anything else, and every code this version does not know. */
  OTHER("other");

  private final String wireName;

  FailureCode(String wireName) {
    this.wireName = wireName;
  }

  /**
   * Returns the name used on the wire, for example {@code bad_checksum}.
   *
   * @return the wire name
   */
  public String wireName() {
    return wireName;
  }

  /**
   * Returns the code with this wire name, or {@link #OTHER} for a name this version does not know:
   * the set of codes is open, so an unknown one is never an error.
   *
   * @param name the code as it appears in {@code code}, for example {@code bad_checksum}
   * @return the code, {@link #OTHER} when unknown
   * @throws NullPointerException if {@code name} is null
   */
  public static FailureCode fromWireName(String name) {
    Objects.requireNonNull(name, "name == null");
    for (FailureCode c : values()) {
      if (c.wireName.equals(name)) {
        return c;
      }
    }
    return OTHER;
  }

  /**
   * Returns the code a report from a client that sends none stands for: {@link #BAD_CHECKSUM} when
   * the reason is the seed protocol's {@value Outcome#BAD_CHECKSUM}, else {@link #OTHER}.
   *
   * @param reason the failed outcome's reason
   * @return the derived code
   */
  public static FailureCode derivedFrom(String reason) {
    return Outcome.BAD_CHECKSUM.equals(reason) ? BAD_CHECKSUM : OTHER;
  }

  /** Returns {@link #wireName()}. */
  @Override
  public String toString() {
    return wireName;
  }
}
