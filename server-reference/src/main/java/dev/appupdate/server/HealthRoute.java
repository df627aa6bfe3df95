package dev.appupdate.server;

import java.io.IOException;

/**
 * {@code GET|HEAD /healthz}: 200 with the catalog's state while serving: how many releases it
 * holds, when it was loaded, why the last attempt to load a changed catalog file failed (null once
 * a load succeeds again), and the completion store's state (ok, degraded and why, down and why).
 * The answer is 200 whatever the store's state: the update check never needs the store, and a
 * load balancer that took every replica out of rotation because of a store they share would stop
 * the checks too. Only a shutdown drain ({@link Router}) answers 503.
 */
final class HealthRoute implements Route {
  private final ServerJson json;
  private final CatalogHolder catalog;
  private final Halts halts;
  private final CompletionStore store;

  HealthRoute(ServerJson json, CatalogHolder catalog, Halts halts, CompletionStore store) {
    this.json = json;
    this.catalog = catalog;
    this.halts = halts;
    this.store = store;
  }

  @Override
  public void handle(Call call) throws IOException, HttpProblem {
    call.responseHeaders().set("Cache-Control", "no-store");
    call.send(
        200, "application/json", json.health(catalog.state(), store.health(), halts.halted()));
  }
}
