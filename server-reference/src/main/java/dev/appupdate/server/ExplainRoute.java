package dev.appupdate.server;

import dev.appupdate.protocol.ServerCodec;
import dev.appupdate.protocol.UpdateRequest;
import java.io.IOException;

/**
 * {@code POST /v1/explain}: for the body of an update check, why each release of the requested
 * product was or was not offered, from the current catalog. For operators and integrators; not part
 * of the protocol.
 */
final class ExplainRoute implements Route {
  private final ServerCodec codec;
  private final CatalogHolder catalog;
  private final int bodyLimit;

  ExplainRoute(ServerCodec codec, CatalogHolder catalog, int bodyLimit) {
    this.codec = codec;
    this.catalog = catalog;
    this.bodyLimit = bodyLimit;
  }

  @Override
  public void handle(Call call) throws IOException, HttpProblem {
    UpdateRequest request = UpdateRoute.readRequest(call, codec, bodyLimit);
    call.responseHeaders().set("Cache-Control", "no-store");
    call.send(200, "application/json", codec.encodeExplanation(catalog.explain(request)));
  }
}
