package dev.appupdate.protocol.signature;

import java.util.Objects;

/**
 * The verdict on a signed release, offer or response: valid, with the trusted key that signed, or
 * not, with why not.
 */
public final class Verification {
  private final String keyId;
  private final String reason;

  private Verification(String keyId, String reason) {
    this.keyId = keyId;
    this.reason = reason;
  }

  static Verification valid(String keyId) {
    return new Verification(Objects.requireNonNull(keyId), null);
  }

  static Verification invalid(String reason) {
    return new Verification(null, Objects.requireNonNull(reason));
  }

  /**
   * Returns whether a trusted key made a valid signature.
   *
   * @return true when valid
   */
  public boolean valid() {
    return keyId != null;
  }

  /**
   * Returns the id of the trusted key whose signature verified.
   *
   * @return 16 lower-case hex digits, or null when not {@linkplain #valid() valid}
   */
  public String keyId() {
    return keyId;
  }

  /**
   * Returns why nothing verified, for a log or an error report, for example {@code signed only by
   * keys that are not trusted: 0a1b2c3d4e5f6a7b}.
   *
   * @return the reason, or null when {@linkplain #valid() valid}
   */
  public String reason() {
    return reason;
  }

  /** Returns {@code valid (key id)} or {@code invalid: reason}. */
  @Override
  public String toString() {
    return keyId != null ? "valid (" + keyId + ")" : "invalid: " + reason;
  }
}
