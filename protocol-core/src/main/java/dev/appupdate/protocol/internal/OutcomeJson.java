package dev.appupdate.protocol.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.appupdate.protocol.FailureCode;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Outcome;

/**
 * The one mapping between an {@link Outcome} and its JSON members ({@code status}, {@code
 * version}, {@code code}, {@code reason}, {@code hash_function}, {@code hash_value}, {@code
 * size}, {@code patch}): used by the client codec to write completion reports, by the server codec to read them,
 * and by the reference server's completion log for its lines. A new member of an outcome is added
 * here and nowhere else.
 */
public final class OutcomeJson {
  private OutcomeJson() {}

  /**
   * Writes the members of {@code outcome} into {@code o}. A failed outcome always gets its {@code
   * code}; absent optional values are left out.
   *
   * @param o the object to write into
   * @param outcome the outcome
   */
  public static void write(ObjectNode o, Outcome outcome) {
    o.put("status", outcome.status().wireName());
    o.put("version", outcome.version());
    if (outcome.code() != null) {
      o.put("code", outcome.code().wireName());
    }
    if (outcome.reason() != null) {
      o.put("reason", outcome.reason());
    }
    if (outcome.hashFunction() != null) {
      o.put("hash_function", outcome.hashFunction().wireName());
    }
    if (outcome.hashValue() != null) {
      o.put("hash_value", outcome.hashValue());
    }
    if (outcome.size() != null) {
      o.put("size", outcome.size().longValue());
    }
    if (outcome.patchUsed() != null) {
      ObjectNode patch = o.putObject("patch").put("used", outcome.patchUsed());
      if (outcome.patchFailure() != null) {
        patch.put("failure", outcome.patchFailure());
      }
    }
  }

  /**
   * Reads the outcome in the object of {@code o}, adding an error to its list for every bad member.
   * On success a reason or code is dropped; on failure a missing code is derived from the reason
   * ({@link FailureCode#derivedFrom}), and an unknown one reads as {@link FailureCode#OTHER}.
   *
   * @param o a reader of the outcome's object
   * @return the outcome, or null when a member was bad
   */
  public static Outcome read(Nodes o) {
    int before = o.errorCount();
    Outcome.Status status = null;
    String statusText =
        o.requiredString(
            "status",
            s -> {
              try {
                Outcome.Status.fromWireName(s);
                return null;
              } catch (IllegalArgumentException e) {
                return e.getMessage();
              }
            });
    if (statusText != null) {
      status = Outcome.Status.fromWireName(statusText);
    }
    String version = o.requiredVersion("version");
    // Any string: the set of codes is open, and an unknown one is not the client's fault.
    String codeText = o.optionalString("code", s -> null);
    String reason = o.optionalString("reason", Fields::text);
    if (status == Outcome.Status.FAILED && o.raw("reason") == null) {
      o.error("reason", "is required when status is failed");
    }
    HashFunction function = null;
    String fn = o.optionalString("hash_function", Fields::hashFunction);
    if (fn != null) {
      function = HashFunction.fromWireName(fn);
    }
    // What the client saw may be anything, even a digest of the wrong length: keep it as evidence.
    String hashValue = o.optionalString("hash_value", Fields::reportedHashValue);
    Long size = o.optionalSize("size");
    Boolean patchUsed = null;
    String patchFailure = null;
    JsonNode patch = o.optionalObject("patch");
    if (patch != null) {
      Nodes p = o.nested("patch", patch);
      patchUsed = p.requiredBoolean("used");
      patchFailure = p.optionalString("failure", Fields::text);
      if (Boolean.FALSE.equals(patchUsed) && p.raw("failure") == null) {
        p.error("failure", "is required when used is false");
      }
    }
    if (o.errorCount() != before) {
      return null;
    }
    // A reason or code on success carries no meaning; they are dropped rather than refused.
    Outcome outcome =
        status == Outcome.Status.SUCCESS
            ? Outcome.success(version)
            : Outcome.failed(
                version,
                codeText == null
                    ? FailureCode.derivedFrom(reason)
                    : FailureCode.fromWireName(codeText),
                reason);
    if (function != null || hashValue != null || size != null) {
      outcome = outcome.withObserved(function, hashValue, size);
    }
    if (patchUsed != null) {
      // A failure text next to "used": true carries no meaning; it is dropped.
      outcome = patchUsed ? outcome.withPatchUsed() : outcome.withPatchFailure(patchFailure);
    }
    return outcome;
  }
}
