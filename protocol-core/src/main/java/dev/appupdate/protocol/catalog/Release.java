package dev.appupdate.protocol.catalog;

import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.ReleaseSignature;
import dev.appupdate.protocol.Version;
import dev.appupdate.protocol.internal.Fields;
import java.util.List;
import java.util.Objects;

/**
 * One release of a catalog: bytes a server may offer as an update of one type of one product.
 * Immutable; built with {@link #builder()}.
 *
 * <pre>{@code
 * Release release = Release.builder()
 *     .product("your_app")
 *     .updateType("my_important_data")
 *     .version("1.0")
 *     .url("files/important_data_v1.json")
 *     .hashFunction(HashFunction.SHA512)
 *     .hashValue(sha512Hex)
 *     .size(1234)
 *     .rolloutPercent(25)
 *     .match(Match.builder().channels("beta*").build())
 *     .build();
 * }</pre>
 */
public final class Release {

  /** The rollout share of a release that does not give one: everyone. */
  public static final double FULL_ROLLOUT = 100;

  private final String product;
  private final String updateType;
  private final String version;
  private final String url;
  private final HashFunction hashFunction;
  private final String hashValue;
  private final long size;
  private final List<String> mirrors;
  private final boolean critical;
  private final double rolloutPercent;
  private final boolean paused;
  private final HaltThreshold halt;
  private final Match match;
  private final List<ReleaseSignature> signatures;
  private final List<ReleasePatch> patches;

  private Release(Builder b) {
    this.product = required(b.product, "product");
    this.updateType = required(b.updateType, "updateType");
    this.version = required(b.version, "version");
    this.url = required(b.url, "url");
    this.hashFunction = required(b.hashFunction, "hashFunction");
    this.hashValue = required(b.hashValue, "hashValue");
    this.size = required(b.size, "size");
    this.mirrors = b.mirrors == null ? List.of() : b.mirrors;
    this.critical = b.critical != null && b.critical;
    this.rolloutPercent = b.rolloutPercent == null ? FULL_ROLLOUT : b.rolloutPercent;
    this.paused = b.paused != null && b.paused;
    this.halt = b.halt;
    this.match = b.match == null ? Match.ANY : b.match;
    this.signatures = b.signatures == null ? List.of() : b.signatures;
    this.patches = b.patches == null ? List.of() : b.patches;
    Rules.release(
        product,
        updateType,
        version,
        url,
        hashFunction,
        hashValue,
        size,
        mirrors,
        rolloutPercent,
        Rules.THROW);
    Fields.requireDistinctKeyIds(signatures);
    Rules.patches(version, patches, Rules.THROW);
  }

  private static <T> T required(T value, String name) {
    if (value == null) {
      throw new IllegalStateException(name + " is required");
    }
    return value;
  }

  /**
   * Returns a builder with nothing set. Product, update type, version, url, hash function, hash
   * value and size are required; the rest default to no mirrors, not critical, a full rollout, not
   * paused, no halt threshold, {@link Match#ANY}, no signatures and no patches.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this release's values, each of which may be set once more.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.product = product;
    b.updateType = updateType;
    b.version = version;
    b.url = url;
    b.hashFunction = hashFunction;
    b.hashValue = hashValue;
    b.size = size;
    b.mirrors = mirrors;
    b.critical = critical;
    b.rolloutPercent = rolloutPercent;
    b.paused = paused;
    b.halt = halt;
    b.match = match;
    b.signatures = signatures;
    b.patches = patches;
    return b;
  }

  /**
   * Returns the product.
   *
   * @return a name, for example {@code your_app}
   */
  public String product() {
    return product;
  }

  /**
   * Returns what is updated.
   *
   * @return the update type, for example {@code my_important_data}
   */
  public String updateType() {
    return updateType;
  }

  /**
   * Returns the release's version.
   *
   * @return the {@link Version} text, as written in the catalog
   */
  public String version() {
    return version;
  }

  /**
   * Returns where the bytes are, as written in the catalog: an absolute http or https URL valid as
   * an offer's URL (printable ASCII, a DNS name or IP address as host, no user information), or a
   * relative reference of printable ASCII (no scheme, no {@code //host}) that a {@link Matcher}
   * resolves against the server's public base URL.
   *
   * @return the URL or relative reference
   */
  public String url() {
    return url;
  }

  /**
   * Returns the hash function of {@link #hashValue()}.
   *
   * @return the function
   */
  public HashFunction hashFunction() {
    return hashFunction;
  }

  /**
   * Returns the digest of the bytes.
   *
   * @return lower-case hex of the function's length
   */
  public String hashValue() {
    return hashValue;
  }

  /**
   * Returns the exact size of the bytes.
   *
   * @return the size in bytes
   */
  public long size() {
    return size;
  }

  /**
   * Returns more URLs for the same bytes, same rules as {@link #url()}.
   *
   * @return the mirrors; may be empty
   */
  public List<String> mirrors() {
    return mirrors;
  }

  /**
   * Returns whether the update is marked critical.
   *
   * @return true when critical
   */
  public boolean critical() {
    return critical;
  }

  /**
   * Returns the share of installations offered this release: 0 to 100 with at most 6 digits after
   * the decimal point (the double nearest such a decimal, such as {@code 12.5} or {@code
   * 0.000001}), so that admission can be decided exactly on the decimal value.
   *
   * @return the rollout percent
   */
  public double rolloutPercent() {
    return rolloutPercent;
  }

  /**
   * Returns whether the release is withheld from everyone.
   *
   * @return true when paused
   */
  public boolean paused() {
    return paused;
  }

  /**
   * Returns when a server stops offering the release on its own, if ever.
   *
   * @return the threshold, or null when the release declares none
   */
  public HaltThreshold halt() {
    return halt;
  }

  /**
   * Returns which requests the release is offered to.
   *
   * @return the match; {@link Match#ANY} for all
   */
  public Match match() {
    return match;
  }

  /**
   * Returns the release's offline signatures: Ed25519 over its canonical bytes (product, update
   * type, version, hash function, hash value and size; docs/PROTOCOL.md, "Signatures"), made with
   * {@code dev.appupdate.protocol.signature.ReleaseSignatures}. A server passes them into its
   * offers unchanged.
   *
   * @return the signatures, at most one per key id; may be empty
   */
  public List<ReleaseSignature> signatures() {
    return signatures;
  }

  /**
   * Returns the patches that rebuild this release from earlier releases of the same product and
   * update type.
   *
   * @return the patches, at most one per {@code from} version and format; may be empty
   */
  public List<ReleasePatch> patches() {
    return patches;
  }

  /**
   * Returns {@link #version()} parsed.
   *
   * @return the version
   */
  public Version parsedVersion() {
    return Version.parse(version);
  }

  /**
   * Returns true for a release with the same values.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal release
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Release)) {
      return false;
    }
    Release other = (Release) o;
    return size == other.size
        && critical == other.critical
        && Double.compare(rolloutPercent, other.rolloutPercent) == 0
        && paused == other.paused
        && Objects.equals(halt, other.halt)
        && product.equals(other.product)
        && updateType.equals(other.updateType)
        && version.equals(other.version)
        && url.equals(other.url)
        && hashFunction == other.hashFunction
        && hashValue.equals(other.hashValue)
        && mirrors.equals(other.mirrors)
        && match.equals(other.match)
        && signatures.equals(other.signatures)
        && patches.equals(other.patches);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        product,
        updateType,
        version,
        url,
        hashFunction,
        hashValue,
        size,
        mirrors,
        critical,
        rolloutPercent,
        paused,
        halt,
        match,
        signatures,
        patches);
  }

  /** Returns the values for debugging. */
  @Override
  public String toString() {
    return "Release[" + product + " " + updateType + " " + version + ", " + url + ", "
        + hashFunction + " " + hashValue + ", " + size + " bytes"
        + (mirrors.isEmpty() ? "" : ", mirrors " + mirrors)
        + (critical ? ", critical" : "")
        + (rolloutPercent < FULL_ROLLOUT ? ", rollout " + Rules.formatPercent(rolloutPercent) : "")
        + (paused ? ", paused" : "")
        + (halt == null ? "" : ", " + halt)
        + (match.isAny() ? "" : ", " + match)
        + (signatures.isEmpty() ? "" : ", signed by " + keyIds())
        + (patches.isEmpty() ? "" : ", patches " + patches) + "]";
  }

  private String keyIds() {
    StringBuilder sb = new StringBuilder();
    for (ReleaseSignature s : signatures) {
      sb.append(sb.length() == 0 ? "" : " ").append(s.keyId());
    }
    return sb.toString();
  }

  /**
   * Builds a {@link Release}; validation happens in {@link #build()}. Each setter may run once: a
   * second call would silently drop the first value, so it throws {@link IllegalStateException}.
   */
  public static final class Builder {
    private String product;
    private String updateType;
    private String version;
    private String url;
    private HashFunction hashFunction;
    private String hashValue;
    private Long size;
    private List<String> mirrors;
    private Boolean critical;
    private Double rolloutPercent;
    private Boolean paused;
    private HaltThreshold halt;
    private Match match;
    private List<ReleaseSignature> signatures;
    private List<ReleasePatch> patches;
    private int set;

    private Builder() {}

    /**
     * Sets the product. Required.
     *
     * @param product a name, for example {@code your_app}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder product(String product) {
      this.product = once(1, "product", this.product, product);
      return this;
    }

    /**
     * Sets what is updated. Required.
     *
     * @param updateType a name, for example {@code my_important_data}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder updateType(String updateType) {
      this.updateType = once(1 << 1, "updateType", this.updateType, updateType);
      return this;
    }

    /**
     * Sets the release's version. Required.
     *
     * @param version a version text, for example {@code 1.0}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder version(String version) {
      this.version = once(1 << 2, "version", this.version, version);
      return this;
    }

    /**
     * Sets where the bytes are. Required.
     *
     * @param url an absolute http or https URL, or a relative reference resolved against the
     *     server's public base URL
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder url(String url) {
      this.url = once(1 << 3, "url", this.url, url);
      return this;
    }

    /**
     * Sets the hash function of the digest. Required.
     *
     * @param hashFunction the function
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder hashFunction(HashFunction hashFunction) {
      this.hashFunction = once(1 << 4, "hashFunction", this.hashFunction, hashFunction);
      return this;
    }

    /**
     * Sets the digest of the bytes. Required.
     *
     * @param hashValue lower-case hex of the hash function's length
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder hashValue(String hashValue) {
      this.hashValue = once(1 << 5, "hashValue", this.hashValue, hashValue);
      return this;
    }

    /**
     * Sets the exact size of the bytes. Required.
     *
     * @param size the size in bytes, not negative
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder size(long size) {
      this.size = once(1 << 6, "size", this.size, size);
      return this;
    }

    /**
     * Sets more URLs for the same bytes, tried in order after the url; none by default.
     *
     * @param mirrors URLs or relative references, same rules as the url
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder mirrors(String... mirrors) {
      return mirrors(List.of(mirrors));
    }

    /**
     * Sets more URLs for the same bytes, tried in order after the url; none by default.
     *
     * @param mirrors URLs or relative references, same rules as the url; copied
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder mirrors(List<String> mirrors) {
      this.mirrors = once(1 << 7, "mirrors", this.mirrors, List.copyOf(mirrors));
      return this;
    }

    /**
     * Marks the release critical, or not; not critical by default.
     *
     * @param critical whether the update is critical
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder critical(boolean critical) {
      this.critical = once(1 << 8, "critical", this.critical, critical);
      return this;
    }

    /**
     * Sets the share of installations offered this release; 100 by default.
     *
     * @param rolloutPercent 0 to 100 with at most 6 digits after the decimal point
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder rolloutPercent(double rolloutPercent) {
      this.rolloutPercent = once(1 << 9, "rolloutPercent", this.rolloutPercent, rolloutPercent);
      return this;
    }

    /**
     * Withholds the release from everyone, or not; not paused by default.
     *
     * @param paused whether the release is paused
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder paused(boolean paused) {
      this.paused = once(1 << 10, "paused", this.paused, paused);
      return this;
    }

    /**
     * Sets when a server stops offering the release on its own; none by default.
     *
     * @param halt the threshold
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder halt(HaltThreshold halt) {
      this.halt = once(1 << 14, "halt", this.halt, halt);
      return this;
    }

    /**
     * Restricts which requests the release is offered to; {@link Match#ANY} by default.
     *
     * @param match the match
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder match(Match match) {
      this.match = once(1 << 11, "match", this.match, match);
      return this;
    }

    /**
     * Sets the release's offline signatures; none by default. {@code
     * dev.appupdate.protocol.signature.ReleaseSignatures#sign} makes one.
     *
     * @param signatures the signatures, at most one per key id; copied
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder signatures(List<ReleaseSignature> signatures) {
      this.signatures = once(1 << 12, "signatures", this.signatures, List.copyOf(signatures));
      return this;
    }

    /**
     * Sets the patches that rebuild this release from earlier releases; none by default. Each
     * {@code from} must name a lower version, which the catalog must hold for the same product
     * and update type, with the patch's hash function.
     *
     * @param patches the patches, at most one per {@code from} version and format; copied
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder patches(List<ReleasePatch> patches) {
      this.patches = once(1 << 15, "patches", this.patches, List.copyOf(patches));
      return this;
    }

    private <T> T once(int bit, String name, T old, T value) {
      if (value == null) {
        // Not requireNonNull(value, name + " == null"): that builds the message on every call.
        throw new NullPointerException(name + " == null");
      }
      if ((set & bit) != 0) {
        throw new IllegalStateException(name + " already set to " + old);
      }
      set |= bit;
      return value;
    }

    /**
     * Builds the release, validating every value.
     *
     * @return the release
     * @throws IllegalStateException if a required value is not set
     * @throws IllegalArgumentException naming the first invalid value and why, for example {@code
     *     hash_value: must be 128 lower-case hex digits for sha512, got 6 characters}
     */
    public Release build() {
      return new Release(this);
    }
  }
}
