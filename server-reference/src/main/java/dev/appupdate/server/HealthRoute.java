package dev.appupdate.server;

import java.io.IOException;

/**
 * {@code GET|HEAD /healthz}: 200 with the catalog's state while serving: how many releases it
 * holds, when it was loaded, and why the last attempt to load a changed catalog file failed (null
 * once a load succeeds again). During a shutdown drain {@link Router} answers 503 instead, which
 * takes the server out of a load balancer's rotation.
 */
final class HealthRoute implements Route {
  private final ServerJson json;
  private final CatalogHolder catalog;

  HealthRoute(ServerJson json, CatalogHolder catalog) {
    this.json = json;
    this.catalog = catalog;
  }

  @Override
  public void handle(Call call) throws IOException {
    call.responseHeaders().set("Cache-Control", "no-store");
    call.send(200, "application/json", json.health(catalog.state()));
  }
}
