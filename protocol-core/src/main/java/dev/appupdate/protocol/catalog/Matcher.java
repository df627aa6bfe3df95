package dev.appupdate.protocol.catalog;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.Patch;
import dev.appupdate.protocol.ReleaseSignature;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.Version;
import dev.appupdate.protocol.internal.Fields;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.function.Function;

/**
 * Decides which updates a request gets from a {@link Catalog}: per update type of the requested
 * product, the highest version that is not paused or halted, is newer than what the request says
 * is installed, matches the request, and whose rollout admits the installation. docs/CATALOG.md
 * gives the rules in full.
 *
 * <p>Built once per catalog and indexed by product, so answering a request costs only the
 * releases of the requested product, however large the catalog. Immutable and thread-safe; the
 * same request and catalog give the same answer on every machine.
 *
 * <pre>{@code
 * Matcher matcher = Matcher.create(Catalog.read(Path.of("catalog.json")),
 *     URI.create("https://updates.example.com/"));
 * List<AvailableUpdate> offers = matcher.match(request); // empty: answer 204
 * }</pre>
 */
public final class Matcher {
  private final Map<String, Product> products;
  private final URI publicBaseUrl;
  private final int releaseCount;
  // Releases withheld by a halt, with why; looked up by identity, and skipped when empty, so that
  // a catalog without halts matches at the cost it always had.
  private final Map<Entry, String> halted;

  private Matcher(
      Map<String, Product> products, URI publicBaseUrl, int releaseCount, Map<Entry, String> halted) {
    this.products = products;
    this.publicBaseUrl = publicBaseUrl;
    this.releaseCount = releaseCount;
    this.halted = halted;
  }

  /**
   * Compiles {@code catalog} for matching. Every relative URL and mirror is resolved against
   * {@code publicBaseUrl} here, so that a catalog whose offers would be invalid is refused before
   * it serves: a resolved URL must be a valid offer URL, at most 2048 characters, and must not
   * climb above the root of the base URL ({@code ../../x.zip} against {@code https://host/app/}).
   *
   * @param catalog the catalog to offer from
   * @param publicBaseUrl the absolute http or https URL that relative release URLs and mirrors
   *     resolve against, for example {@code https://updates.example.com/}; its path is taken as a
   *     directory, so {@code https://host/app} and {@code https://host/app/} both resolve {@code
   *     files/a.zip} to {@code https://host/app/files/a.zip}
   * @return the compiled matcher
   * @throws IllegalArgumentException if {@code publicBaseUrl} is not an absolute http or https
   *     URL with a host, or has a query or fragment
   * @throws CatalogException listing every release whose url or mirror does not resolve to a
   *     valid offer URL, each with its position and field
   */
  public static Matcher create(Catalog catalog, URI publicBaseUrl) {
    Objects.requireNonNull(catalog, "catalog == null");
    URI base = baseUrl(Objects.requireNonNull(publicBaseUrl, "publicBaseUrl == null"));
    List<Release> releases = catalog.releases();
    checkResolvedUrls(catalog, base);
    Map<Match, Criteria> criteria = new HashMap<>();
    Map<String, VersionRange> ranges = new HashMap<>();
    // A catalog uses a few distinct rollout percents; each threshold is computed once.
    Map<Double, Long> thresholds = new HashMap<>();
    Map<String, Product> products = new HashMap<>(catalog.index().size() * 2);
    for (Map.Entry<String, SortedMap<String, int[]>> product : catalog.index().entrySet()) {
      SortedMap<String, int[]> byType = product.getValue();
      String[] types = byType.keySet().toArray(new String[0]);
      Entry[][] entries = new Entry[types.length][];
      for (int t = 0; t < types.length; t++) {
        int[] positions = byType.get(types[t]);
        Entry[] list = new Entry[positions.length];
        for (int k = 0; k < positions.length; k++) {
          Release r = releases.get(positions[k]);
          Criteria c = criteria.computeIfAbsent(r.match(), m -> new Criteria(m, ranges));
          list[k] =
              new Entry(
                  r,
                  catalog.version(positions[k]),
                  c,
                  r.rolloutPercent() >= Release.FULL_ROLLOUT
                      ? 0
                      : thresholds.computeIfAbsent(r.rolloutPercent(), Rollout::threshold),
                  patches(catalog, r, base));
        }
        entries[t] = list;
      }
      products.put(product.getKey(), new Product(types, entries));
    }
    return new Matcher(products, base, releases.size(), Map.of());
  }

  /**
   * Returns a matcher over the same compiled catalog that withholds the releases a server halted,
   * as if they were paused: a request falls back to the next eligible lower release. {@link
   * #explain} gives {@code halted: } and the reason. The halts of this matcher, if any, are
   * replaced, not added to; the catalog is not compiled again, so halting and resuming cost one
   * call of {@code haltReason} per release.
   *
   * <pre>{@code
   * Matcher served = matcher.withHalted(
   *     r -> r.version().equals("2.0") ? "failure rate 0.12 over 57 reports" : null);
   * }</pre>
   *
   * @param haltReason for each release of the catalog, why it is halted, or null when it is not
   * @return a matcher that withholds the halted releases
   */
  public Matcher withHalted(Function<Release, String> haltReason) {
    Objects.requireNonNull(haltReason, "haltReason == null");
    Map<Entry, String> withheld = new IdentityHashMap<>();
    for (Product product : products.values()) {
      for (Entry[] entries : product.entries) {
        for (Entry e : entries) {
          String reason = haltReason.apply(e.release);
          if (reason != null) {
            withheld.put(e, reason);
          }
        }
      }
    }
    return new Matcher(
        products, publicBaseUrl, releaseCount, withheld.isEmpty() ? Map.of() : withheld);
  }

  /**
   * Compiles the patches of {@code r} into what offers carry: URLs resolved, and each with its
   * base's digest, from the {@code from} release that the catalog was checked to hold.
   */
  private static CompiledPatch[] patches(Catalog catalog, Release r, URI base) {
    if (r.patches().isEmpty()) {
      return NO_PATCHES;
    }
    CompiledPatch[] compiled = new CompiledPatch[r.patches().size()];
    for (int i = 0; i < compiled.length; i++) {
      ReleasePatch p = r.patches().get(i);
      Version from = Version.parse(p.from());
      Release fromRelease = catalog.find(r, from);
      compiled[i] =
          new CompiledPatch(
              from,
              Patch.builder()
                  .from(p.from())
                  .fromHashValue(fromRelease.hashValue())
                  .format(p.format())
                  .url(resolve(base, p.url()))
                  .hashFunction(p.hashFunction())
                  .hashValue(p.hashValue())
                  .size(p.size())
                  .build());
    }
    return compiled;
  }

  private static final CompiledPatch[] NO_PATCHES = new CompiledPatch[0];

  /**
   * Checks what {@link Rules#url} could not know when the catalog was read: how its relative
   * references resolve against this base. An absolute URL passed the offer URL rules as written.
   */
  private static void checkResolvedUrls(Catalog catalog, URI base) {
    String baseText = base.toString();
    List<CatalogProblem> problems = new ArrayList<>();
    List<Release> releases = catalog.releases();
    for (int i = 0; i < releases.size(); i++) {
      Release r = releases.get(i);
      String problem = resolvedProblem(r.url(), base, baseText);
      if (problem != null) {
        problems.add(new CatalogProblem(i, "url", problem));
      }
      for (int m = 0; m < r.mirrors().size(); m++) {
        problem = resolvedProblem(r.mirrors().get(m), base, baseText);
        if (problem != null) {
          problems.add(new CatalogProblem(i, "mirrors[" + m + "]", problem));
        }
      }
      for (int p = 0; p < r.patches().size(); p++) {
        problem = resolvedProblem(r.patches().get(p).url(), base, baseText);
        if (problem != null) {
          problems.add(new CatalogProblem(i, "patches[" + p + "].url", problem));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new CatalogException(catalog.source(), problems);
    }
  }

  private static String resolvedProblem(String url, URI base, String baseText) {
    // Resolving a reference without "..", of printable ASCII and valid syntax (Rules.url), against
    // a valid base only concatenates: the result is valid if short enough. That spares parsing
    // a million URLs when a large catalog loads.
    if (url.length() + baseText.length() <= Fields.MAX_URL_LENGTH && !url.contains("..")) {
      return null;
    }
    URI uri = URI.create(url);
    if (uri.isAbsolute()) {
      return null;
    }
    URI resolved = base.resolve(uri);
    String path = resolved.getRawPath();
    if (path.equals("/..") || path.startsWith("/../")) {
      return "climbs above the root of the public base URL " + baseText + ": resolves to "
          + Fields.quote(resolved.toString());
    }
    String problem = Fields.httpUrl(resolved.toString());
    return problem == null
        ? null
        : "resolved against the public base URL " + baseText + ", it " + problem;
  }

  private static URI baseUrl(URI url) {
    String problem = Fields.httpUrl(url.toString());
    if (problem != null) {
      throw new IllegalArgumentException("publicBaseUrl " + problem);
    }
    if (url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "publicBaseUrl must not have a query or fragment, got " + Fields.quote(url.toString()));
    }
    String path = url.getRawPath();
    return path != null && path.endsWith("/") ? url : URI.create(url + "/");
  }

  /**
   * Returns the updates to offer: at most one per update type, sorted by update type; empty
   * when there is nothing to offer (answer {@code 204}). An offer carries a patch only when the
   * request lists its format in {@code patch_formats} and its {@code from} equals the version
   * the request says is installed for that update type; of several, the one in the format the
   * client lists first.
   *
   * @param request the update request
   * @return the updates to offer
   */
  public List<AvailableUpdate> match(UpdateRequest request) {
    Objects.requireNonNull(request, "request == null");
    Product product = products.get(request.product());
    if (product == null) {
      return List.of();
    }
    Query query = new Query(request);
    List<AvailableUpdate> offers = null;
    for (int t = 0; t < product.types.length; t++) {
      Version installed = installed(request, product.types[t]);
      for (Entry e : product.entries[t]) {
        // Highest version first: once one is not newer than the installed, none below is.
        if (installed != null && e.version.compareTo(installed) <= 0) {
          break;
        }
        if (!e.release.paused()
            && (halted.isEmpty() || !halted.containsKey(e))
            && e.criteria.check(query) == Criteria.MATCHES
            && e.admits(request.installationId())) {
          if (offers == null) {
            offers = new ArrayList<>(product.types.length - t);
          }
          AvailableUpdate offer = offer(e);
          Patch patch = installed == null ? null : e.patch(installed, request.patchFormats());
          offers.add(patch == null ? offer : offer.toBuilder().patch(patch).build());
          break;
        }
      }
    }
    return offers == null ? List.of() : List.copyOf(offers);
  }

  /**
   * Explains, for operators, why each release of the requested product was or was not offered.
   * Gives the same offers as {@link #match}; slower, since it judges every release of the
   * product. Each candidate names the keys that signed its release, unchecked: the matcher holds
   * no trusted keys, so {@link Explanation.Candidate#signatureVerified()} is false.
   *
   * @param request the update request
   * @return why each release of the product was or was not offered
   */
  public Explanation explain(UpdateRequest request) {
    Objects.requireNonNull(request, "request == null");
    Product product = products.get(request.product());
    if (product == null) {
      return new Explanation(request.product(), List.of());
    }
    Query query = new Query(request);
    List<Explanation.Candidate> candidates = new ArrayList<>();
    for (int t = 0; t < product.types.length; t++) {
      String type = product.types[t];
      Version installed = installed(request, type);
      Entry offered = null;
      for (Entry e : product.entries[t]) {
        Release r = e.release;
        int code;
        String reason;
        String halt;
        if (installed != null && e.version.compareTo(installed) <= 0) {
          reason = "not newer than installed " + request.installed().get(type);
        } else if (r.paused()) {
          reason = "paused";
        } else if ((halt = halted.get(e)) != null) {
          reason = haltedReason(halt);
        } else if ((code = e.criteria.check(query)) != Criteria.MATCHES) {
          reason = e.criteria.reason(code, query);
        } else if (!e.admits(request.installationId())) {
          reason = rolloutReason(r, request.installationId());
        } else if (offered != null) {
          reason = "superseded by " + offered.release.version();
        } else {
          offered = e;
          reason = Explanation.OFFERED;
        }
        candidates.add(
            new Explanation.Candidate(
                type, r.version(), offered == e, reason, signedBy(r), false));
      }
    }
    return new Explanation(request.product(), candidates);
  }

  /** {@code halted: } and the reason, cut to the 1,024 characters a reason may have. */
  private static String haltedReason(String why) {
    String reason = "halted: " + why;
    return reason.length() <= Fields.MAX_TEXT_LENGTH
        ? reason
        : reason.substring(0, Fields.MAX_TEXT_LENGTH - 3) + "...";
  }

  private static List<String> signedBy(Release r) {
    List<String> ids = new ArrayList<>(r.signatures().size());
    for (ReleaseSignature s : r.signatures()) {
      ids.add(s.keyId());
    }
    return ids;
  }

  /**
   * Returns the number of releases in the catalog this matcher was built from.
   *
   * @return the number of releases in the catalog this matcher was built from
   */
  public int releaseCount() {
    return releaseCount;
  }

  /**
   * Returns the URL relative release URLs resolve against, its path ending in {@code /}.
   *
   * @return the URL relative release URLs resolve against
   */
  public URI publicBaseUrl() {
    return publicBaseUrl;
  }

  private static Version installed(UpdateRequest request, String type) {
    String text = request.installed().get(type);
    return text == null ? null : Version.parse(text);
  }

  private static String rolloutReason(Release r, String installationId) {
    String percent = Rules.formatPercent(r.rolloutPercent());
    if (r.rolloutPercent() <= 0) {
      return "rollout 0 admits no one";
    }
    if (installationId == null) {
      return "rollout " + percent + " needs an installation_id";
    }
    long n = Rollout.unscaledBucket(installationId, r.product(), r.updateType(), r.version());
    return "bucket " + formatBucket(Rollout.exactBucket(n), r.rolloutPercent()) + " >= rollout "
        + percent;
  }

  /**
   * Two decimals, rounded down; more when needed so that the text never reads as below the
   * rollout percent it was not admitted by.
   *
   * @param bucket the exact bucket, at least the percent
   */
  static String formatBucket(BigDecimal bucket, double percent) {
    BigDecimal limit = Rollout.exactPercent(percent);
    for (int scale = 2; ; scale++) {
      BigDecimal shown = bucket.setScale(scale, RoundingMode.DOWN);
      // At the bucket's own scale nothing is cut, and the bucket is not below the percent.
      if (shown.compareTo(limit) >= 0 || scale >= bucket.scale()) {
        return shown.toPlainString();
      }
    }
  }

  private AvailableUpdate offer(Entry e) {
    AvailableUpdate offer = e.offer;
    if (offer == null) {
      Release r = e.release;
      List<URI> mirrors = new ArrayList<>(r.mirrors().size());
      for (String m : r.mirrors()) {
        mirrors.add(resolve(m));
      }
      offer =
          AvailableUpdate.builder()
              .updateType(r.updateType())
              .url(resolve(r.url()))
              .hashFunction(r.hashFunction())
              .hashValue(r.hashValue())
              .size(r.size())
              .version(r.version())
              .mirrors(mirrors)
              .critical(r.critical())
              .signatures(r.signatures())
              .build();
      e.offer = offer;
    }
    return offer;
  }

  private URI resolve(String url) {
    return resolve(publicBaseUrl, url);
  }

  private static URI resolve(URI base, String url) {
    URI uri = URI.create(url);
    return uri.isAbsolute() ? uri : base.resolve(uri);
  }

  /** A patch of a release as offers carry it, with its base version parsed. */
  private static final class CompiledPatch {
    final Version from;
    final Patch patch;

    CompiledPatch(Version from, Patch patch) {
      this.from = from;
      this.patch = patch;
    }
  }

  /** The releases of one product: update types in order, each with its releases by version. */
  private static final class Product {
    final String[] types;
    final Entry[][] entries;

    Product(String[] types, Entry[][] entries) {
      this.types = types;
      this.entries = entries;
    }
  }

  /** One release compiled for matching. */
  private static final class Entry {
    final Release release;
    final Version version;
    final Criteria criteria;
    /** Whether the rollout is full: everyone is admitted, with or without installation id. */
    final boolean fullRollout;
    /** Otherwise {@link Rollout#threshold}: 0 admits no one. */
    final long threshold;
    // Built on first offer and kept: the same release is offered to many requests. Racing
    // threads build equal values, so whichever write wins is right.
    volatile AvailableUpdate offer;
    final CompiledPatch[] patches;

    Entry(
        Release release,
        Version version,
        Criteria criteria,
        long threshold,
        CompiledPatch[] patches) {
      this.release = release;
      this.patches = patches;
      this.version = version;
      this.criteria = criteria;
      this.fullRollout = release.rolloutPercent() >= Release.FULL_ROLLOUT;
      this.threshold = threshold;
    }

    /**
     * Returns the patch from {@code installed} in the first of {@code formats} that has one, or
     * null.
     */
    Patch patch(Version installed, List<String> formats) {
      if (patches.length == 0 || formats.isEmpty()) {
        return null;
      }
      for (String format : formats) {
        for (CompiledPatch p : patches) {
          if (p.patch.format().equals(format) && p.from.equals(installed)) {
            return p.patch;
          }
        }
      }
      return null;
    }

    /** Decides as {@link Rollout#admits} does, with the threshold prepared. */
    boolean admits(String installationId) {
      if (fullRollout) {
        return true;
      }
      if (threshold == 0 || installationId == null) {
        return false;
      }
      Release r = release;
      return Rollout.admitted(
          Rollout.unscaledBucket(installationId, r.product(), r.updateType(), r.version()),
          threshold);
    }
  }
}
