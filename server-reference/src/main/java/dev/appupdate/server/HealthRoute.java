package dev.appupdate.server;

import java.io.IOException;

/**
 * {@code GET|HEAD /healthz}: 200 with the catalog's state while serving: how many releases it
 * holds, when it was loaded, why the last attempt to load a changed catalog file failed (null once
 * a load succeeds again), and that the completion log works. Once the completion log cannot be
 * written any more (every completion is then answered 503 until a restart) it answers 503, which
 * takes the server out of a load balancer's rotation, as {@link Router} does during a shutdown
 * drain.
 */
final class HealthRoute implements Route {
  private final ServerJson json;
  private final CatalogHolder catalog;
  private final CompletionLog completions;
  private final Halts halts;
  private final CompletionStore store;

  HealthRoute(
      ServerJson json,
      CatalogHolder catalog,
      CompletionLog completions,
      Halts halts,
      CompletionStore store) {
    this.json = json;
    this.catalog = catalog;
    this.completions = completions;
    this.halts = halts;
    this.store = store;
  }

  @Override
  public void handle(Call call) throws IOException, HttpProblem {
    call.responseHeaders().set("Cache-Control", "no-store");
    CompletionLog.Failure failure = completions.failure();
    if (failure != null) {
      // The cause names files of the data directory: it goes to the log, not to the network.
      throw HttpProblem.of(
          503,
          "Service Unavailable",
          "the completion log cannot be written since "
              + failure.at()
              + ": every completion is refused until the server is restarted; the server log"
              + " says why");
    }
    call.send(
        200, "application/json", json.health(catalog.state(), store.health(), halts.halted()));
  }
}
