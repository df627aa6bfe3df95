package dev.appupdate.protocol;

import static dev.appupdate.protocol.internal.Fields.require;

import dev.appupdate.protocol.internal.Fields;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A completion report, the body of {@code POST /v1/completion}: the outcome of each update offered
 * under one request id.
 *
 * <pre>{@code
 * CompletionReport report = new CompletionReport(response.requestId(), Map.of(
 *     "my_important_data", Outcome.success("1.0"),
 *     "my_important_binary_blob", Outcome.failed("2.0", Outcome.BAD_CHECKSUM)));
 * }</pre>
 *
 * @param requestId the request id of the update response the offers came from
 * @param updates update_type to outcome, in insertion order; never empty
 */
public record CompletionReport(String requestId, Map<String, Outcome> updates) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if there are no outcomes or a value is invalid
   */
  public CompletionReport {
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
    updates = Collections.unmodifiableMap(copy);
  }
}
