package dev.appupdate.bench;

import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.UpdateRequest;
import dev.appupdate.protocol.catalog.Match;
import dev.appupdate.protocol.catalog.Release;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * A generated catalog shaped like a real one, and requests against it. Every product has two
 * update types, {@code application} (relative URLs with a mirror, beta builds for {@code beta*}
 * channels, Windows-only builds, localized builds, upgrade paths restricted by {@code
 * app_version}, the newest releases in partial rollouts, an occasional paused release) and {@code
 * blocklist} (absolute URLs, no restrictions, the newest at half rollout). Every release carries
 * a real sha512 digest. Releases are written in publishing order, interleaving products as an
 * append-only catalog does. The same arguments give the same catalog and requests on every run.
 * Not thread-safe.
 */
final class SyntheticCatalog {
  static final String APPLICATION = "application";
  static final String BLOCKLIST = "blocklist";
  /** The base URL relative release URLs resolve against. */
  static final String BASE_URL = "https://updates.example.com/";

  private static final String[] PLATFORMS = {"macOS", "Windows", "Linux"};
  private static final String[] LOCALES = {"en-US", "de", "fr-FR", "ja"};
  private static final String[] ARCHS = {"x86_64", "arm64"};

  private final int products;
  private final int releasesPerType;
  private final MessageDigest sha512 = HashFunction.SHA512.newDigest();
  private final HexFormat hex = HexFormat.of();

  /**
   * @param releases the number of releases, a multiple of {@code 2 * products}
   * @param products the number of products the releases are spread over
   * @throws IllegalArgumentException if the releases do not divide evenly over the products
   */
  SyntheticCatalog(int releases, int products) {
    if (products < 1) {
      throw new IllegalArgumentException("products must be at least 1, got " + products);
    }
    if (releases < 2 * products || releases % (2 * products) != 0) {
      throw new IllegalArgumentException(
          "releases must be a positive multiple of 2 x products (" + 2 * products + "), got "
              + releases);
    }
    this.products = products;
    this.releasesPerType = releases / (2 * products);
  }

  /** Returns the name of product {@code index}, for example {@code product00042}. */
  static String product(int index) {
    String digits = Integer.toString(index);
    return "product" + "0".repeat(Math.max(0, 5 - digits.length())) + digits;
  }

  /** Returns the number of releases. */
  int size() {
    return 2 * products * releasesPerType;
  }

  /**
   * Returns the release at {@code index} in document order: the {@code k}-th release of every
   * product's two update types, then the {@code k+1}-th, and so on.
   */
  Release release(int index) {
    if (index < 0 || index >= size()) {
      throw new IndexOutOfBoundsException("index " + index + " of " + size() + " releases");
    }
    int k = index / (2 * products);
    int p = index / 2 % products;
    return index % 2 == 0 ? application(p, k) : blocklist(p, k);
  }

  /** Returns every release, in document order. */
  List<Release> releases() {
    List<Release> releases = new ArrayList<>(size());
    for (int i = 0; i < size(); i++) {
      releases.add(release(i));
    }
    return releases;
  }

  /** Writes the catalog as a JSON document, one release per line. */
  void writeJson(Path file) throws IOException {
    writeJson(file, List.of());
  }

  /** Writes the catalog followed by {@code more} releases as a JSON document. */
  void writeJson(Path file, List<Release> more) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write("{\"releases\": [\n");
      StringBuilder line = new StringBuilder(1024);
      for (int i = 0; i < size() + more.size(); i++) {
        line.setLength(0);
        Release r = i < size() ? release(i) : more.get(i - size());
        appendJson(r, i == 0 ? line : line.append(",\n"));
        out.append(line);
      }
      out.write("\n]}\n");
    }
  }

  /** Release {@code k} (ascending version) of product {@code p}'s application. */
  private Release application(int p, int k) {
    String product = product(p);
    int major = 1 + k / 10;
    int minor = k % 10;
    boolean beta = k % 8 == 7;
    String version = major + "." + minor + (beta ? "b1" : "");
    String file = product + "/application-" + version + ".zip";
    String digest = digest(product, APPLICATION, version);
    Release.Builder b =
        Release.builder()
            .product(product)
            .updateType(APPLICATION)
            .version(version)
            .url("files/" + file)
            .hashFunction(HashFunction.SHA512)
            .hashValue(digest)
            .size(30_000_000L + Long.parseLong(digest.substring(0, 7), 16) % 170_000_000L)
            .mirrors("https://mirror.example.net/appupdate/" + file);
    if (beta) {
      b.match(Match.builder().channels("beta*").build());
    } else if (k % 8 == 3) {
      b.match(Match.builder().platforms("Windows").minOsVersion("10.0.19041").build());
    } else if (k % 8 == 5) {
      b.match(Match.builder().locales("en-*", "de", "fr").build());
    } else if (minor == 0 && major > 2) {
      // A new major is offered directly only to clients at most two majors behind.
      b.match(Match.builder().appVersion(">=" + (major - 2) + ".0 <" + major + ".0").build());
    }
    if (k % 16 == 15) {
      b.critical(true);
    }
    if (k == releasesPerType - 1) {
      b.rolloutPercent(p % 4 == 0 ? 12.5 : 10);
    } else if (k == releasesPerType - 2) {
      b.rolloutPercent(50);
    }
    if (k == releasesPerType - 3 && p % 10 == 0) {
      b.paused(true);
    }
    return b.build();
  }

  /** Release {@code k} (ascending version) of product {@code p}'s blocklist. */
  private Release blocklist(int p, int k) {
    String product = product(p);
    String version = "1." + k;
    String digest = digest(product, BLOCKLIST, version);
    Release.Builder b =
        Release.builder()
            .product(product)
            .updateType(BLOCKLIST)
            .version(version)
            .url("https://cdn.example.com/" + product + "/blocklist-" + k + ".json")
            .hashFunction(HashFunction.SHA512)
            .hashValue(digest)
            .size(10_000L + Long.parseLong(digest.substring(0, 7), 16) % 500_000L);
    if (k == releasesPerType - 1) {
      b.rolloutPercent(50);
    }
    return b.build();
  }

  private String digest(String product, String type, String version) {
    byte[] key = (product + '/' + type + '/' + version).getBytes(StandardCharsets.UTF_8);
    return hex.formatHex(sha512.digest(key));
  }

  /**
   * Returns a request from a random installation of a random product: app version, platform,
   * locale, channel (one in ten on beta), arch and OS version vary; one in twenty gives no
   * installation id; half say which versions they have installed.
   */
  UpdateRequest request(SplittableRandom random) {
    return request(random, products);
  }

  /**
   * As {@link #request(SplittableRandom)}, from one of the first {@code asked} products only: the
   * same work per request as from a catalog of {@code asked} products, but over this catalog's
   * heap. Compares a large catalog with a small one without the difference in what stays cached.
   */
  UpdateRequest request(SplittableRandom random, int asked) {
    String product = product(random.nextInt(Math.min(asked, products)));
    int majors = 1 + (releasesPerType - 1) / 10;
    String appVersion = (1 + random.nextInt(majors)) + "." + random.nextInt(10);
    String platform = PLATFORMS[random.nextInt(PLATFORMS.length)];
    UpdateRequest.Builder b =
        UpdateRequest.builder(product, appVersion, platform, LOCALES[random.nextInt(4)])
            .channel(random.nextInt(10) == 0 ? "beta" : UpdateRequest.DEFAULT_CHANNEL)
            .arch(ARCHS[random.nextInt(ARCHS.length)]);
    if (platform.equals("Windows")) {
      b.osVersion(random.nextBoolean() ? "10.0.22631" : "10.0.17763");
    } else if (platform.equals("macOS")) {
      b.osVersion("14.2.1");
    }
    if (random.nextInt(20) != 0) {
      b.installationId(new UUID(random.nextLong(), random.nextLong()).toString());
    }
    if (random.nextBoolean()) {
      b.installed(APPLICATION, appVersion);
      b.installed(BLOCKLIST, "1." + random.nextInt(releasesPerType));
    }
    return b.build();
  }

  /** Appends {@code r} as a catalog JSON object, leaving out keys at their default. */
  static void appendJson(Release r, StringBuilder out) {
    out.append('{');
    string(out, "product", r.product()).append(',');
    string(out, "update_type", r.updateType()).append(',');
    string(out, "version", r.version()).append(',');
    string(out, "url", r.url()).append(',');
    string(out, "hash_function", r.hashFunction().wireName()).append(',');
    string(out, "hash_value", r.hashValue()).append(',');
    out.append("\"size\":").append(r.size());
    if (!r.mirrors().isEmpty()) {
      strings(out.append(','), "mirrors", r.mirrors());
    }
    if (r.critical()) {
      out.append(",\"critical\":true");
    }
    if (r.rolloutPercent() != Release.FULL_ROLLOUT) {
      out.append(",\"rollout_percent\":").append(number(r.rolloutPercent()));
    }
    if (r.paused()) {
      out.append(",\"paused\":true");
    }
    Match m = r.match();
    if (!m.isAny()) {
      out.append(",\"match\":{");
      int before = out.length();
      if (!m.channels().isEmpty()) {
        strings(out, "channels", m.channels());
      }
      if (!m.platforms().isEmpty()) {
        strings(comma(out, before), "platforms", m.platforms());
      }
      if (!m.locales().isEmpty()) {
        strings(comma(out, before), "locales", m.locales());
      }
      if (!m.archs().isEmpty()) {
        strings(comma(out, before), "archs", m.archs());
      }
      if (m.appVersion() != null) {
        string(comma(out, before), "app_version", m.appVersion());
      }
      if (m.minOsVersion() != null) {
        string(comma(out, before), "min_os_version", m.minOsVersion());
      }
      out.append('}');
    }
    out.append('}');
  }

  private static StringBuilder comma(StringBuilder out, int objectStart) {
    return out.length() > objectStart ? out.append(',') : out;
  }

  private static StringBuilder string(StringBuilder out, String key, String value) {
    return quoted(quoted(out, key).append(':'), value);
  }

  private static void strings(StringBuilder out, String key, List<String> values) {
    quoted(out, key).append(":[");
    for (int i = 0; i < values.size(); i++) {
      quoted(i == 0 ? out : out.append(','), values.get(i));
    }
    out.append(']');
  }

  /** Generated values never need escaping; a value that would is a bug here, not bad data. */
  private static StringBuilder quoted(StringBuilder out, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20) {
        throw new IllegalArgumentException("value needs JSON escaping: " + value);
      }
    }
    return out.append('"').append(value).append('"');
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
