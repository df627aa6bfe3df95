package dev.appupdate.server;

import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.CatalogException;
import dev.appupdate.protocol.catalog.CatalogProblem;
import dev.appupdate.protocol.catalog.Release;
import dev.appupdate.protocol.requestid.RequestIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The catalog check that only a server issuing request ids needs: a request id names every offer
 * of its response, at most {@link RequestIds#maxOffers} for the product, and the matcher offers up
 * to one release per update type. A product with more update types than that would answer an
 * update check with a 500 once a client qualifies for enough of them, so such a catalog is refused
 * when it is loaded, like any other invalid catalog.
 */
final class RequestIdBudget {
  private RequestIdBudget() {}

  /**
   * Checks that every product of {@code catalog} has no more update types than a request id can
   * name.
   *
   * @throws CatalogException naming, for each product over the limit, the release that brings the
   *     first update type too many
   */
  static void check(Catalog catalog) {
    Map<String, Set<String>> types = new HashMap<>();
    // Product to the position of the release that brings its first update type too many.
    Map<String, Integer> firstOver = new LinkedHashMap<>();
    List<Release> releases = catalog.releases();
    for (int i = 0; i < releases.size(); i++) {
      Release r = releases.get(i);
      Set<String> seen = types.computeIfAbsent(r.product(), p -> new HashSet<>());
      if (seen.add(r.updateType()) && seen.size() > RequestIds.maxOffers(r.product())) {
        firstOver.putIfAbsent(r.product(), i);
      }
    }
    if (firstOver.isEmpty()) {
      return;
    }
    List<CatalogProblem> problems = new ArrayList<>();
    firstOver.forEach(
        (product, at) -> {
          int count = types.get(product).size();
          problems.add(
              new CatalogProblem(
                  at,
                  "update_type",
                  "product "
                      + product
                      + " has "
                      + count
                      + (count == 1 ? " update type" : " update types")
                      + ", more than the "
                      + RequestIds.maxOffers(product)
                      + " that one request id can name for it: the product name's length ("
                      + product.length()
                      + ") plus 6 per update type must be at most 116"));
        });
    throw new CatalogException(catalog.source(), problems);
  }
}
