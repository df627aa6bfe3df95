package dev.appupdate.protocol;

import static dev.appupdate.protocol.internal.Fields.require;

import dev.appupdate.protocol.internal.Fields;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code 200} answer to an update check: the offered updates and the request id under which
 * the client reports their completion. "No update" is a {@code 204} with no body, not an empty
 * response.
 *
 * @param availableUpdates the offers, at most one per update type; never empty
 * @param requestId the server-issued id to send back in the completion report
 */
public record UpdateResponse(List<AvailableUpdate> availableUpdates, String requestId) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if there are no offers, two offers share an update type, or
   *     the request id is invalid
   */
  public UpdateResponse {
    availableUpdates = List.copyOf(Objects.requireNonNull(availableUpdates, "availableUpdates == null"));
    Objects.requireNonNull(requestId, "requestId == null");
    if (availableUpdates.isEmpty()) {
      throw new IllegalArgumentException("available_updates: must not be empty (answer 204)");
    }
    Set<String> types = new HashSet<>();
    for (AvailableUpdate u : availableUpdates) {
      if (!types.add(u.updateType())) {
        throw new IllegalArgumentException(
            "available_updates: update_type " + u.updateType() + " offered twice");
      }
    }
    require("request_id", Fields.requestId(requestId));
  }
}
