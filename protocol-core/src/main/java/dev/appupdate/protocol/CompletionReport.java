package dev.appupdate.protocol;

import static dev.appupdate.protocol.internal.Fields.require;

import dev.appupdate.protocol.internal.Fields;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A completion report, the body of {@code POST /v1/completion}: the outcome of each update offered
 * under one request id. Immutable.
 *
 * <pre>{@code
 * CompletionReport report = CompletionReport.of(response.requestId(), Map.of(
 *     "my_important_data", Outcome.success("1.0"),
 *     "my_important_binary_blob",
 *         Outcome.failed("2.0", FailureCode.BAD_CHECKSUM, Outcome.BAD_CHECKSUM)));
 * }</pre>
 */
public final class CompletionReport {
  private final String requestId;
  private final Map<String, Outcome> updates;

  private CompletionReport(String requestId, Map<String, Outcome> updates) {
    this.requestId = requestId;
    this.updates = updates;
  }

  /**
   * Returns a report.
   *
   * @param requestId the request id of the update response the offers came from
   * @param updates update type to outcome; never empty; copied in its iteration order
   * @return the report
   * @throws IllegalArgumentException if there are no outcomes or a value is invalid
   */
  public static CompletionReport of(String requestId, Map<String, Outcome> updates) {
    Objects.requireNonNull(requestId, "requestId == null");
    Objects.requireNonNull(updates, "updates == null");
    require("request_id", Fields.requestId(requestId));
    if (updates.isEmpty()) {
      throw new IllegalArgumentException("updates: must not be empty");
    }
    Map<String, Outcome> copy = new LinkedHashMap<>();
    updates.forEach(
        (type, outcome) -> {
          Objects.requireNonNull(type, "update type == null");
          // Messages are built only on failure: this runs for every completion a server reads.
          if (outcome == null) {
            throw new NullPointerException("updates[" + type + "] == null");
          }
          String keyProblem = Fields.name(type);
          if (keyProblem != null) {
            require("updates key " + Fields.quote(type), keyProblem);
          }
          copy.put(type, outcome);
        });
    return new CompletionReport(requestId, Collections.unmodifiableMap(copy));
  }

  /**
   * Returns the request id of the update response the offers came from.
   *
   * @return the request id
   */
  public String requestId() {
    return requestId;
  }

  /**
   * Returns the outcome of each update.
   *
   * @return update type to outcome, in insertion order; never empty
   */
  public Map<String, Outcome> updates() {
    return updates;
  }

  /**
   * Returns true for a report with the same values.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal report
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof CompletionReport)) {
      return false;
    }
    CompletionReport other = (CompletionReport) o;
    return requestId.equals(other.requestId) && updates.equals(other.updates);
  }

  @Override
  public int hashCode() {
    return Objects.hash(requestId, updates);
  }

  /** Returns the values for debugging. */
  @Override
  public String toString() {
    return "CompletionReport[requestId=" + requestId + ", updates=" + updates + "]";
  }
}
