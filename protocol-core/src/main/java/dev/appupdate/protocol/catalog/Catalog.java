package dev.appupdate.protocol.catalog;

import dev.appupdate.protocol.CodecLimits;
import dev.appupdate.protocol.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a server offers: a validated list of {@link Release}s, read from the JSON format of
 * docs/CATALOG.md. Loading checks the whole catalog and reports every problem at once, each with
 * the release's position and field. Immutable and thread-safe; answer requests with a {@link
 * Matcher}.
 *
 * <pre>{@code
 * Catalog catalog = Catalog.read(Path.of("catalog.json")); // CatalogException lists all problems
 * Matcher matcher = Matcher.create(catalog, URI.create("https://updates.example.com/"));
 * }</pre>
 */
public final class Catalog {

  /** The largest catalog document, in bytes: 1 GiB. */
  public static final int MAX_DOCUMENT_BYTES = 1 << 30;

  /** Catalogs are large trusted files: a high size bound, but the usual string and depth bounds. */
  static final CodecLimits LIMITS = new CodecLimits(MAX_DOCUMENT_BYTES, 16 * 1024, 16);

  private static final String IN_MEMORY = "(in memory)";

  private final String source;
  private final List<Release> releases;
  /** The parsed {@link Release#version()} of each release, by position. */
  private final Version[] versions;
  /** Product to update type to release positions, highest version first. */
  private final Map<String, SortedMap<String, int[]>> index;

  private Catalog(
      String source,
      List<Release> releases,
      Version[] versions,
      Map<String, SortedMap<String, int[]>> index) {
    this.source = source;
    this.releases = releases;
    this.versions = versions;
    this.index = index;
  }

  /**
   * Reads a catalog from its JSON text.
   *
   * @param json the UTF-8 JSON document, at most {@link #MAX_DOCUMENT_BYTES}
   * @param source where the document came from, for messages, for example a file path or URL
   * @return the catalog
   * @throws CatalogException listing every problem: malformed JSON (then alone), unknown keys,
   *     wrong types, invalid values, duplicate releases
   */
  public static Catalog parse(byte[] json, String source) {
    Objects.requireNonNull(json, "json == null");
    Objects.requireNonNull(source, "source == null");
    return CatalogReader.read(json, source);
  }

  /**
   * Reads a catalog from a file.
   *
   * @param file the catalog file
   * @return the catalog
   * @throws IOException if the file cannot be read
   * @throws CatalogException listing every problem, with the file's path as source
   */
  public static Catalog read(Path file) throws IOException {
    Objects.requireNonNull(file, "file == null");
    String source = file.toString();
    long size = Files.size(file);
    if (size > MAX_DOCUMENT_BYTES) {
      throw new CatalogException(
          source,
          List.of(
              new CatalogProblem(
                  CatalogProblem.DOCUMENT,
                  "$",
                  "document is " + size + " bytes, more than the limit of "
                      + MAX_DOCUMENT_BYTES)));
    }
    return CatalogReader.read(file, source);
  }

  /**
   * Returns a catalog of releases built in code, for example from a database.
   *
   * @param releases the releases, in order
   * @return a catalog of releases built in code
   * @throws CatalogException if two releases share product, update type and version
   */
  public static Catalog of(List<Release> releases) {
    List<Release> copy = List.copyOf(Objects.requireNonNull(releases, "releases == null"));
    int[] positions = new int[copy.size()];
    Arrays.setAll(positions, i -> i);
    return build(IN_MEMORY, copy, positions, new ArrayList<>());
  }

  /**
   * Indexes valid releases and finds duplicates among them.
   *
   * @param positions the position in the document of each release, ascending
   * @param problems the problems found so far; thrown with any found here
   */
  static Catalog build(
      String source, List<Release> releases, int[] positions, List<CatalogProblem> problems) {
    int n = releases.size();
    Version[] versions = new Version[n];
    // Many products share version numbers; parsing each distinct text once saves time and heap.
    Map<String, Version> parsed = new HashMap<>();
    Map<String, Map<String, IntList>> groups = new HashMap<>();
    IntList withPatches = new IntList();
    for (int i = 0; i < n; i++) {
      Release r = releases.get(i);
      if (!r.patches().isEmpty()) {
        withPatches.add(i);
      }
      versions[i] = parsed.computeIfAbsent(r.version(), Version::parse);
      groups
          .computeIfAbsent(r.product(), p -> new HashMap<>())
          .computeIfAbsent(r.updateType(), t -> new IntList())
          .add(i);
    }
    List<CatalogProblem> duplicates = new ArrayList<>();
    Map<String, SortedMap<String, int[]>> index = new HashMap<>(groups.size() * 2);
    for (Map.Entry<String, Map<String, IntList>> product : groups.entrySet()) {
      SortedMap<String, int[]> types = new TreeMap<>();
      for (Map.Entry<String, IntList> type : product.getValue().entrySet()) {
        int[] sorted = sortDescending(type.getValue(), versions);
        // Equal versions are adjacent and, the sort being stable, the first of a run is the
        // earliest in the document: the one each later duplicate points to.
        int runStart = 0;
        for (int k = 1; k < sorted.length; k++) {
          if (versions[sorted[runStart]].equals(versions[sorted[k]])) {
            duplicates.add(duplicate(releases, positions, sorted[runStart], sorted[k]));
          } else {
            runStart = k;
          }
        }
        types.put(type.getKey(), sorted);
      }
      index.put(product.getKey(), Collections.unmodifiableSortedMap(types));
    }
    patchBases(releases, withPatches, positions, versions, index, duplicates);
    if (!problems.isEmpty() || !duplicates.isEmpty()) {
      List<CatalogProblem> all = new ArrayList<>(problems.size() + duplicates.size());
      all.addAll(problems);
      all.addAll(duplicates);
      all.sort(Comparator.comparingInt(CatalogProblem::index));
      throw new CatalogException(source, all);
    }
    return new Catalog(source, List.copyOf(releases), versions, Collections.unmodifiableMap(index));
  }

  /**
   * Checks that each patch's {@code from} names a release of the same product and update type
   * that uses the patch's hash function (the offer gives the base's digest under it).
   */
  private static void patchBases(
      List<Release> releases,
      IntList withPatches,
      int[] positions,
      Version[] versions,
      Map<String, SortedMap<String, int[]>> index,
      List<CatalogProblem> problems) {
    // Only the releases with patches, in order: visiting a million others again costs a cache
    // miss each.
    for (int k = 0; k < withPatches.size; k++) {
      int i = withPatches.values[k];
      Release r = releases.get(i);
      for (int p = 0; p < r.patches().size(); p++) {
        ReleasePatch patch = r.patches().get(p);
        Release base = find(releases, versions, index, r, Version.parse(patch.from()));
        String field = "patches[" + p + "].from";
        if (base == null) {
          problems.add(
              new CatalogProblem(
                  positions[i],
                  field,
                  "names no release of " + r.product() + " " + r.updateType() + ": no version "
                      + patch.from()));
        } else if (base.hashFunction() != patch.hashFunction()) {
          problems.add(
              new CatalogProblem(
                  positions[i],
                  "patches[" + p + "].hash_function",
                  "must be the hash function of the from release " + base.version() + " ("
                      + base.hashFunction() + "), got " + patch.hashFunction()));
        }
      }
    }
  }

  /** Returns the release of {@code r}'s product and update type at {@code version}, or null. */
  static Release find(
      List<Release> releases,
      Version[] versions,
      Map<String, SortedMap<String, int[]>> index,
      Release r,
      Version version) {
    for (int position : index.get(r.product()).get(r.updateType())) {
      if (versions[position].equals(version)) {
        return releases.get(position);
      }
    }
    return null;
  }

  private static int[] sortDescending(IntList list, Version[] versions) {
    Integer[] boxed = new Integer[list.size];
    for (int i = 0; i < list.size; i++) {
      boxed[i] = list.values[i];
    }
    // Stable, so releases of equal version stay in document order.
    Arrays.sort(boxed, (a, b) -> versions[b].compareTo(versions[a]));
    int[] sorted = new int[boxed.length];
    for (int i = 0; i < boxed.length; i++) {
      sorted[i] = boxed[i];
    }
    return sorted;
  }

  private static CatalogProblem duplicate(
      List<Release> releases, int[] positions, int first, int later) {
    Release a = releases.get(first);
    Release b = releases.get(later);
    String message =
        "duplicates releases[" + positions[first] + "] (" + a.product() + " " + a.updateType()
            + " " + a.version() + ")";
    if (!a.version().equals(b.version())) {
      message += ": " + b.version() + " and " + a.version() + " are the same version";
    }
    return new CatalogProblem(positions[later], "version", message);
  }

  /**
   * Returns where the catalog came from: the file path, the source given to {@link #parse}, or
   * {@code (in memory)}.
   *
   * @return where the catalog came from
   */
  public String source() {
    return source;
  }

  /**
   * Returns the releases in document order.
   *
   * @return the releases in document order
   */
  public List<Release> releases() {
    return releases;
  }

  /**
   * Returns the number of releases.
   *
   * @return the number of releases
   */
  public int size() {
    return releases.size();
  }

  /** Returns the release of {@code r}'s product and update type at {@code version}, or null. */
  Release find(Release r, Version version) {
    return find(releases, versions, index, r, version);
  }

  /** Returns the parsed version of the release at {@code position}. */
  Version version(int position) {
    return versions[position];
  }

  /** Returns product to update type to release positions, highest version first. */
  Map<String, SortedMap<String, int[]>> index() {
    return index;
  }

  @Override
  public String toString() {
    return "Catalog[" + source + ", " + releases.size() + " releases]";
  }

  /** A growable list of ints, to group a million positions without boxing them all at once. */
  private static final class IntList {
    int[] values = new int[4];
    int size;

    void add(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }
  }
}
