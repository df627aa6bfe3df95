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
 * response. A server builds one with {@link #of}; {@link ClientCodec#decodeUpdateResponse} returns
 * one as the client read it, with the entries it could not read in {@link #rejected()}.
 *
 * <pre>{@code
 * byte[] json = codec.encodeUpdateResponse(UpdateResponse.of(offers, requestId));
 * }</pre>
 */
public final class UpdateResponse {
  private final List<AvailableUpdate> availableUpdates;
  private final String requestId;
  private final List<RejectedOffer> rejected;

  UpdateResponse(
      List<AvailableUpdate> availableUpdates, String requestId, List<RejectedOffer> rejected) {
    this.availableUpdates = List.copyOf(availableUpdates);
    this.requestId = requestId;
    this.rejected = List.copyOf(rejected);
  }

  /**
   * Returns the response a server sends.
   *
   * @param availableUpdates the offers, at most one per update type; never empty; copied
   * @param requestId the server-issued id to send back in the completion report
   * @return the response
   * @throws IllegalArgumentException if there are no offers, two offers share an update type, or
   *     the request id is invalid
   */
  public static UpdateResponse of(List<AvailableUpdate> availableUpdates, String requestId) {
    Objects.requireNonNull(availableUpdates, "availableUpdates == null");
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
    return new UpdateResponse(availableUpdates, requestId, List.of());
  }

  /**
   * Returns the valid offers, in response order, at most one per update type.
   *
   * @return the offers; empty only in a decoded response whose every entry was rejected
   */
  public List<AvailableUpdate> availableUpdates() {
    return availableUpdates;
  }

  /**
   * Returns the server-issued id to send back in the completion report.
   *
   * @return the request id
   */
  public String requestId() {
    return requestId;
  }

  /**
   * Returns the entries of {@code available_updates} a client could not read, in response order.
   *
   * @return the rejected entries; always empty in a response built with {@link #of}
   */
  public List<RejectedOffer> rejected() {
    return rejected;
  }

  /**
   * Returns true for a response with the same values.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal response
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof UpdateResponse)) {
      return false;
    }
    UpdateResponse other = (UpdateResponse) o;
    return availableUpdates.equals(other.availableUpdates)
        && requestId.equals(other.requestId)
        && rejected.equals(other.rejected);
  }

  @Override
  public int hashCode() {
    return Objects.hash(availableUpdates, requestId, rejected);
  }

  /** Returns the values for debugging. */
  @Override
  public String toString() {
    return "UpdateResponse[requestId=" + requestId + ", availableUpdates=" + availableUpdates
        + (rejected.isEmpty() ? "" : ", rejected=" + rejected) + "]";
  }
}
