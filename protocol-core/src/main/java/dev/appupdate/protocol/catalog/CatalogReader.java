package dev.appupdate.protocol.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.math.BigDecimal;
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
 * The catalog codec: reads the JSON of docs/CATALOG.md into releases, collecting every problem.
 * The document is streamed, and each release read member by member from the tokens (only its rare
 * or malformed values become small trees), so a catalog of a million releases never exists as a
 * JSON tree, whole or per release. Products, update types, versions and match objects that repeat
 * across releases are shared. One instance reads one document.
 */
final class CatalogReader {
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
  // Products, update types, versions and match objects repeat across releases; sharing one
  // instance of each keeps a large catalog's heap close to what its distinct values need.
  private final Map<String, String> names = new HashMap<>();
  private final Map<List<Object>, Match> matches = new HashMap<>();

  private CatalogReader() {}

  /** Reads {@code json} and returns the catalog. */
  static Catalog read(byte[] json, String source) {
    CatalogReader reader = new CatalogReader();
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
    CatalogReader reader = new CatalogReader();
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
          release(in, index++);
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

  /**
   * Reads the release at hand straight from the token stream into one slot per known member,
   * then checks it. Every value that is not a string, an array of strings or the match object is
   * read as a (small) tree, through the same code as a whole release was before, so that numbers,
   * limits and syntax fail exactly as they did; the whole release is read before it is checked,
   * so a syntax error anywhere in it is still the only problem reported.
   */
  private void release(JsonStream in, int index) {
    if (!in.atObject()) {
      JsonNode node = in.readValue();
      problems.add(
          new CatalogProblem(index, "", "must be a JSON object, got " + Nodes.describe(node)));
      return;
    }
    Object[] slots = new Object[SLOT_COUNT];
    List<String> unknown = null;
    ObjectNode trees = null;
    for (String key = in.nextKey(); key != null; key = in.nextKey()) {
      int slot = slot(key);
      if (slot < 0) {
        if (unknown == null) {
          unknown = new ArrayList<>(2);
        }
        unknown.add(key);
        in.readValue();
      } else if (slot == MIRRORS) {
        slots[slot] = stringsOrValue(in);
      } else if (slot == MATCH) {
        slots[slot] = in.atObject() ? readMatch(in) : in.readValue();
      } else if (slot == TREE) {
        // Halt thresholds, signatures and patches are rare: read as trees and checked by the
        // tree-reading code, from an object holding just them.
        if (trees == null) {
          trees = Json.object();
        }
        trees.set(key, in.readValue());
      } else {
        slots[slot] = in.atString() ? in.text() : in.readValue();
      }
    }
    List<FieldError> errors = new ArrayList<>(0);
    if (unknown != null) {
      for (String key : unknown) {
        errors.add(
            new FieldError(Nodes.memberPath("", key), "unknown key; allowed: " + RELEASE_KEY_LIST));
      }
    }
    String product = intern(requiredString(slots[PRODUCT], "product", errors));
    String updateType = intern(requiredString(slots[UPDATE_TYPE], "update_type", errors));
    String version = intern(requiredString(slots[VERSION], "version", errors));
    String url = requiredString(slots[URL], "url", errors);
    HashFunction function = hashFunction(slots[HASH_FUNCTION], errors);
    String hashValue = requiredString(slots[HASH_VALUE], "hash_value", errors);
    long size = requiredSize(slots[SIZE], "size", errors);
    List<String> mirrors = strings(slots[MIRRORS], "", "mirrors", true, errors);
    Boolean critical = optionalBoolean(slots[CRITICAL], "critical", errors);
    Double rolloutPercent = percent(slots[ROLLOUT_PERCENT], errors);
    String percentProblem = percentAsWritten(slots[ROLLOUT_PERCENT]);
    Boolean paused = optionalBoolean(slots[PAUSED], "paused", errors);
    HaltThreshold halt = null;
    List<ReleaseSignature> signatures = List.of();
    List<ReleasePatch> patches = List.of();
    Nodes r = trees == null ? null : Nodes.root(trees, errors);
    if (r != null) {
      halt = halt(r, errors);
    }
    Match match = match(slots[MATCH], errors);
    if (r != null) {
      signatures = OfferJson.readSignatures(r, true);
      patches = patches(r, errors);
    }
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

  // A slot per release member the reader reads from tokens; halt, signatures and patches (TREE)
  // go into one small tree instead.
  private static final int PRODUCT = 0;
  private static final int UPDATE_TYPE = 1;
  private static final int VERSION = 2;
  private static final int URL = 3;
  private static final int HASH_FUNCTION = 4;
  private static final int HASH_VALUE = 5;
  private static final int SIZE = 6;
  private static final int MIRRORS = 7;
  private static final int CRITICAL = 8;
  private static final int ROLLOUT_PERCENT = 9;
  private static final int PAUSED = 10;
  private static final int MATCH = 11;
  private static final int TREE = 12;
  private static final int SLOT_COUNT = 12;

  private static int slot(String key) {
    switch (key) {
      case "product":
        return PRODUCT;
      case "update_type":
        return UPDATE_TYPE;
      case "version":
        return VERSION;
      case "url":
        return URL;
      case "hash_function":
        return HASH_FUNCTION;
      case "hash_value":
        return HASH_VALUE;
      case "size":
        return SIZE;
      case "mirrors":
        return MIRRORS;
      case "critical":
        return CRITICAL;
      case "rollout_percent":
        return ROLLOUT_PERCENT;
      case "paused":
        return PAUSED;
      case "match":
        return MATCH;
      case "halt":
      case "signatures":
      case "patches":
        return TREE;
      default:
        return -1;
    }
  }

  /**
   * Reads the value at hand: an array as a list of its elements, each a string or, when not
   * one, a tree; anything else as a tree.
   */
  private static Object stringsOrValue(JsonStream in) {
    if (!in.atArray()) {
      return in.atString() ? in.text() : in.readValue();
    }
    List<Object> elements = new ArrayList<>(2);
    while (in.nextElement()) {
      elements.add(in.atString() ? in.text() : in.readValue());
    }
    return elements;
  }

  /** The members of a match object as read: values as {@link #stringsOrValue} reads them. */
  private static final class MatchValues {
    final Object[] values = new Object[6];
    List<String> unknown;
  }

  private static final int CHANNELS = 0;
  private static final int PLATFORMS = 1;
  private static final int LOCALES = 2;
  private static final int ARCHS = 3;
  private static final int APP_VERSION = 4;
  private static final int MIN_OS_VERSION = 5;

  private static MatchValues readMatch(JsonStream in) {
    MatchValues m = new MatchValues();
    for (String key = in.nextKey(); key != null; key = in.nextKey()) {
      int slot;
      switch (key) {
        case "channels":
          slot = CHANNELS;
          break;
        case "platforms":
          slot = PLATFORMS;
          break;
        case "locales":
          slot = LOCALES;
          break;
        case "archs":
          slot = ARCHS;
          break;
        case "app_version":
          slot = APP_VERSION;
          break;
        case "min_os_version":
          slot = MIN_OS_VERSION;
          break;
        default:
          slot = -1;
      }
      if (slot < 0) {
        if (m.unknown == null) {
          m.unknown = new ArrayList<>(2);
        }
        m.unknown.add(key);
        in.readValue();
      } else {
        m.values[slot] = stringsOrValue(in);
      }
    }
    return m;
  }

  /** Describes a value as read for a message, as {@link Nodes#describe} describes its tree. */
  private static String describe(Object value) {
    if (value instanceof String) {
      return Fields.quote((String) value);
    }
    if (value instanceof List) {
      return "an array";
    }
    if (value instanceof MatchValues) {
      return "an object";
    }
    return Nodes.describe((JsonNode) value);
  }

  /** Absent or JSON null: what an optional member reads as when not given. */
  private static boolean isAbsent(Object value) {
    return value == null || (value instanceof JsonNode && ((JsonNode) value).isNull());
  }

  private static String requiredString(Object value, String field, List<FieldError> errors) {
    if (value == null) {
      errors.add(new FieldError(field, "is required"));
      return null;
    }
    return string(value, field, errors);
  }

  private static String string(Object value, String field, List<FieldError> errors) {
    if (!(value instanceof String)) {
      errors.add(new FieldError(field, "must be a string, got " + describe(value)));
      return null;
    }
    return (String) value;
  }

  private static HashFunction hashFunction(Object value, List<FieldError> errors) {
    String name = requiredString(value, "hash_function", errors);
    if (name == null) {
      return null;
    }
    try {
      return HashFunction.fromWireName(name);
    } catch (IllegalArgumentException e) {
      errors.add(new FieldError("hash_function", e.getMessage()));
      return null;
    }
  }

  private static long requiredSize(Object value, String field, List<FieldError> errors) {
    if (value == null) {
      errors.add(new FieldError(field, "is required"));
      return -1;
    }
    if (!(value instanceof JsonNode)
        || !((JsonNode) value).isIntegralNumber()
        || !((JsonNode) value).canConvertToLong()) {
      errors.add(
          new FieldError(
              field,
              "must be an integer from 0 to " + Long.MAX_VALUE + ", got " + describe(value)));
      return -1;
    }
    long v = ((JsonNode) value).longValue();
    String problem = Fields.size(v);
    if (problem != null) {
      errors.add(new FieldError(field, problem));
      return -1;
    }
    return v;
  }

  private static Boolean optionalBoolean(Object value, String field, List<FieldError> errors) {
    if (isAbsent(value)) {
      return false;
    }
    if (!(value instanceof JsonNode) || !((JsonNode) value).isBoolean()) {
      errors.add(new FieldError(field, "must be true or false, got " + describe(value)));
      return null;
    }
    return ((JsonNode) value).booleanValue();
  }

  private static Double percent(Object value, List<FieldError> errors) {
    if (isAbsent(value)) {
      return Release.FULL_ROLLOUT;
    }
    if (!(value instanceof JsonNode) || !((JsonNode) value).isNumber()) {
      errors.add(
          new FieldError(
              "rollout_percent", "must be a number from 0 to 100, got " + describe(value)));
      return null;
    }
    return ((JsonNode) value).doubleValue();
  }

  /**
   * Checks rollout_percent on its decimal value as written, which the double it reads as can
   * hide: a value with more decimals than a double holds can read as a valid one, a tiny one as
   * 0, and one a hair above 100 as 100.
   */
  private static String percentAsWritten(Object value) {
    if (isAbsent(value) || !(value instanceof JsonNode) || !((JsonNode) value).isNumber()) {
      return null;
    }
    JsonNode n = (JsonNode) value;
    BigDecimal decimal = n.decimalValue();
    // Described only for a message: describing an integer node writes it through Jackson.
    return Rules.percent(decimal, "") == null ? null : Rules.percent(decimal, Nodes.describe(n));
  }

  /**
   * Reads an optional array of strings at {@code prefix + field}: empty when absent; null when
   * not an array or, unless {@code emptyAllowed}, empty. A non-string element is reported and
   * kept as null so that the other elements keep their positions for the value rules.
   */
  private static List<String> strings(
      Object value, String prefix, String field, boolean emptyAllowed, List<FieldError> errors) {
    if (isAbsent(value)) {
      return List.of();
    }
    String path = prefix + field;
    if (!(value instanceof List)) {
      errors.add(new FieldError(path, "must be a JSON array, got " + describe(value)));
      return null;
    }
    List<?> elements = (List<?>) value;
    if (elements.isEmpty() && !emptyAllowed) {
      errors.add(new FieldError(path, "must not be empty; leave the key out to match everything"));
      return null;
    }
    List<String> values = new ArrayList<>(elements.size());
    for (int i = 0; i < elements.size(); i++) {
      Object e = elements.get(i);
      if (e instanceof String) {
        values.add((String) e);
      } else {
        errors.add(new FieldError(path + "[" + i + "]", "must be a string, got " + describe(e)));
        values.add(null);
      }
    }
    return values;
  }

  /** Reads {@code match}: {@link Match#ANY} when absent, null when anything in it is wrong. */
  private Match match(Object value, List<FieldError> errors) {
    if (isAbsent(value)) {
      return Match.ANY;
    }
    if (!(value instanceof MatchValues)) {
      errors.add(new FieldError("match", "must be a JSON object, got " + describe(value)));
      return null;
    }
    MatchValues m = (MatchValues) value;
    int before = errors.size();
    if (m.unknown != null) {
      for (String key : m.unknown) {
        errors.add(
            new FieldError(
                Nodes.memberPath("match", key), "unknown key; allowed: " + MATCH_KEY_LIST));
      }
    }
    List<String> channels = strings(m.values[CHANNELS], "match.", "channels", false, errors);
    List<String> platforms = strings(m.values[PLATFORMS], "match.", "platforms", false, errors);
    List<String> locales = strings(m.values[LOCALES], "match.", "locales", false, errors);
    List<String> archs = strings(m.values[ARCHS], "match.", "archs", false, errors);
    String appVersion = optionalString(m.values[APP_VERSION], "match.app_version", errors);
    String minOsVersion =
        optionalString(m.values[MIN_OS_VERSION], "match.min_os_version", errors);
    if (errors.size() == before) {
      // Equal values make an equal match: those of a valid one are shared, its rules not run
      // again.
      List<Object> key =
          Arrays.asList(channels, platforms, locales, archs, appVersion, minOsVersion);
      Match known = matches.get(key);
      if (known != null) {
        return known;
      }
      try {
        Match match = new Match(channels, platforms, locales, archs, appVersion, minOsVersion);
        matches.put(key, match);
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

  private static String optionalString(Object value, String path, List<FieldError> errors) {
    return isAbsent(value) ? null : string(value, path, errors);
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

  private static String hashFunctionProblem(String name) {
    try {
      HashFunction.fromWireName(name);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
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
      String functionName = p.requiredString("hash_function", CatalogReader::hashFunctionProblem);
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
}
