package dev.appupdate.protocol.catalog;

import java.util.List;
import java.util.Objects;

/**
 * Which requests a release is offered to: the {@code match} object of a catalog release. Every
 * restriction must hold; an empty list or a null string restricts nothing, so {@link #ANY}
 * matches every request. docs/CATALOG.md defines each key precisely.
 *
 * <pre>{@code
 * Match betaMacs = Match.builder()
 *     .channels("beta*")
 *     .platforms("macOS")
 *     .appVersion(">=1.0 <2.0")
 *     .build();
 * }</pre>
 */
public final class Match {

  /** Matches every request. */
  public static final Match ANY = new Match(List.of(), List.of(), List.of(), List.of(), null, null);

  private final List<String> channels;
  private final List<String> platforms;
  private final List<String> locales;
  private final List<String> archs;
  private final String appVersion;
  private final String minOsVersion;

  /**
   * Validates every value; the catalog reader builds matches here, applications with {@link
   * #builder()}.
   *
   * @throws NullPointerException if a list or an element is null
   * @throws IllegalArgumentException naming the first invalid value and why, for example {@code
   *     app_version: comparator ">=" has no version; ...}
   */
  Match(
      List<String> channels,
      List<String> platforms,
      List<String> locales,
      List<String> archs,
      String appVersion,
      String minOsVersion) {
    this.channels = List.copyOf(Objects.requireNonNull(channels, "channels == null"));
    this.platforms = List.copyOf(Objects.requireNonNull(platforms, "platforms == null"));
    this.locales = List.copyOf(Objects.requireNonNull(locales, "locales == null"));
    this.archs = List.copyOf(Objects.requireNonNull(archs, "archs == null"));
    this.appVersion = appVersion;
    this.minOsVersion = minOsVersion;
    Rules.match(
        "",
        this.channels,
        this.platforms,
        this.locales,
        this.archs,
        appVersion,
        minOsVersion,
        Rules.THROW);
  }

  /**
   * Returns the channels matched.
   *
   * @return channel names ({@code release}, exact and case-sensitive), name prefixes ({@code
   *     beta*}) or {@code *}; empty for every channel
   */
  public List<String> channels() {
    return channels;
  }

  /**
   * Returns the platforms matched.
   *
   * @return platforms, compared case-insensitively; empty for every platform
   */
  public List<String> platforms() {
    return platforms;
  }

  /**
   * Returns the locales matched.
   *
   * @return language tags ({@code de}, {@code en-US}, case-insensitive), tag prefixes ({@code
   *     en-*} matches {@code en} and {@code en-GB}) or {@code *}; empty for every locale
   */
  public List<String> locales() {
    return locales;
  }

  /**
   * Returns the CPU architectures matched; a request that names no arch does not match a release
   * that lists archs.
   *
   * @return architectures, compared case-insensitively; empty for every arch
   */
  public List<String> archs() {
    return archs;
  }

  /**
   * Returns the application versions matched.
   *
   * @return space-separated comparators that must all hold, such as {@code >=1.0 <2.0}, {@code
   *     =1.2}, {@code 1.2} or {@code 1.*}; null for every version
   */
  public String appVersion() {
    return appVersion;
  }

  /**
   * Returns the lowest operating system version matched; a request that gives no {@code
   * os_version} does not match.
   *
   * @return the version; null for every operating system version
   */
  public String minOsVersion() {
    return minOsVersion;
  }

  /**
   * Returns {@link #ANY}.
   *
   * @return the match of every request
   */
  public static Match any() {
    return ANY;
  }

  /**
   * Returns a builder that restricts nothing until told to.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns true if this match restricts nothing.
   *
   * @return whether every request matches
   */
  public boolean isAny() {
    return channels.isEmpty()
        && platforms.isEmpty()
        && locales.isEmpty()
        && archs.isEmpty()
        && appVersion == null
        && minOsVersion == null;
  }

  /**
   * Returns true for a match with the same restrictions.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal match
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Match)) {
      return false;
    }
    Match other = (Match) o;
    return channels.equals(other.channels)
        && platforms.equals(other.platforms)
        && locales.equals(other.locales)
        && archs.equals(other.archs)
        && Objects.equals(appVersion, other.appVersion)
        && Objects.equals(minOsVersion, other.minOsVersion);
  }

  @Override
  public int hashCode() {
    return Objects.hash(channels, platforms, locales, archs, appVersion, minOsVersion);
  }

  /** Returns the restrictions for debugging. */
  @Override
  public String toString() {
    return "Match[channels=" + channels + ", platforms=" + platforms + ", locales=" + locales
        + ", archs=" + archs + ", appVersion=" + appVersion + ", minOsVersion=" + minOsVersion
        + "]";
  }

  /** Builds a {@link Match}; validation happens in {@link #build()}. Each setter may run once. */
  public static final class Builder {
    private List<String> channels;
    private List<String> platforms;
    private List<String> locales;
    private List<String> archs;
    private String appVersion;
    private String minOsVersion;

    private Builder() {}

    /**
     * Restricts the channels: names, prefixes such as {@code beta*}, or {@code *}.
     *
     * @param channels at least one pattern
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder channels(String... channels) {
      this.channels = once("channels", this.channels, list("channels", channels));
      return this;
    }

    /**
     * Restricts the platforms, compared case-insensitively.
     *
     * @param platforms at least one platform
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder platforms(String... platforms) {
      this.platforms = once("platforms", this.platforms, list("platforms", platforms));
      return this;
    }

    /**
     * Restricts the locales: tags such as {@code de}, prefixes such as {@code en-*}, or *.
     *
     * @param locales at least one pattern
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder locales(String... locales) {
      this.locales = once("locales", this.locales, list("locales", locales));
      return this;
    }

    /**
     * Restricts the CPU architectures, compared case-insensitively.
     *
     * @param archs at least one architecture
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder archs(String... archs) {
      this.archs = once("archs", this.archs, list("archs", archs));
      return this;
    }

    /**
     * Restricts the application version, for example {@code >=1.0 <2.0}.
     *
     * @param range space-separated comparators
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder appVersion(String range) {
      Objects.requireNonNull(range, "range == null");
      this.appVersion = once("appVersion", this.appVersion, range);
      return this;
    }

    /**
     * Restricts the operating system version to this one or newer.
     *
     * @param version the lowest version
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder minOsVersion(String version) {
      Objects.requireNonNull(version, "version == null");
      this.minOsVersion = once("minOsVersion", this.minOsVersion, version);
      return this;
    }

    private static List<String> list(String name, String[] values) {
      if (values.length == 0) {
        throw new IllegalArgumentException(
            name + ": given no values; leave it unset to match everything");
      }
      return List.of(values);
    }

    private static <T> T once(String name, T old, T value) {
      if (old != null) {
        throw new IllegalStateException(name + " already set to " + old);
      }
      return value;
    }

    /**
     * Builds the match.
     *
     * @return the match
     * @throws IllegalArgumentException naming the first invalid value
     */
    public Match build() {
      return new Match(
          channels == null ? List.of() : channels,
          platforms == null ? List.of() : platforms,
          locales == null ? List.of() : locales,
          archs == null ? List.of() : archs,
          appVersion,
          minOsVersion);
    }
  }
}
