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
  // Products by name in an open-addressed table (linear probing, a power of two in size, at most
  // half full). At a million releases the catalog is far larger than the caches, and every
  // dependent load that misses costs several hundred nanoseconds. So the table holds, beside each
  // product, the four arrays match reads (data, refs, offers, rolloutKeys), which load in parallel
  // from one index, rather than after the product object; the product's name is compared inside
  // data. The tables themselves (a few bytes per product) stay cached.
  private final Product[] table;
  private final int[] hashes;
  private final long[][] data;
  private final Object[][] refs;
  private final AvailableUpdate[][] offers;
  private final byte[][] rolloutKeys;
  private final URI publicBaseUrl;
  private final int releaseCount;

  private Matcher(Product[] table, URI publicBaseUrl, int releaseCount) {
    this.table = table;
    this.hashes = new int[table.length];
    this.data = new long[table.length][];
    this.refs = new Object[table.length][];
    this.offers = new AvailableUpdate[table.length][];
    this.rolloutKeys = new byte[table.length][];
    for (int i = 0; i < table.length; i++) {
      Product p = table[i];
      if (p != null) {
        hashes[i] = p.hash;
        data[i] = p.data;
        refs[i] = p.refs;
        offers[i] = p.offers;
        rolloutKeys[i] = p.rolloutKeys;
      }
    }
    this.publicBaseUrl = publicBaseUrl;
    this.releaseCount = releaseCount;
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
    // Products with the same update types share one array of them, which then stays cached.
    Map<List<String>, String[]> typeLists = new HashMap<>();
    List<Product> products = new ArrayList<>(catalog.index().size());
    for (Map.Entry<String, SortedMap<String, int[]>> product : catalog.index().entrySet()) {
      SortedMap<String, int[]> byType = product.getValue();
      String[] types =
          typeLists.computeIfAbsent(
              List.copyOf(byType.keySet()), k -> k.toArray(new String[0]));
      int[] start = new int[types.length + 1];
      for (int t = 0; t < types.length; t++) {
        start[t + 1] = start[t] + byType.get(types[t]).length;
      }
      int n = start[types.length];
      Release[] rs = new Release[n];
      Version[] versions = new Version[n];
      Criteria[] cs = new Criteria[n];
      long[] ts = new long[n];
      CompiledPatch[][] ps = new CompiledPatch[n][];
      for (int t = 0; t < types.length; t++) {
        int[] positions = byType.get(types[t]);
        for (int k = 0; k < positions.length; k++) {
          int i = start[t] + k;
          Release r = releases.get(positions[k]);
          rs[i] = r;
          versions[i] = catalog.version(positions[k]);
          cs[i] = criteria.computeIfAbsent(r.match(), m -> new Criteria(m, ranges));
          ts[i] =
              r.rolloutPercent() >= Release.FULL_ROLLOUT
                  ? 0
                  : thresholds.computeIfAbsent(r.rolloutPercent(), Rollout::threshold);
          ps[i] = patches(catalog, r, base);
        }
      }
      products.add(new Product(product.getKey(), types, start, rs, versions, cs, ts, ps));
    }
    return new Matcher(table(products), base, releases.size());
  }

  private static Product[] table(List<Product> products) {
    int capacity = Integer.highestOneBit(Math.max(2, products.size()) * 2 - 1) << 1;
    Product[] table = new Product[capacity];
    for (Product p : products) {
      int i = p.hash & (capacity - 1);
      while (table[i] != null) {
        i = (i + 1) & (capacity - 1);
      }
      table[i] = p;
    }
    return table;
  }

  /** Returns the slot of the product named {@code name} in the tables, or -1. */
  private int slot(String name) {
    int hash = Product.hash(name);
    int mask = table.length - 1;
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      long[] d = data[i];
      if (d == null) {
        return -1;
      }
      if (hashes[i] == hash && Product.named(d, name)) {
        return i;
      }
    }
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
    Product[] halted = new Product[table.length];
    for (int i = 0; i < table.length; i++) {
      halted[i] = table[i] == null ? null : table[i].withHalted(haltReason);
    }
    return new Matcher(halted, publicBaseUrl, releaseCount);
  }

  /**
   * Compiles the patches of {@code r} into what offers carry: URLs resolved, and each with its
   * base's digest, from the {@code from} release that the catalog was checked to hold.
   */
  private static CompiledPatch[] patches(Catalog catalog, Release r, URI base) {
    if (r.patches().isEmpty()) {
      return null;
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
    int slot = slot(request.product());
    if (slot < 0) {
      return List.of();
    }
    long[] d = data[slot];
    Object[] r = refs[slot];
    String[] types = (String[]) r[0];
    int entries = Product.entries(d);
    // The types' ranges: where each starts, and where the last ends.
    int ranges = entries - types.length - 1;
    Query query = new Query(request);
    long[] installedKey = null;
    List<AvailableUpdate> offers = null;
    for (int t = 0; t < types.length; t++) {
      String installedText = request.installed().get(types[t]);
      Version installed = null;
      if (installedText != null) {
        installedKey = installedKey == null ? new long[VersionKey.PARTS] : installedKey;
        if (!VersionKey.encode(installedText, installedKey, 0)) {
          installed = Version.parse(installedText);
        }
      }
      for (int i = (int) d[ranges + t], end = (int) d[ranges + t + 1]; i < end; i++) {
        int at = entries + Product.STRIDE * i;
        // Highest version first: once one is not newer than the installed, none below is.
        if (installedText != null) {
          if (installed == null && d[at + Product.KEY] == VersionKey.NONE) {
            installed = Version.parse(installedText);
          }
          if (installed == null
              ? VersionKey.compare(d, at + Product.KEY, installedKey, 0) <= 0
              : table[slot].versions[i].compareTo(installed) <= 0) {
            break;
          }
        }
        long flags = d[at + Product.FLAGS];
        if ((flags & Product.WITHHELD) == 0
            && ((Criteria) r[1 + i]).check(query) == Criteria.MATCHES
            && ((flags & Product.FULL_ROLLOUT) != 0
                || admits(d[at + Product.THRESHOLD], flags, rolloutKeys[slot], query))) {
          if (offers == null) {
            offers = new ArrayList<>(types.length - t);
          }
          AvailableUpdate offer = offer(slot, i);
          Patch patch = null;
          if (installedText != null && (flags & Product.PATCHES) != 0) {
            installed = installed == null ? Version.parse(installedText) : installed;
            patch = patch(table[slot].patches[i], installed, request.patchFormats());
          }
          offers.add(patch == null ? offer : offer.toBuilder().patch(patch).build());
          break;
        }
      }
    }
    return offers == null ? List.of() : List.copyOf(offers);
  }

  /** Decides as {@link Rollout#admits} does for a partial rollout, with the key prepared. */
  private static boolean admits(long threshold, long flags, byte[] keys, Query query) {
    byte[] id = query.installationIdBytes();
    if (threshold == 0 || id == null) {
      return false;
    }
    int from = (int) (flags >>> 8) & ((1 << 28) - 1);
    int to = from + (int) (flags >>> 36);
    return Rollout.admitted(Rollout.unscaledBucket(id, keys, from, to), threshold);
  }

  /**
   * Returns the patch from {@code installed} in the first of {@code formats} that has one, or
   * null.
   */
  private static Patch patch(CompiledPatch[] patches, Version installed, List<String> formats) {
    for (String format : formats) {
      for (CompiledPatch p : patches) {
        if (p.patch.format().equals(format) && p.from.equals(installed)) {
          return p.patch;
        }
      }
    }
    return null;
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
    int slot = slot(request.product());
    if (slot < 0) {
      return new Explanation(request.product(), List.of());
    }
    Product p = table[slot];
    Query query = new Query(request);
    List<Explanation.Candidate> candidates = new ArrayList<>();
    for (int t = 0; t < p.types.length; t++) {
      String type = p.types[t];
      Version installed = installed(request, type);
      int offered = -1;
      for (int i = p.start(t); i < p.start(t + 1); i++) {
        Release r = p.releases[i];
        int code;
        String reason;
        String halt;
        if (installed != null && p.versions[i].compareTo(installed) <= 0) {
          reason = "not newer than installed " + request.installed().get(type);
        } else if (r.paused()) {
          reason = "paused";
        } else if ((halt = p.haltReason(i)) != null) {
          reason = haltedReason(halt);
        } else if ((code = p.criteria(i).check(query)) != Criteria.MATCHES) {
          reason = p.criteria(i).reason(code, query);
        } else if (!p.admits(i, query)) {
          reason = rolloutReason(r, request.installationId());
        } else if (offered >= 0) {
          reason = "superseded by " + p.releases[offered].version();
        } else {
          offered = i;
          reason = Explanation.OFFERED;
        }
        candidates.add(
            new Explanation.Candidate(
                type, r.version(), offered == i, reason, signedBy(r), false));
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

  /**
   * Returns the offer of release {@code i} of the product in {@code slot}. Read from a typed
   * array, which needs no cast: a cast would read the offer's header, and at a million releases
   * that is one more cache miss; so is the product, read only to build the offer.
   */
  private AvailableUpdate offer(int slot, int i) {
    AvailableUpdate offer = offers[slot][i];
    if (offer == null) {
      Release r = table[slot].releases[i];
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
      // Built on first offer and kept: the same release is offered to many requests. Racing
      // threads build equal values, so whichever write wins is right; an AvailableUpdate's value
      // is in final fields (its cached JSON is volatile), so a thread that reads it through the
      // race sees it whole.
      offers[slot][i] = offer;
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

  /**
   * The releases of one product compiled for matching, indexed by release: update types in order,
   * each a range {@code [start(t), start(t + 1))} of releases by version, highest first. What
   * {@link #match} reads lies in four arrays, allocated one after the other: {@link #data} (the
   * product's name, the type ranges, and per release its version key, rollout threshold and
   * flags), {@link #refs} (the update types, then per release its criteria, shared across the
   * catalog), {@link #offers} and {@link #rolloutKeys}. The {@code Release}, its {@code
   * Version} and patches are read only to build an offer, a patch or an explanation.
   */
  private static final class Product {
    /** In {@link #FLAGS}: paused or halted. */
    static final long WITHHELD = 1;
    /** In {@link #FLAGS}: everyone is admitted, with or without installation id. */
    static final long FULL_ROLLOUT = 2;
    /** In {@link #FLAGS}: the release has patches. */
    static final long PATCHES = 4;

    /** Per release in {@link #data}: the {@link VersionKey}, or {@link VersionKey#NONE} first. */
    static final int KEY = 0;
    /** Per release in {@link #data}: {@link Rollout#threshold} of a partial rollout. */
    static final int THRESHOLD = VersionKey.PARTS;
    /**
     * Per release in {@link #data}: the flags in bits 0 to 7, the offset of its rollout key in
     * {@link #rolloutKeys} in bits 8 to 35, the key's length above.
     */
    static final int FLAGS = THRESHOLD + 1;

    static final int STRIDE = FLAGS + 1;

    final int hash;
    final String[] types;
    /**
     * The number of update types (bits 0 to 31) and the name's length (above); the name's
     * characters, four per long; the start of each type's range and the end of the last; then
     * {@link #STRIDE} longs per release, from {@link #entries}.
     */
    final long[] data;
    /** The update types, then per release its {@link Criteria}. */
    final Object[] refs;
    /** Per release its offer, once built. */
    final AvailableUpdate[] offers;
    /** {@link Rollout#keySuffix} of each partial rollout that admits anyone, one after another. */
    final byte[] rolloutKeys;
    final Release[] releases;
    final Version[] versions;
    /** Per release its patches, or null when it has none. */
    final CompiledPatch[][] patches;
    /** Per release, why it is halted, or null; null as a whole when none is. */
    final String[] haltReasons;

    Product(
        String name,
        String[] types,
        int[] start,
        Release[] releases,
        Version[] versions,
        Criteria[] criteria,
        long[] thresholds,
        CompiledPatch[][] patches) {
      int n = releases.length;
      byte[][] suffixes = new byte[n][];
      int length = 0;
      for (int i = 0; i < n; i++) {
        Release r = releases[i];
        if (r.rolloutPercent() < Release.FULL_ROLLOUT && thresholds[i] != 0) {
          suffixes[i] = Rollout.keySuffix(r.product(), r.updateType(), r.version());
          length += suffixes[i].length;
        }
      }
      this.hash = hash(name);
      this.types = types;
      int nameLongs = (name.length() + 3) / 4;
      int entries = 1 + nameLongs + types.length + 1;
      // Allocated together, so that they are likely to lie next to each other in the heap.
      this.data = new long[entries + STRIDE * n];
      this.refs = new Object[1 + n];
      this.offers = new AvailableUpdate[n];
      this.rolloutKeys = new byte[length];
      data[0] = types.length | (long) name.length() << 32;
      for (int k = 0; k < name.length(); k++) {
        data[1 + k / 4] |= (long) name.charAt(k) << (16 * (k % 4));
      }
      for (int t = 0; t <= types.length; t++) {
        data[1 + nameLongs + t] = start[t];
      }
      refs[0] = types;
      int keyAt = 0;
      for (int i = 0; i < n; i++) {
        Release r = releases[i];
        int at = entries + STRIDE * i;
        VersionKey.encode(r.version(), data, at + KEY);
        data[at + THRESHOLD] = thresholds[i];
        long flags =
            (r.paused() ? WITHHELD : 0)
                | (r.rolloutPercent() >= Release.FULL_ROLLOUT ? FULL_ROLLOUT : 0)
                | (patches[i] != null ? PATCHES : 0);
        int keyLength = 0;
        if (suffixes[i] != null) {
          keyLength = suffixes[i].length;
          System.arraycopy(suffixes[i], 0, rolloutKeys, keyAt, keyLength);
        }
        data[at + FLAGS] = flags | (long) keyAt << 8 | (long) keyLength << 36;
        keyAt += keyLength;
        refs[1 + i] = criteria[i];
      }
      this.releases = releases;
      this.versions = versions;
      this.patches = patches;
      this.haltReasons = null;
    }

    /** A copy sharing all but the flags, which withhold the releases {@code haltReasons} names. */
    private Product(Product p, long[] data, String[] haltReasons) {
      this.hash = p.hash;
      this.types = p.types;
      this.data = data;
      this.refs = p.refs;
      this.offers = p.offers;
      this.rolloutKeys = p.rolloutKeys;
      this.releases = p.releases;
      this.versions = p.versions;
      this.patches = p.patches;
      this.haltReasons = haltReasons;
    }

    /**
     * Spreads the string's own hash over all bits, so that names differing in their last letters
     * spread. Their {@code String} hashes lie in a narrow range, and the table is indexed by the
     * low bits: without the multiplication, runs of neighbouring slots fill and linear probing
     * walks them (10,000 names {@code product00000...} lay 5.7 slots from home on average).
     */
    static int hash(String name) {
      int h = name.hashCode() * 0x9e3779b9;
      return h ^ (h >>> 16);
    }

    /** Whether {@code data} is the data of the product named {@code name}. */
    static boolean named(long[] data, String name) {
      int length = name.length();
      if ((int) (data[0] >>> 32) != length) {
        return false;
      }
      for (int k = 0; k < length; k++) {
        if ((char) (data[1 + k / 4] >>> (16 * (k % 4))) != name.charAt(k)) {
          return false;
        }
      }
      return true;
    }

    /**
     * Where the releases start in {@code data}; the type ranges are the {@code types + 1} longs
     * before.
     */
    static int entries(long[] data) {
      int types = (int) data[0];
      int nameLength = (int) (data[0] >>> 32);
      return 1 + (nameLength + 3) / 4 + types + 1;
    }

    /** Where release {@code i}'s longs start in {@link #data}. */
    int entry(int i) {
      return entries(data) + STRIDE * i;
    }

    int start(int t) {
      return (int) data[entries(data) - types.length - 1 + t];
    }

    Criteria criteria(int i) {
      return (Criteria) refs[1 + i];
    }

    /** Decides as {@link Rollout#admits} does. */
    boolean admits(int i, Query query) {
      int at = entry(i);
      return (data[at + FLAGS] & FULL_ROLLOUT) != 0
          || Matcher.admits(data[at + THRESHOLD], data[at + FLAGS], rolloutKeys, query);
    }

    /**
     * Returns this product with the releases {@code haltReason} names withheld; this product
     * itself when neither it nor the result halts any, so that a halt copies the arrays of the
     * products it touches only, not the whole catalog's.
     */
    Product withHalted(Function<Release, String> haltReason) {
      String[] reasons = null;
      for (int i = 0; i < releases.length; i++) {
        String reason = haltReason.apply(releases[i]);
        if (reason != null) {
          reasons = reasons == null ? new String[releases.length] : reasons;
          reasons[i] = reason;
        }
      }
      // Without halt reasons, a product's withheld flags are exactly its paused releases.
      if (reasons == null && haltReasons == null) {
        return this;
      }
      long[] halted = data.clone();
      for (int i = 0; i < releases.length; i++) {
        int flags = entry(i) + FLAGS;
        if (reasons != null && reasons[i] != null) {
          halted[flags] |= WITHHELD;
        } else if (!releases[i].paused()) {
          halted[flags] &= ~WITHHELD;
        }
      }
      return new Product(this, halted, reasons);
    }

    String haltReason(int i) {
      return haltReasons == null ? null : haltReasons[i];
    }
  }
}
