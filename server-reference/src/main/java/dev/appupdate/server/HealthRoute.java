package dev.appupdate.server;

import java.io.IOException;

/**
 * {@code GET|HEAD /healthz}: 200 with the catalog's state while serving: how many releases it
 * holds, when it was loaded, why the last attempt to load a changed catalog file failed (null once
 * a load succeeds again), and the completion store's state (ok, degraded or down, and why). A store
 * that is down does not make it fail: update checks still work, and replicas sharing a database
 * would otherwise all leave a load balancer's rotation at once. Only a shutdown drain answers 503
 * ({@link Router}).
 */
final class HealthRoute implements Route {
  private final ServerJson json;
  private final CatalogHolder catalog;
  private final CompletionStore completions;

  HealthRoute(ServerJson json, CatalogHolder catalog, CompletionStore completions) {
    this.json = json;
    this.catalog = catalog;
    this.completions = completions;
  }

  @Override
  public void handle(Call call) throws IOException, HttpProblem {
    call.responseHeaders().set("Cache-Control", "no-store");
    call.send(200, "application/json", json.health(catalog.state(), completions.health()));
  }
}
