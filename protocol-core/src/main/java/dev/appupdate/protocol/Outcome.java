package dev.appupdate.protocol;

import static dev.appupdate.protocol.internal.Fields.require;

import dev.appupdate.protocol.internal.Fields;
import java.util.Objects;

/**
 * What happened to one offered update, as a client reports it in a completion. Immutable; built
 * with {@link #success} or {@link #failed}, and {@link #withObserved} for what the client actually
 * received.
 *
 * <pre>{@code
 * Outcome ok = Outcome.success("1.0");
 * Outcome bad = Outcome.failed("2.0", FailureCode.BAD_CHECKSUM, Outcome.BAD_CHECKSUM)
 *     .withObserved(HashFunction.SHA512, actualHex, 1234L);
 * }</pre>
 */
public final class Outcome {

  /** The reason reported for a hash mismatch, in the seed protocol's wording. */
  public static final String BAD_CHECKSUM = "bad checksum";

  private final Status status;
  private final String version;
  private final FailureCode code;
  private final String reason;
  private final HashFunction hashFunction;
  private final String hashValue;
  private final Long size;
  private final Boolean patchUsed;
  private final String patchFailure;

  private Outcome(
      Status status,
      String version,
      FailureCode code,
      String reason,
      HashFunction hashFunction,
      String hashValue,
      Long size,
      Boolean patchUsed,
      String patchFailure) {
    this.status = status;
    this.version = version;
    this.code = code;
    this.reason = reason;
    this.hashFunction = hashFunction;
    this.hashValue = hashValue;
    this.size = size;
    this.patchUsed = patchUsed;
    this.patchFailure = patchFailure;
  }

  /**
   * Returns a successful outcome.
   *
   * @param version the version that was installed: the version text it was offered as
   * @return the outcome
   * @throws NullPointerException if {@code version} is null
   * @throws IllegalArgumentException if {@code version} is not a version
   */
  public static Outcome success(String version) {
    return new Outcome(
        Status.SUCCESS, checkVersion(version), null, null, null, null, null, null, null);
  }

  /**
   * Returns a failed outcome.
   *
   * @param version the version that failed: the version text it was offered as
   * @param code why it failed, for machines
   * @param reason why it failed, for people, for example {@code disk full}: 1 to 1,024 characters
   *     without control characters
   * @return the outcome
   * @throws NullPointerException if {@code version} or {@code code} is null
   * @throws IllegalArgumentException if {@code version} is not a version, or {@code reason} is
   *     null (a failure always says why) or not valid text
   */
  public static Outcome failed(String version, FailureCode code, String reason) {
    Objects.requireNonNull(code, "code == null");
    if (reason == null) {
      throw new IllegalArgumentException("reason: required when status is failed");
    }
    require("reason", Fields.text(reason));
    return new Outcome(
        Status.FAILED, checkVersion(version), code, reason, null, null, null, null, null);
  }

  private static String checkVersion(String version) {
    Objects.requireNonNull(version, "version == null");
    require("version", Fields.version(version));
    return version;
  }

  /**
   * Returns a copy with what the client actually received. Each part may be null when the client
   * does not know it, for example the digest of a transfer that ended early.
   *
   * @param hashFunction the hash function of {@code hashValue}, or null
   * @param hashValue the digest of the bytes received, lower-case hex of 1 to 128 digits, or null
   * @param size the number of bytes received, or null
   * @return the copy
   * @throws IllegalArgumentException if {@code hashValue} or {@code size} is invalid
   */
  public Outcome withObserved(HashFunction hashFunction, String hashValue, Long size) {
    if (hashValue != null) {
      require("hash_value", Fields.reportedHashValue(hashValue));
    }
    if (size != null) {
      require("size", Fields.size(size));
    }
    return new Outcome(
        status, version, code, reason, hashFunction, hashValue, size, patchUsed, patchFailure);
  }

  /**
   * Returns a copy noting that the update's bytes were rebuilt from a patch (the {@code patch}
   * note {@code {"used": true}}, docs/PROTOCOL.md "Patches").
   *
   * @return the copy
   */
  public Outcome withPatchUsed() {
    return new Outcome(status, version, code, reason, hashFunction, hashValue, size, true, null);
  }

  /**
   * Returns a copy noting that a patch was offered but not used, and why; the full download then
   * decided the outcome (the {@code patch} note {@code {"used": false, "failure": "..."}}). A
   * patch failure the full download recovered is a note on a success, never a failed update.
   *
   * @param failure why the patch was not used, for people, for example {@code base digest
   *     differs}: 1 to 1,024 characters without control characters
   * @return the copy
   * @throws IllegalArgumentException if {@code failure} is not valid text
   */
  public Outcome withPatchFailure(String failure) {
    Objects.requireNonNull(failure, "failure == null");
    require("patch.failure", Fields.text(failure));
    return new Outcome(
        status, version, code, reason, hashFunction, hashValue, size, false, failure);
  }

  /**
   * Returns whether the bytes were rebuilt from a patch.
   *
   * @return true when a patch was used, false when one was offered and failed, null when the
   *     report says nothing about patches
   */
  public Boolean patchUsed() {
    return patchUsed;
  }

  /**
   * Returns why an offered patch was not used.
   *
   * @return the failure text, or null when a patch was used or the report says nothing about
   *     patches
   */
  public String patchFailure() {
    return patchFailure;
  }

  /**
   * Returns whether the update succeeded.
   *
   * @return success or failed
   */
  public Status status() {
    return status;
  }

  /**
   * Returns the version the outcome is about, as the client wrote it.
   *
   * @return the version text
   */
  public String version() {
    return version;
  }

  /**
   * Returns why the update failed, for machines.
   *
   * @return the code; null on success
   */
  public FailureCode code() {
    return code;
  }

  /**
   * Returns why the update failed, for people.
   *
   * @return the reason; null on success
   */
  public String reason() {
    return reason;
  }

  /**
   * Returns the hash function of {@link #hashValue()}.
   *
   * @return the function, or null when not reported
   */
  public HashFunction hashFunction() {
    return hashFunction;
  }

  /**
   * Returns the digest the client computed over what it received.
   *
   * @return lower-case hex, or null when not reported
   */
  public String hashValue() {
    return hashValue;
  }

  /**
   * Returns the number of bytes the client received.
   *
   * @return the size, or null when not reported
   */
  public Long size() {
    return size;
  }

  /**
   * Returns true for an outcome with the same values.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal outcome
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Outcome)) {
      return false;
    }
    Outcome other = (Outcome) o;
    return status == other.status
        && version.equals(other.version)
        && code == other.code
        && Objects.equals(reason, other.reason)
        && hashFunction == other.hashFunction
        && Objects.equals(hashValue, other.hashValue)
        && Objects.equals(size, other.size)
        && Objects.equals(patchUsed, other.patchUsed)
        && Objects.equals(patchFailure, other.patchFailure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        status, version, code, reason, hashFunction, hashValue, size, patchUsed, patchFailure);
  }

  /**
   * Returns the values for debugging, for example {@code Outcome[failed 2.0 bad_checksum "bad
   * checksum"]}.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Outcome[").append(status).append(' ').append(version);
    if (code != null) {
      sb.append(' ').append(code).append(' ').append(Fields.quote(reason));
    }
    if (hashFunction != null || hashValue != null || size != null) {
      sb.append(", observed ").append(hashFunction).append(' ').append(hashValue).append(' ')
          .append(size);
    }
    if (patchUsed != null) {
      sb.append(patchUsed ? ", patch used" : ", patch failed " + Fields.quote(patchFailure));
    }
    return sb.append(']').toString();
  }

  /** The status of an outcome. */
  public enum Status {
    /** Downloaded, verified and installed. */
    SUCCESS("success"),
    /** Not installed; {@link Outcome#reason()} says why. */
    FAILED("failed");

    private final String wireName;

    Status(String wireName) {
      this.wireName = wireName;
    }

    /**
     * Returns the name used on the wire.
     *
     * @return {@code success} or {@code failed}
     */
    public String wireName() {
      return wireName;
    }

    /**
     * Returns the status with this wire name.
     *
     * @param name {@code success} or {@code failed}
     * @return the status
     * @throws IllegalArgumentException if it is neither {@code success} nor {@code failed}
     */
    public static Status fromWireName(String name) {
      Objects.requireNonNull(name, "name == null");
      for (Status s : values()) {
        if (s.wireName.equals(name)) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "must be \"success\" or \"failed\", got " + Fields.quote(name));
    }

    /** Returns {@link #wireName()}. */
    @Override
    public String toString() {
      return wireName;
    }
  }
}
