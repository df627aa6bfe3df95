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
 *
 * @param channels channel names ({@code release}, exact and case-sensitive), name prefixes
 *     ({@code beta*}) or {@code *}; empty for every channel
 * @param platforms platforms, compared case-insensitively; empty for every platform
 * @param locales language tags ({@code de}, {@code en-US}, case-insensitive), tag prefixes ({@code
 *     en-*} matches {@code en} and {@code en-GB}) or {@code *}; empty for every locale
 * @param archs CPU architectures, compared case-insensitively; a request that names no arch does
 *     not match a release that lists archs; empty for every arch
 * @param appVersion space-separated comparators on the application version that must all hold,
 *     such as {@code >=1.0 <2.0}, {@code =1.2}, {@code 1.2} or {@code 1.*}; null for every version
 * @param minOsVersion the lowest operating system version; a request that gives no {@code
 *     os_version} does not match; null for every operating system version
 */
public record Match(
    List<String> channels,
    List<String> platforms,
    List<String> locales,
    List<String> archs,
    String appVersion,
    String minOsVersion) {

  /** Matches every request. */
  public static final Match ANY = new Match(List.of(), List.of(), List.of(), List.of(), null, null);

  /**
   * Validates every component.
   *
   * @throws NullPointerException if a list or an element is null
   * @throws IllegalArgumentException naming the first invalid value and why, for example {@code
   *     app_version: comparator ">=" has no version; ...}
   */
  public Match {
    channels = List.copyOf(Objects.requireNonNull(channels, "channels == null"));
    platforms = List.copyOf(Objects.requireNonNull(platforms, "platforms == null"));
    locales = List.copyOf(Objects.requireNonNull(locales, "locales == null"));
    archs = List.copyOf(Objects.requireNonNull(archs, "archs == null"));
    Rules.match("", channels, platforms, locales, archs, appVersion, minOsVersion, Rules.THROW);
  }

  /** Returns {@link #ANY}. */
  public static Match any() {
    return ANY;
  }

  /** Returns a builder that restricts nothing until told to. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns true if this match restricts nothing. */
  public boolean isAny() {
    return channels.isEmpty()
        && platforms.isEmpty()
        && locales.isEmpty()
        && archs.isEmpty()
        && appVersion == null
        && minOsVersion == null;
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

    /** Restricts the channels: names, prefixes such as {@code beta*}, or {@code *}. */
    public Builder channels(String... channels) {
      this.channels = once("channels", this.channels, list("channels", channels));
      return this;
    }

    /** Restricts the platforms, compared case-insensitively. */
    public Builder platforms(String... platforms) {
      this.platforms = once("platforms", this.platforms, list("platforms", platforms));
      return this;
    }

    /** Restricts the locales: tags such as {@code de}, prefixes such as {@code en-*}, or *. */
    public Builder locales(String... locales) {
      this.locales = once("locales", this.locales, list("locales", locales));
      return this;
    }

    /** Restricts the CPU architectures, compared case-insensitively. */
    public Builder archs(String... archs) {
      this.archs = once("archs", this.archs, list("archs", archs));
      return this;
    }

    /** Restricts the application version, for example {@code >=1.0 <2.0}. */
    public Builder appVersion(String range) {
      Objects.requireNonNull(range, "range == null");
      this.appVersion = once("appVersion", this.appVersion, range);
      return this;
    }

    /** Restricts the operating system version to this one or newer. */
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
