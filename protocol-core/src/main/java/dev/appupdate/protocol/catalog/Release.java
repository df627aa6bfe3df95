package dev.appupdate.protocol.catalog;

import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Version;
import java.util.List;
import java.util.Objects;

/**
 * One release of a catalog: bytes a server may offer as an update of one type of one product.
 *
 * <pre>{@code
 * Release release = Release.builder("your_app", "my_important_data", "1.0",
 *         "files/important_data_v1.json", HashFunction.SHA512, sha512Hex, 1234)
 *     .rolloutPercent(25)
 *     .match(Match.builder().channels("beta*").build())
 *     .build();
 * }</pre>
 *
 * @param product the product, for example {@code your_app}
 * @param updateType what is updated, for example {@code my_important_data}
 * @param version the release's version (a {@link Version} text), as written in the catalog
 * @param url where the bytes are, as written in the catalog: an absolute http or https URL valid
 *     as an offer's URL (printable ASCII, a DNS name or IP address as host, no user information),
 *     or a relative reference of printable ASCII (no scheme, no {@code //host}) that a {@link
 *     Matcher} resolves against the server's public base URL
 * @param hashFunction the hash function of {@code hashValue}
 * @param hashValue the digest of the bytes, lower-case hex of the function's length
 * @param size the exact size of the bytes
 * @param mirrors more URLs for the same bytes, same rules as {@code url}; may be empty
 * @param critical whether the update is marked critical
 * @param rolloutPercent the share of installations offered this release, 0 to 100 with at most 6
 *     digits after the decimal point (the double nearest such a decimal, such as {@code 12.5} or
 *     {@code 0.000001}), so that admission can be decided exactly on the decimal value
 * @param paused whether the release is withheld from everyone
 * @param match which requests the release is offered to; {@link Match#ANY} for all
 */
public record Release(
    String product,
    String updateType,
    String version,
    String url,
    HashFunction hashFunction,
    String hashValue,
    long size,
    List<String> mirrors,
    boolean critical,
    double rolloutPercent,
    boolean paused,
    Match match) {

  /** The rollout share of a release that does not give one: everyone. */
  public static final double FULL_ROLLOUT = 100;

  /**
   * Validates every component.
   *
   * @throws NullPointerException if a component or a mirror is null
   * @throws IllegalArgumentException naming the first invalid component and why, for example
   *     {@code hash_value: must be 128 lower-case hex digits for sha512, got 6 characters}
   */
  public Release {
    Objects.requireNonNull(product, "product == null");
    Objects.requireNonNull(updateType, "updateType == null");
    Objects.requireNonNull(version, "version == null");
    Objects.requireNonNull(url, "url == null");
    Objects.requireNonNull(hashFunction, "hashFunction == null");
    Objects.requireNonNull(hashValue, "hashValue == null");
    mirrors = List.copyOf(Objects.requireNonNull(mirrors, "mirrors == null"));
    Objects.requireNonNull(match, "match == null");
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
  }

  /**
   * Returns a builder with the required values set; the rest default to no mirrors, not
   * critical, a full rollout, not paused, and {@link Match#ANY}.
   */
  public static Builder builder(
      String product,
      String updateType,
      String version,
      String url,
      HashFunction hashFunction,
      String hashValue,
      long size) {
    return new Builder(product, updateType, version, url, hashFunction, hashValue, size);
  }

  /** Returns {@link #version()} parsed. */
  public Version parsedVersion() {
    return Version.parse(version);
  }

  /** Builds a {@link Release}; validation happens in {@link #build()}. Each setter may run once. */
  public static final class Builder {
    private final String product;
    private final String updateType;
    private final String version;
    private final String url;
    private final HashFunction hashFunction;
    private final String hashValue;
    private final long size;
    private List<String> mirrors;
    private Boolean critical;
    private Double rolloutPercent;
    private Boolean paused;
    private Match match;

    private Builder(
        String product,
        String updateType,
        String version,
        String url,
        HashFunction hashFunction,
        String hashValue,
        long size) {
      this.product = product;
      this.updateType = updateType;
      this.version = version;
      this.url = url;
      this.hashFunction = hashFunction;
      this.hashValue = hashValue;
      this.size = size;
    }

    /** Sets more URLs for the same bytes, tried in order after the url. */
    public Builder mirrors(String... mirrors) {
      this.mirrors = once("mirrors", this.mirrors, List.of(mirrors));
      return this;
    }

    /** Marks the release critical, or not. */
    public Builder critical(boolean critical) {
      this.critical = once("critical", this.critical, critical);
      return this;
    }

    /**
     * Sets the share of installations offered this release, 0 to 100 with at most 6 digits after
     * the decimal point.
     */
    public Builder rolloutPercent(double rolloutPercent) {
      this.rolloutPercent = once("rolloutPercent", this.rolloutPercent, rolloutPercent);
      return this;
    }

    /** Withholds the release from everyone, or not. */
    public Builder paused(boolean paused) {
      this.paused = once("paused", this.paused, paused);
      return this;
    }

    /** Restricts which requests the release is offered to. */
    public Builder match(Match match) {
      this.match = once("match", this.match, Objects.requireNonNull(match, "match == null"));
      return this;
    }

    private static <T> T once(String name, T old, T value) {
      if (old != null) {
        throw new IllegalStateException(name + " already set to " + old);
      }
      return value;
    }

    /**
     * Builds the release.
     *
     * @throws IllegalArgumentException naming the first invalid value
     */
    public Release build() {
      return new Release(
          product,
          updateType,
          version,
          url,
          hashFunction,
          hashValue,
          size,
          mirrors == null ? List.of() : mirrors,
          critical != null && critical,
          rolloutPercent == null ? FULL_ROLLOUT : rolloutPercent,
          paused != null && paused,
          match == null ? Match.ANY : match);
    }
  }
}
