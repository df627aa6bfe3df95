package dev.appupdate.protocol.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import dev.appupdate.protocol.FieldError;
import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.ProtocolException;
import dev.appupdate.protocol.ReleaseSignature;
import dev.appupdate.protocol.internal.Fields;
import dev.appupdate.protocol.internal.Json;
import dev.appupdate.protocol.internal.JsonStream;
import dev.appupdate.protocol.internal.Nodes;
import dev.appupdate.protocol.internal.OfferJson;
import dev.appupdate.protocol.internal.Utf8InputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The catalog reader as it was when each release was read into a JSON tree before being checked:
 * kept unchanged as the oracle of {@link CatalogReaderDifferentialTest}, which holds the
 * streaming {@link CatalogReader} to the same answers, problems and their order included.
 */
final class TreeCatalogReader {
  private static final Json JSON = new Json(Catalog.LIMITS);

  private static final Set<String> RELEASE_KEYS =
      new TreeSet<>(
          List.of(
              "product",
              "update_type",
              "version",
              "url",
              "hash_function",
              "hash_value",
              "size",
              "mirrors",
              "critical",
              "rollout_percent",
              "paused",
              "halt",
              "match",
              "signatures",
              "patches"));
  private static final String RELEASE_KEY_LIST = String.join(", ", RELEASE_KEYS);

  private static final Set<String> MATCH_KEYS =
      new TreeSet<>(
          List.of("channels", "platforms", "locales", "archs", "app_version", "min_os_version"));
  private static final String MATCH_KEY_LIST = String.join(", ", MATCH_KEYS);

  private static final Set<String> PATCH_KEYS =
      new TreeSet<>(List.of("from", "format", "url", "hash_function", "hash_value", "size"));
  private static final String PATCH_KEY_LIST = String.join(", ", PATCH_KEYS);

  private static final Function<String, String> ANY_STRING = s -> null;

  private final List<Release> releases = new ArrayList<>();
  private int[] positions = new int[16];
  private final List<CatalogProblem> problems = new ArrayList<>();
  // Products, update types and match objects repeat across releases; sharing one instance of
  // each keeps a large catalog's heap close to what its distinct values need.
  private final Map<String, String> names = new HashMap<>();
  private final Map<JsonNode, Match> matches = new HashMap<>();

  private TreeCatalogReader() {}

  /** Reads {@code json} and returns the catalog. */
  static Catalog read(byte[] json, String source) {
    TreeCatalogReader reader = new TreeCatalogReader();
    try {
      if (json.length == 0) {
        reader.empty();
      } else {
        reader.document(JSON.stream(json, "catalog"));
      }
    } catch (ProtocolException e) {
      throw fatal(source, e);
    }
    return Catalog.build(source, reader.releases, reader.positions, reader.problems);
  }

  /**
   * Reads the catalog in {@code file} as it streams from the disk, never holding the document: a
   * catalog of a million releases is a few hundred megabytes of JSON. Reports every problem as
   * {@link #read(byte[], String)} does for the file's bytes, the UTF-8 check included: the bytes
   * are checked as they pass, and the rest of the file after a syntax error too, so that invalid
   * UTF-8 anywhere is the only problem reported, as it is when checked before parsing.
   */
  static Catalog read(Path file, String source) throws IOException {
    TreeCatalogReader reader = new TreeCatalogReader();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
      Utf8InputStream in = new Utf8InputStream(raw);
      ProtocolException failure = null;
      raw.mark(1);
      if (raw.read() < 0) {
        reader.empty();
      } else {
        raw.reset();
        try {
          reader.document(JSON.stream(in, "catalog"));
        } catch (ProtocolException e) {
          failure = e;
        }
      }
      if (in.failure() != null) {
        throw in.failure();
      }
      in.drain();
      long bad = in.firstRejected();
      if (bad >= 0) {
        // What Json.stream says of the same bytes in memory.
        String message =
            in.rejectedByte() == 0
                ? "NUL byte at byte offset "
                    + bad
                    + ": the document must be UTF-8, not UTF-16 or UTF-32"
                : "invalid UTF-8 at byte offset " + bad;
        throw new CatalogException(
            source, List.of(new CatalogProblem(CatalogProblem.DOCUMENT, "$", message)));
      }
      if (failure != null) {
        throw fatal(source, failure);
      }
    }
    return Catalog.build(source, reader.releases, reader.positions, reader.problems);
  }

  /** Past a syntax error nothing can be read reliably; that error alone is the answer. */
  private static CatalogException fatal(String source, ProtocolException e) {
    List<CatalogProblem> fatal = new ArrayList<>();
    for (FieldError error : e.errors()) {
      fatal.add(new CatalogProblem(CatalogProblem.DOCUMENT, error.field(), error.message()));
    }
    return new CatalogException(source, fatal);
  }

  private void empty() {
    documentProblem("$", "document is empty; expected a JSON object");
  }

  private void document(JsonStream in) {
    in.beginObject();
    boolean sawReleases = false;
    for (String key = in.nextKey(); key != null; key = in.nextKey()) {
      if (!key.equals("releases")) {
        documentProblem(
            Nodes.memberPath("", key), "unknown key; a catalog holds only \"releases\"");
        in.skipValue();
      } else if (in.atNull()) {
        // Null counts as absent (docs/CATALOG.md), so "is required" below says what is wrong.
        in.skipValue();
      } else if (!in.atArray()) {
        sawReleases = true;
        documentProblem(key, "must be a JSON array, got " + in.skipAndDescribe());
      } else {
        sawReleases = true;
        int index = 0;
        while (in.nextElement()) {
          release(in.readValue(), index++);
        }
      }
    }
    in.end();
    if (!sawReleases) {
      documentProblem("releases", "is required");
    }
  }

  private void documentProblem(String field, String message) {
    problems.add(new CatalogProblem(CatalogProblem.DOCUMENT, field, message));
  }

  private void release(JsonNode node, int index) {
    if (!node.isObject()) {
      problems.add(
          new CatalogProblem(index, "", "must be a JSON object, got " + Nodes.describe(node)));
      return;
    }
    List<FieldError> errors = new ArrayList<>(0);
    Nodes r = Nodes.root(node, errors);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!RELEASE_KEYS.contains(key)) {
        r.keyError(key, "unknown key; allowed: " + RELEASE_KEY_LIST);
      }
    }
    String product = intern(r.requiredString("product", ANY_STRING));
    String updateType = intern(r.requiredString("update_type", ANY_STRING));
    String version = r.requiredString("version", ANY_STRING);
    String url = r.requiredString("url", ANY_STRING);
    String functionName = r.requiredString("hash_function", TreeCatalogReader::hashFunction);
    HashFunction function =
        functionName == null ? null : HashFunction.fromWireName(functionName);
    String hashValue = r.requiredString("hash_value", ANY_STRING);
    long size = r.requiredSize("size");
    List<String> mirrors = strings(r, "mirrors", true);
    Boolean critical = r.optionalBoolean("critical", false);
    Double rolloutPercent = percent(r);
    String percentProblem = percentAsWritten(r);
    Boolean paused = r.optionalBoolean("paused", false);
    HaltThreshold halt = halt(r, errors);
    Match match = match(r, errors);
    List<ReleaseSignature> signatures = OfferJson.readSignatures(r, true);
    List<ReleasePatch> patches = patches(r, errors);
    if (errors.isEmpty() && percentProblem == null) {
      try {
        Release.Builder release =
            Release.builder()
                .product(product)
                .updateType(updateType)
                .version(version)
                .url(url)
                .hashFunction(function)
                .hashValue(hashValue)
                .size(size)
                .mirrors(mirrors)
                .critical(critical)
                .rolloutPercent(rolloutPercent)
                .paused(paused)
                .match(match)
                .signatures(signatures)
                .patches(patches);
        if (halt != null) {
          release.halt(halt);
        }
        add(release.build(), index);
        return;
      } catch (IllegalArgumentException e) {
        // Construction stops at the first bad value; the rules below find them all.
      }
    }
    Rules.release(
        product,
        updateType,
        version,
        url,
        function,
        hashValue,
        size < 0 ? null : size,
        mirrors,
        percentProblem == null ? rolloutPercent : null,
        (field, message) -> errors.add(new FieldError(field, message)));
    if (patches != null && version != null && Fields.version(version) == null) {
      Rules.patches(
          version, patches, (field, message) -> errors.add(new FieldError(field, message)));
    }
    if (percentProblem != null) {
      // Where Rules.release would have reported it: after the other values.
      errors.add(new FieldError("rollout_percent", percentProblem));
    }
    for (FieldError e : errors) {
      problems.add(new CatalogProblem(index, e.field(), e.message()));
    }
  }

  private void add(Release release, int index) {
    if (releases.size() == positions.length) {
      positions = Arrays.copyOf(positions, positions.length * 2);
    }
    positions[releases.size()] = index;
    releases.add(release);
  }

  private String intern(String name) {
    if (name == null) {
      return null;
    }
    String known = names.putIfAbsent(name, name);
    return known == null ? name : known;
  }

  private static String hashFunction(String name) {
    try {
      HashFunction.fromWireName(name);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static Double percent(Nodes r) {
    JsonNode n = r.raw("rollout_percent");
    if (n == null) {
      return Release.FULL_ROLLOUT;
    }
    if (!n.isNumber()) {
      r.error("rollout_percent", "must be a number from 0 to 100, got " + Nodes.describe(n));
      return null;
    }
    return n.doubleValue();
  }

  /**
   * Checks rollout_percent on its decimal value as written, which the double it reads as can
   * hide: a value with more decimals than a double holds can read as a valid one, a tiny one as
   * 0, and one a hair above 100 as 100.
   */
  private static String percentAsWritten(Nodes r) {
    JsonNode n = r.raw("rollout_percent");
    return n == null || !n.isNumber() ? null : Rules.percent(n.decimalValue(), Nodes.describe(n));
  }

  /**
   * Reads an optional array of strings: empty when absent; null when not an array or, unless
   * {@code emptyAllowed}, empty. A non-string element is reported and kept as null so that the
   * other elements keep their positions for the value rules.
   */
  private static List<String> strings(Nodes r, String field, boolean emptyAllowed) {
    JsonNode array = r.optionalArray(field);
    if (array == null) {
      return r.raw(field) == null ? List.of() : null;
    }
    if (array.isEmpty() && !emptyAllowed) {
      r.error(field, "must not be empty; leave the key out to match everything");
      return null;
    }
    List<String> values = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode e = array.get(i);
      if (e.isTextual()) {
        values.add(e.textValue());
      } else {
        r.error(field + "[" + i + "]", "must be a string, got " + Nodes.describe(e));
        values.add(null);
      }
    }
    return values;
  }

  private static final Set<String> HALT_KEYS =
      new TreeSet<>(List.of("max_failure_rate", "min_reports"));

  /**
   * Reads {@code halt}: null when absent or when anything in it is wrong (reported), so a caller
   * tells the two apart by {@code r.raw("halt")}. Both keys are required: a threshold with a
   * default rate or count would halt on figures nobody chose.
   */
  private static HaltThreshold halt(Nodes r, List<FieldError> errors) {
    JsonNode node = r.optionalObject("halt");
    if (node == null) {
      return null;
    }
    int before = errors.size();
    Nodes h = r.nested("halt", node);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!HALT_KEYS.contains(key)) {
        h.keyError(key, "unknown key; allowed: " + String.join(", ", HALT_KEYS));
      }
    }
    JsonNode rate = h.raw("max_failure_rate");
    Double maxRate = null;
    if (rate == null) {
      h.error("max_failure_rate", "is required");
    } else if (!rate.isNumber()) {
      h.error(
          "max_failure_rate",
          "must be a number from 0 (inclusive) to 1 (exclusive), got " + Nodes.describe(rate));
    } else {
      maxRate = rate.doubleValue();
      String problem = Rules.maxFailureRate(maxRate);
      if (problem != null) {
        h.error("max_failure_rate", problem);
      }
    }
    JsonNode min = h.raw("min_reports");
    Long minReports = null;
    if (min == null) {
      h.error("min_reports", "is required");
    } else if (!min.isIntegralNumber() || !min.canConvertToLong()) {
      h.error(
          "min_reports",
          "must be an integer from 1 to "
              + HaltThreshold.MAX_MIN_REPORTS
              + ", got "
              + Nodes.describe(min));
    } else {
      minReports = min.longValue();
      String problem = Rules.minReports(minReports);
      if (problem != null) {
        h.error("min_reports", problem);
      }
    }
    return errors.size() == before ? HaltThreshold.of(maxRate, minReports) : null;
  }

  /**
   * Reads {@code patches}: empty when absent; null when anything in it is wrong, each problem
   * added to {@code errors}.
   */
  private static List<ReleasePatch> patches(Nodes r, List<FieldError> errors) {
    JsonNode array = r.optionalArray("patches");
    if (array == null) {
      return r.raw("patches") == null ? List.of() : null;
    }
    int before = errors.size();
    List<ReleasePatch> patches = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode n = array.get(i);
      String field = "patches[" + i + "]";
      if (!n.isObject()) {
        r.error(field, "must be a JSON object, got " + Nodes.describe(n));
        continue;
      }
      Nodes p = r.nested(field, n);
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!PATCH_KEYS.contains(key)) {
          p.keyError(key, "unknown key; allowed: " + PATCH_KEY_LIST);
        }
      }
      int start = errors.size();
      String from = p.requiredString("from", ANY_STRING);
      String format = p.requiredString("format", ANY_STRING);
      String url = p.requiredString("url", ANY_STRING);
      String functionName = p.requiredString("hash_function", TreeCatalogReader::hashFunction);
      HashFunction function =
          functionName == null ? null : HashFunction.fromWireName(functionName);
      String hashValue = p.requiredString("hash_value", ANY_STRING);
      long size = p.requiredSize("size");
      Rules.patch(
          field + ".",
          from,
          format,
          url,
          function,
          hashValue,
          size < 0 ? null : size,
          (f, message) -> errors.add(new FieldError(f, message)));
      if (errors.size() == start) {
        patches.add(
            ReleasePatch.builder()
                .from(from)
                .format(format)
                .url(url)
                .hashFunction(function)
                .hashValue(hashValue)
                .size(size)
                .build());
      }
    }
    return errors.size() == before ? patches : null;
  }

  /** Reads {@code match}: {@link Match#ANY} when absent, null when anything in it is wrong. */
  private Match match(Nodes r, List<FieldError> errors) {
    JsonNode node = r.optionalObject("match");
    if (node == null) {
      return r.raw("match") == null ? Match.ANY : null;
    }
    Match known = matches.get(node);
    if (known != null) {
      return known;
    }
    int before = errors.size();
    Nodes m = r.nested("match", node);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!MATCH_KEYS.contains(key)) {
        m.keyError(key, "unknown key; allowed: " + MATCH_KEY_LIST);
      }
    }
    List<String> channels = strings(m, "channels", false);
    List<String> platforms = strings(m, "platforms", false);
    List<String> locales = strings(m, "locales", false);
    List<String> archs = strings(m, "archs", false);
    String appVersion = m.optionalString("app_version", ANY_STRING);
    String minOsVersion = m.optionalString("min_os_version", ANY_STRING);
    if (errors.size() == before) {
      try {
        Match match = new Match(channels, platforms, locales, archs, appVersion, minOsVersion);
        matches.put(node, match);
        return match;
      } catch (IllegalArgumentException e) {
        // Construction stops at the first bad value; the rules below find them all.
      }
    }
    Rules.match(
        "match.",
        channels,
        platforms,
        locales,
        archs,
        appVersion,
        minOsVersion,
        (field, message) -> errors.add(new FieldError(field, message)));
    return null;
  }
}
