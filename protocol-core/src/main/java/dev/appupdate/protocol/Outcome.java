package dev.appupdate.protocol;

import static dev.appupdate.protocol.internal.Fields.require;

import dev.appupdate.protocol.internal.Fields;
import java.util.Objects;

/**
 * What happened to one offered update, as a client reports it in a completion.
 *
 * <pre>{@code
 * Outcome ok = Outcome.success("1.0");
 * Outcome bad = Outcome.failed("2.0", Outcome.BAD_CHECKSUM)
 *     .withObserved(HashFunction.SHA512, actualHex, 1234);
 * }</pre>
 *
 * @param status success or failed
 * @param version the version the outcome is about
 * @param reason why it failed; required when failed, null on success
 * @param hashFunction the hash function of {@code hashValue}, or null
 * @param hashValue the digest the client computed over what it received, or null
 * @param size the number of bytes the client received, or null
 */
public record Outcome(
    Status status,
    String version,
    String reason,
    HashFunction hashFunction,
    String hashValue,
    Long size) {

  /** The reason reported for a hash mismatch, in the seed protocol's wording. */
  public static final String BAD_CHECKSUM = "bad checksum";

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if a failed outcome has no reason, a successful one has a
   *     reason, or a value is invalid
   */
  public Outcome {
    Objects.requireNonNull(status, "status == null");
    Objects.requireNonNull(version, "version == null");
    require("version", Fields.version(version));
    if (status == Status.FAILED) {
      if (reason == null) {
        throw new IllegalArgumentException("reason: required when status is failed");
      }
      require("reason", Fields.text(reason));
    } else if (reason != null) {
      throw new IllegalArgumentException("reason: must be absent when status is success");
    }
    if (hashValue != null) {
      require("hash_value", Fields.reportedHashValue(hashValue));
    }
    if (size != null) {
      require("size", Fields.size(size));
    }
  }

  /** Returns a successful outcome for {@code version}. */
  public static Outcome success(String version) {
    return new Outcome(Status.SUCCESS, version, null, null, null, null);
  }

  /** Returns a failed outcome for {@code version} with {@code reason}. */
  public static Outcome failed(String version, String reason) {
    return new Outcome(Status.FAILED, version, reason, null, null, null);
  }

  /** Returns a copy with what the client actually received: digest and size. */
  public Outcome withObserved(HashFunction hashFunction, String hashValue, long size) {
    Objects.requireNonNull(hashFunction, "hashFunction == null");
    Objects.requireNonNull(hashValue, "hashValue == null");
    return new Outcome(status, version, reason, hashFunction, hashValue, size);
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

    /** Returns the name used on the wire: {@code success} or {@code failed}. */
    public String wireName() {
      return wireName;
    }

    /**
     * Returns the status with this wire name.
     *
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

    @Override
    public String toString() {
      return wireName;
    }
  }
}
