package dev.appupdate.server;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.Problem;
import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.UpdateResponse;
import dev.appupdate.protocol.requestid.RequestIds;
import dev.appupdate.protocol.signature.RequestBinding;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;

/**
 * {@code POST /v1/update}: the offers of the current catalog, under a fresh request id; signed when
 * the server has response keys and the request asks with {@code Accept-Signature}.
 */
final class UpdateRoute implements Route {
  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");
  private static final byte[] NO_CONTENT = new byte[0];

  private final ServerCodec codec;
  private final CatalogHolder catalog;
  private final RequestIds requestIds;
  private final int bodyLimit;
  private final ResponseSigning signing;
  private final Metrics metrics;

  /** @param signing signs answers that ask for it; null for a server without response keys */
  UpdateRoute(
      ServerCodec codec,
      CatalogHolder catalog,
      RequestIds requestIds,
      int bodyLimit,
      ResponseSigning signing,
      Metrics metrics) {
    this.metrics = metrics;
    this.codec = codec;
    this.catalog = catalog;
    this.requestIds = requestIds;
    this.bodyLimit = bodyLimit;
    this.signing = signing;
  }

  @Override
  public void handle(Call call) throws IOException, HttpProblem {
    UpdateRequest request;
    RequestBinding signed = null;
    if (signing != null && ResponseSigning.requested(call)) {
      String contentType = call.requestHeader("Content-Type");
      byte[] content = JsonBody.content(call, contentType, bodyLimit);
      // Before the body is read as a document: it is checked against the digest the client sent.
      signed = signing.bind(call, content);
      request = decode(codec, JsonBody.document(contentType, content));
    } else {
      request = readRequest(call, codec, bodyLimit);
    }
    List<AvailableUpdate> offers = catalog.offers(request);
    call.responseHeaders().set("Cache-Control", "no-store");
    if (offers.isEmpty()) {
      if (signed != null) {
        signing.sign(call, signed, 204, NO_CONTENT);
      }
      call.sendEmpty(204);
      return;
    }
    String requestId;
    try {
      requestId = requestIds.issue(request.product(), offers);
    } catch (IllegalArgumentException e) {
      // The catalog offers more than a request id can name, which catalog loading should have
      // refused: a configuration problem, told to the operator rather than to the client.
      LOG.log(
          Level.ERROR,
          "cannot issue a request id for the offers to product {0}: {1}",
          request.product(),
          e.getMessage());
      throw HttpProblem.internalError("the server cannot issue a request id for this response");
    }
    byte[] body = codec.encodeUpdateResponse(UpdateResponse.of(offers, requestId));
    if (signed != null) {
      signing.sign(call, signed, 200, body);
    }
    for (AvailableUpdate offer : offers) {
      metrics.offer(offer.updateType());
    }
    call.send(200, "application/json", body);
  }

  /**
   * Reads the update request of {@code call}, as {@code POST /v1/update} and {@code POST
   * /v1/explain} take it.
   *
   * @throws HttpProblem 415 or 413 as {@link JsonBody#read} says, 400 listing every invalid field
   */
  static UpdateRequest readRequest(Call call, ServerCodec codec, int bodyLimit)
      throws IOException, HttpProblem {
    return decode(codec, JsonBody.read(call, bodyLimit));
  }

  private static UpdateRequest decode(ServerCodec codec, byte[] body) throws HttpProblem {
    try {
      return codec.decodeUpdateRequest(body);
    } catch (ProtocolException e) {
      throw HttpProblem.of(Problem.invalid(e));
    } catch (IllegalArgumentException e) {
      // The codec should have caught it; a client must not be able to cause a 500 regardless.
      throw HttpProblem.badRequest("invalid update request: " + e.getMessage());
    }
  }
}
