package dev.appupdate.protocol;

import java.util.List;
import java.util.Objects;

/**
 * An update response as a client read it: the valid offers, and the entries that were invalid.
 *
 * @param requestId the server-issued request id
 * @param offers the valid offers, in response order
 * @param rejected the invalid entries, in response order; usually empty
 */
public record DecodedUpdateResponse(
    String requestId, List<AvailableUpdate> offers, List<RejectedOffer> rejected) {

  /** Validates the components. */
  public DecodedUpdateResponse {
    Objects.requireNonNull(requestId, "requestId == null");
    offers = List.copyOf(Objects.requireNonNull(offers, "offers == null"));
    rejected = List.copyOf(Objects.requireNonNull(rejected, "rejected == null"));
  }
}
