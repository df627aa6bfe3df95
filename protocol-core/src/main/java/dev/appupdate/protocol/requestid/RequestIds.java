package dev.appupdate.protocol.requestid;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.Version;
import dev.appupdate.protocol.catalog.Catalog;
import dev.appupdate.protocol.catalog.CatalogException;
import dev.appupdate.protocol.catalog.CatalogProblem;
import dev.appupdate.protocol.catalog.Release;
import dev.appupdate.protocol.internal.Fields;
import dev.appupdate.protocol.requestid.InvalidRequestIdException.Kind;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and verifies stateless request ids: compact HMAC-SHA256 tokens, URL-safe (base64url
 * without padding), from which any server holding the same key can check, without shared state,
 * that it issued the id, when, for which product, and whether an (update_type, version) pair was
 * offered under it. Replicas behind a load balancer share one key. Thread-safe.
 *
 * <pre>{@code
 * RequestIds ids = RequestIds.create(key, Clock.systemUTC(), Duration.ofDays(30));
 * String requestId = ids.issue("your_app", offers);           // into the update response
 * RequestIdClaims claims = ids.verify(report.requestId());     // throws InvalidRequestIdException
 * boolean ok = claims.offered("my_important_data", "1.0");
 * }</pre>
 *
 * <h2>Format, version 1</h2>
 *
 * <p>The id is the base64url encoding, without padding, of these bytes:
 *
 * <pre>
 * offset       size  field
 * 0            1     format version, 1
 * 1            5     issue time, seconds since the epoch, unsigned big-endian
 * 6            8     nonce, random, so that two ids issued in the same second differ
 * 14           1     P, the length of the product name
 * 15           P     the product name (ASCII, as protocol v1 names are)
 * 15+P         1     K, the number of offers
 * 16+P         6K    per offer: a 2-byte update_type tag, then a 4-byte offer tag
 * 16+P+6K      16    MAC
 * </pre>
 *
 * <p>With H the bytes from offset 0 up to the end of the product name, the update_type tag of an
 * offer is the first 2 bytes of HMAC-SHA256(Kt, 0x01 | H | type) and its offer tag the first 4
 * bytes of HMAC-SHA256(Kt, 0x02 | H | type | version), each string prefixed with its 2-byte UTF-8
 * length, where version is the {@linkplain Version#canonical() canonical text} of the offered
 * version, so that a completion reporting an equal version spelled differently ({@code 1.0.0} for
 * an offered {@code 1.0}) matches, as docs/PROTOCOL.md requires; the MAC is the first 16 bytes of
 * HMAC-SHA256(Km, all preceding bytes). Kt and Km are derived from the server key by HMAC-SHA256
 * with fixed labels. The MAC makes the whole id unforgeable; the tags let a completion's
 * (update_type, version) be checked against the offers without storing them. A 4-byte tag admits a
 * wrong pair with probability K/2<sup>32</sup> per attempt; the 2-byte update_type tag only chooses
 * between two error messages. A verifier should therefore refuse, before checking any tag, a report
 * that names more updates than {@link RequestIdClaims#offerCount()}: each report then carries at
 * most K guesses, and a forger needs on the order of 2<sup>32</sup>/K<sup>2</sup> reports for one
 * false pair, about a billion for two offers.
 *
 * <h2>Format, version 2: with an installation key</h2>
 *
 * <p>When the update check named an {@code installation_id} and the id has room for it (below),
 * {@link #issue(String, List, String)} issues version 2: the same bytes with 2 as the format
 * version and 8 more bytes, the installation key, between the offers and the MAC:
 *
 * <pre>
 * offset       size  field
 * 0            1     format version, 2
 * 1 .. 16+P+6K       as in version 1
 * 16+P+6K      8     installation key
 * 24+P+6K      16    MAC, over all preceding bytes as in version 1
 * </pre>
 *
 * <p>The installation key is the first 8 bytes of HMAC-SHA256(Ki, installation_id), the UTF-8
 * text prefixed with its 2-byte length, where Ki is derived from the server key like Kt and Km with
 * its own label. It is pseudonymous: equal installation ids give equal keys under one server key,
 * and without the key the installation id cannot be recovered or tested. {@link
 * RequestIdClaims#installation()} returns it as 11 base64url characters; the server stores it
 * with each completion, so that the automatic halt counts distinct installations rather than
 * reports. The MAC covers it, so it is as unforgeable as the rest of the id, but a client chooses
 * its {@code installation_id} freely: it bounds what one well-behaved installation counts for,
 * not what a forger who sends many checks can do. H, over which the tags are computed, holds the
 * format version byte, so a version 2 id's tags differ from those of the same offers in version 1.
 * Version 1 ids, which an older server issued or which had no room, keep verifying; their claims
 * have no installation. A server that knows only version 1 refuses version 2 ids as malformed:
 * replicas sharing a key are upgraded together, or reports under ids of upgraded replicas that
 * reach an older one are answered {@code 422} until it is upgraded too.
 *
 * <h2>Length limit</h2>
 *
 * <p>An id is 32 + P + 6K bytes, at most 148, so at most {@value #MAX_LENGTH} characters: the
 * product name's length plus 6 per offer must not exceed 116, for example a 40-character product
 * with 12 offers, or {@code your_app} with 18. {@link #issue} refuses larger responses rather than
 * emit an invalid id; {@link #maxOffers} tells in advance how many offers a product can have, so
 * that a server can check its catalog when it loads it. The two demo offers of {@code your_app}
 * give a 70-character id. The installation key of version 2 does not count against this budget:
 * it is added only when the product name's length plus 6 per offer plus 8 is at most 116, and
 * otherwise the id is issued in version 1, without it. The two demo offers with it give an
 * 80-character id.
 */
public final class RequestIds {

  /** The length of a key made by {@link #newKey()}, and the shortest key accepted, in bytes. */
  public static final int KEY_LENGTH = 32;

  /** The longest id {@link #issue} returns, in characters. */
  public static final int MAX_LENGTH = 198;

  /**
   * The longest retention {@link #create} accepts: 3650 days, about ten years. Longer ones would
   * push expiry times out of the range that times can be computed in, and no report comes back
   * that late.
   */
  public static final Duration MAX_RETENTION = Duration.ofDays(3650);

  /** The largest token, in bytes, before base64url encoding. */
  static final int MAX_TOKEN_BYTES = 148;

  /** The budget shared by the product name (1 byte per character) and the offers (6 each). */
  static final int MAX_PAYLOAD_BYTES = 116;

  static final int FORMAT_VERSION = 1;
  static final int FORMAT_VERSION_INSTALLATION = 2;
  static final int INSTALLATION_BYTES = 8;
  static final int TYPE_TAG_BYTES = 2;
  static final int OFFER_TAG_BYTES = 4;
  static final int OFFER_BYTES = TYPE_TAG_BYTES + OFFER_TAG_BYTES;
  static final int MAC_BYTES = 16;
  private static final int TIME_BYTES = 5;
  private static final int NONCE_BYTES = 8;
  private static final int PRODUCT_LENGTH_OFFSET = 1 + TIME_BYTES + NONCE_BYTES;
  private static final int FIXED_BYTES = PRODUCT_LENGTH_OFFSET + 1 + 1 + MAC_BYTES;
  private static final long MAX_TIME = (1L << (8 * TIME_BYTES)) - 1;
  private static final String HMAC = "HmacSHA256";

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final SecretKeySpec macKey;
  private final SecretKeySpec tagKey;
  private final SecretKeySpec installationKey;
  // Looking up and keying a Mac costs more than the HMAC of a token itself; each thread keeps one
  // keyed instance per key. doFinal leaves a Mac reset, and reset() below guards against a use
  // that ended early.
  private final ThreadLocal<Mac> macs;
  private final ThreadLocal<Mac> tags;
  private final ThreadLocal<Mac> installations;
  private final Clock clock;
  private final Duration retention;
  private final SecureRandom random = new SecureRandom();

  private RequestIds(byte[] key, Clock clock, Duration retention) {
    SecretKeySpec master = new SecretKeySpec(key, HMAC);
    this.macKey = new SecretKeySpec(derive(master, "appupdate request id v1 mac"), HMAC);
    this.tagKey = new SecretKeySpec(derive(master, "appupdate request id v1 offer"), HMAC);
    this.installationKey =
        new SecretKeySpec(derive(master, "appupdate request id v2 installation"), HMAC);
    this.macs = ThreadLocal.withInitial(() -> newMac(macKey));
    this.tags = ThreadLocal.withInitial(() -> newMac(tagKey));
    this.installations = ThreadLocal.withInitial(() -> newMac(installationKey));
    this.clock = clock;
    this.retention = retention;
  }

  /**
   * Returns an issuer and verifier of request ids.
   *
   * @param key the server key, at least {@value #KEY_LENGTH} random bytes, shared by every replica;
   *     copied
   * @param clock the source of issue and verification times
   * @param retention how long an id stays valid after it was issued; positive and at most {@link
   *     #MAX_RETENTION}
   * @return an issuer and verifier of request ids
   * @throws IllegalArgumentException if the key is too short or the retention not positive or
   *     longer than {@link #MAX_RETENTION}
   */
  public static RequestIds create(byte[] key, Clock clock, Duration retention) {
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(clock, "clock == null");
    Objects.requireNonNull(retention, "retention == null");
    if (key.length < KEY_LENGTH) {
      throw new IllegalArgumentException(
          "key must be at least " + KEY_LENGTH + " bytes, got " + key.length);
    }
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be positive, got " + retention);
    }
    if (retention.compareTo(MAX_RETENTION) > 0) {
      throw new IllegalArgumentException(
          "retention must be at most "
              + MAX_RETENTION.toDays()
              + " days (about ten years), got "
              + retention);
    }
    return new RequestIds(key.clone(), clock, retention);
  }

  /**
   * Returns how many offers an id for {@code product} can name: {@link #issue} accepts at most this
   * many for it. The product name's length plus 6 per offer must be at most 116, so {@code
   * your_app} can have 18 offers and a 40-character product 12. {@link #checkCatalog} checks a
   * whole catalog with it.
   *
   * <pre>{@code
   * if (updateTypes.size() > RequestIds.maxOffers(product)) {
   *   // a catalog problem: an update check could get more offers than one request id can name
   * }
   * }</pre>
   *
   * @param product a protocol v1 product name
   * @return the largest number of offers, 0 when the name leaves no room for one (more than 110
   *     characters)
   * @throws IllegalArgumentException if the product is not a valid name
   */
  public static int maxOffers(String product) {
    Objects.requireNonNull(product, "product == null");
    String problem = Fields.name(product);
    if (problem != null) {
      throw new IllegalArgumentException("product: " + problem);
    }
    return Math.max(0, (MAX_PAYLOAD_BYTES - product.length()) / OFFER_BYTES);
  }

  /**
   * Checks that one request id can name every offer {@code catalog} can make: the matcher offers
   * up to one release per update type, so a product with more update types than {@link
   * #maxOffers} would answer some update check with an id that cannot be issued. A server checks
   * its catalog with this when it loads it, and refuses the catalog like any other invalid one.
   *
   * <pre>{@code
   * Catalog catalog = Catalog.read(Path.of("catalog.json"));
   * RequestIds.checkCatalog(catalog); // CatalogException naming each product over the limit
   * }</pre>
   *
   * @param catalog the catalog to check
   * @throws CatalogException naming, for each product over the limit, the release that brings the
   *     first update type too many
   */
  public static void checkCatalog(Catalog catalog) {
    Objects.requireNonNull(catalog, "catalog == null");
    Map<String, Set<String>> types = new HashMap<>();
    // Product to the position of the release that brings its first update type too many.
    Map<String, Integer> firstOver = new LinkedHashMap<>();
    List<Release> releases = catalog.releases();
    for (int i = 0; i < releases.size(); i++) {
      Release r = releases.get(i);
      Set<String> seen = types.computeIfAbsent(r.product(), p -> new HashSet<>());
      if (seen.add(r.updateType()) && seen.size() > maxOffers(r.product())) {
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
                      + maxOffers(product)
                      + " that one request id can name for it: the product name's length ("
                      + product.length()
                      + ") plus "
                      + OFFER_BYTES
                      + " per update type must be at most "
                      + MAX_PAYLOAD_BYTES));
        });
    throw new CatalogException(catalog.source(), problems);
  }

  /**
   * Returns {@value #KEY_LENGTH} bytes from a {@link SecureRandom}, fit for {@link #create}.
   *
   * @return {@value #KEY_LENGTH} bytes from a {@link SecureRandom}
   */
  public static byte[] newKey() {
    byte[] key = new byte[KEY_LENGTH];
    new SecureRandom().nextBytes(key);
    return key;
  }

  /**
   * Returns how long an id stays valid after it was issued.
   *
   * @return how long an id stays valid after it was issued
   */
  public Duration retention() {
    return retention;
  }

  /**
   * Issues the request id of an update response.
   *
   * @param product the product of the update request, a protocol v1 name
   * @param offers the offers of the response, at most one per update type; may be empty
   * @return an id of at most {@value #MAX_LENGTH} URL-safe characters
   * @throws IllegalArgumentException if the product is not a valid name, an update type is offered
   *     twice, or the product name and offers exceed the length limit (see the class comment)
   * @throws IllegalStateException if the clock reads a time before 1970 or after the year 36812
   */
  public String issue(String product, List<AvailableUpdate> offers) {
    return issue(product, offers, null);
  }

  /**
   * Issues the request id of an update response, with the installation key of {@code
   * installationId} when there is room for it (format version 2, see the class comment).
   *
   * @param product the product of the update request, a protocol v1 name
   * @param offers the offers of the response, at most one per update type; may be empty
   * @param installationId the request's {@code installation_id}, or null when it named none
   * @return an id of at most {@value #MAX_LENGTH} URL-safe characters
   * @throws IllegalArgumentException if the product is not a valid name, an update type is offered
   *     twice, or the product name and offers exceed the length limit (see the class comment)
   * @throws IllegalStateException if the clock reads a time before 1970 or after the year 36812
   */
  public String issue(String product, List<AvailableUpdate> offers, String installationId) {
    Objects.requireNonNull(product, "product == null");
    Objects.requireNonNull(offers, "offers == null");
    String problem = Fields.name(product);
    if (problem != null) {
      throw new IllegalArgumentException("product: " + problem);
    }
    Set<String> types = new HashSet<>();
    for (AvailableUpdate offer : offers) {
      Objects.requireNonNull(offer, "offers holds null");
      if (!types.add(offer.updateType())) {
        throw new IllegalArgumentException(
            "update_type " + offer.updateType() + " is offered twice");
      }
    }
    byte[] name = product.getBytes(StandardCharsets.US_ASCII);
    int payload = name.length + OFFER_BYTES * offers.size();
    if (payload > MAX_PAYLOAD_BYTES) {
      int chars = (int) Math.ceil((FIXED_BYTES + payload) * 4 / 3.0);
      throw new IllegalArgumentException(
          "a request id for product "
              + product
              + " with "
              + offers.size()
              + " offers would be "
              + chars
              + " characters, more than the limit of "
              + MAX_LENGTH
              + ": the product name's length plus "
              + OFFER_BYTES
              + " per offer must be at most "
              + MAX_PAYLOAD_BYTES
              + ", got "
              + payload);
    }
    long seconds = clock.instant().getEpochSecond();
    if (seconds < 0 || seconds > MAX_TIME) {
      throw new IllegalStateException("clock reads " + clock.instant() + ", out of range");
    }
    boolean withInstallation =
        installationId != null && payload + INSTALLATION_BYTES <= MAX_PAYLOAD_BYTES;
    byte[] token =
        new byte[FIXED_BYTES + payload + (withInstallation ? INSTALLATION_BYTES : 0)];
    token[0] = (byte) (withInstallation ? FORMAT_VERSION_INSTALLATION : FORMAT_VERSION);
    for (int i = 0; i < TIME_BYTES; i++) {
      token[1 + i] = (byte) (seconds >>> (8 * (TIME_BYTES - 1 - i)));
    }
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    System.arraycopy(nonce, 0, token, 1 + TIME_BYTES, NONCE_BYTES);
    token[PRODUCT_LENGTH_OFFSET] = (byte) name.length;
    System.arraycopy(name, 0, token, PRODUCT_LENGTH_OFFSET + 1, name.length);
    int headerLength = PRODUCT_LENGTH_OFFSET + 1 + name.length;
    token[headerLength] = (byte) offers.size();
    int at = headerLength + 1;
    for (AvailableUpdate offer : offers) {
      System.arraycopy(
          typeTag(token, headerLength, offer.updateType()), 0, token, at, TYPE_TAG_BYTES);
      System.arraycopy(
          offerTag(token, headerLength, offer.updateType(), offer.version()),
          0,
          token,
          at + TYPE_TAG_BYTES,
          OFFER_TAG_BYTES);
      at += OFFER_BYTES;
    }
    if (withInstallation) {
      Mac mac = keyed(installations);
      updateString(mac, installationId);
      System.arraycopy(mac.doFinal(), 0, token, at, INSTALLATION_BYTES);
      at += INSTALLATION_BYTES;
    }
    System.arraycopy(mac(token, at), 0, token, at, MAC_BYTES);
    return ENCODER.encodeToString(token);
  }

  /**
   * Verifies a request id issued under this key.
   *
   * @param requestId the id as a client sent it back
   * @return what the id says
   * @throws InvalidRequestIdException if the id is malformed, forged (or issued under another key),
   *     or expired
   */
  public RequestIdClaims verify(String requestId) {
    Objects.requireNonNull(requestId, "requestId == null");
    byte[] token = decode(requestId);
    if (token.length < FIXED_BYTES + 1) {
      throw malformed("it is " + requestId.length() + " characters, too short for a request id");
    }
    if (token[0] != FORMAT_VERSION && token[0] != FORMAT_VERSION_INSTALLATION) {
      throw malformed("unknown format version " + (token[0] & 0xff));
    }
    int installation = token[0] == FORMAT_VERSION_INSTALLATION ? INSTALLATION_BYTES : 0;
    int productLength = token[PRODUCT_LENGTH_OFFSET] & 0xff;
    int headerLength = PRODUCT_LENGTH_OFFSET + 1 + productLength;
    if (productLength == 0 || headerLength + 1 + installation + MAC_BYTES > token.length) {
      throw malformed("its product length does not fit its size");
    }
    int offers = token[headerLength] & 0xff;
    int expected = FIXED_BYTES + productLength + OFFER_BYTES * offers + installation;
    if (expected != token.length) {
      throw malformed("its size does not match the " + offers + " offers it declares");
    }
    int macAt = token.length - MAC_BYTES;
    byte[] actual = Arrays.copyOfRange(token, macAt, token.length);
    if (!MessageDigest.isEqual(actual, Arrays.copyOf(mac(token, macAt), MAC_BYTES))) {
      throw new InvalidRequestIdException(
          Kind.FORGED,
          "request_id was not issued by this server: its MAC does not match this server's key"
              + " (altered, forged, or issued under another key)");
    }
    String product =
        new String(token, PRODUCT_LENGTH_OFFSET + 1, productLength, StandardCharsets.US_ASCII);
    long seconds = 0;
    for (int i = 0; i < TIME_BYTES; i++) {
      seconds = (seconds << 8) | (token[1 + i] & 0xff);
    }
    Instant issuedAt = Instant.ofEpochSecond(seconds);
    Instant expiresAt = issuedAt.plus(retention);
    Instant now = clock.instant();
    if (now.isAfter(expiresAt)) {
      throw new InvalidRequestIdException(
          Kind.EXPIRED,
          "request_id expired at "
              + expiresAt
              + ": it was issued at "
              + issuedAt
              + " and request ids stay valid for "
              + retention);
    }
    String installationKey =
        installation == 0
            ? null
            : ENCODER.encodeToString(
                Arrays.copyOfRange(token, macAt - INSTALLATION_BYTES, macAt));
    return new RequestIdClaims(
        requestId, product, issuedAt, expiresAt, token, headerLength, installationKey, this);
  }

  private static byte[] decode(String requestId) {
    if (requestId.isEmpty()) {
      throw malformed("it is empty");
    }
    if (requestId.length() > Fields.MAX_REQUEST_ID_LENGTH) {
      throw malformed(
          "it is " + requestId.length() + " characters, more than " + Fields.MAX_REQUEST_ID_LENGTH);
    }
    for (int i = 0; i < requestId.length(); i++) {
      char c = requestId.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!ok) {
        throw malformed(
            "it holds "
                + Fields.quote(String.valueOf(c))
                + " at offset "
                + i
                + ", outside base64url");
      }
    }
    byte[] token;
    try {
      token = DECODER.decode(requestId);
    } catch (IllegalArgumentException e) {
      throw malformed("it is not valid base64url (" + e.getMessage() + ")");
    }
    // Base64 ignores the unused low bits of the last character; without this check two spellings
    // of one id would pass and defeat de-duplication by request id.
    if (!ENCODER.encodeToString(token).equals(requestId)) {
      throw malformed("it is not canonical base64url");
    }
    return token;
  }

  private static InvalidRequestIdException malformed(String why) {
    return new InvalidRequestIdException(Kind.MALFORMED, "request_id is malformed: " + why);
  }

  byte[] typeTag(byte[] token, int headerLength, String updateType) {
    Mac mac = keyed(tags);
    mac.update((byte) 1);
    mac.update(token, 0, headerLength);
    updateString(mac, updateType);
    return mac.doFinal();
  }

  /**
   * The tag of an offer, over the canonical text of its version so that every spelling of an equal
   * version ({@code 1.0}, {@code 1.0.0}) gives the same tag.
   *
   * @throws IllegalArgumentException if {@code version} is not a version
   */
  byte[] offerTag(byte[] token, int headerLength, String updateType, String version) {
    String canonical = Version.parse(version).canonical();
    Mac mac = keyed(tags);
    mac.update((byte) 2);
    mac.update(token, 0, headerLength);
    updateString(mac, updateType);
    updateString(mac, canonical);
    return mac.doFinal();
  }

  private byte[] mac(byte[] token, int length) {
    Mac mac = keyed(macs);
    mac.update(token, 0, length);
    return mac.doFinal();
  }

  private static Mac keyed(ThreadLocal<Mac> perThread) {
    Mac mac = perThread.get();
    mac.reset();
    return mac;
  }

  private static void updateString(Mac mac, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    mac.update((byte) (b.length >>> 8));
    mac.update((byte) b.length);
    mac.update(b);
  }

  private static byte[] derive(SecretKeySpec master, String label) {
    Mac mac = newMac(master);
    return mac.doFinal(label.getBytes(StandardCharsets.US_ASCII));
  }

  private static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      // Every Java SE platform must provide HmacSHA256.
      throw new IllegalStateException(HMAC + " is not available on this JVM", e);
    }
  }
}
