package dev.appupdate.protocol;

import static dev.appupdate.protocol.internal.Fields.require;

import dev.appupdate.protocol.internal.Fields;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An update check, the body of {@code POST /v1/update}.
 *
 * <pre>{@code
 * UpdateRequest request = UpdateRequest.builder("your_app", "1.0", "macOS", "en-US")
 *     .channel("beta")
 *     .installationId("3f1c0a9e-...")
 *     .installed("blocklist", "1.0")
 *     .build();
 * }</pre>
 *
 * @param product the product asking, for example {@code your_app}
 * @param version the installed application version (a {@link Version} text)
 * @param platform the platform, for example {@code macOS}, {@code Windows}, {@code Linux}
 * @param locale a BCP 47 language tag, for example {@code en-US}
 * @param channel the update channel; {@value #DEFAULT_CHANNEL} when not given
 * @param arch the CPU architecture, or null when not given
 * @param osVersion the operating system version (a {@link Version} text), or null
 * @param installationId a stable, random per-install id used only for rollout bucketing, or null
 * @param installed update_type to the version the client already has; empty when not given
 */
public record UpdateRequest(
    String product,
    String version,
    String platform,
    String locale,
    String channel,
    String arch,
    String osVersion,
    String installationId,
    Map<String, String> installed) {

  /** The channel of a request that names none. */
  public static final String DEFAULT_CHANNEL = "release";

  /**
   * Validates every component.
   *
   * @throws NullPointerException if a required component is null
   * @throws IllegalArgumentException naming the first invalid component and why
   */
  public UpdateRequest {
    Objects.requireNonNull(product, "product == null");
    Objects.requireNonNull(version, "version == null");
    Objects.requireNonNull(platform, "platform == null");
    Objects.requireNonNull(locale, "locale == null");
    Objects.requireNonNull(channel, "channel == null");
    Objects.requireNonNull(installed, "installed == null");
    require("product", Fields.name(product));
    require("version", Fields.version(version));
    require("platform", Fields.text(platform, Fields.MAX_NAME_LENGTH));
    require("locale", Fields.locale(locale));
    require("channel", Fields.name(channel));
    if (arch != null) {
      require("arch", Fields.text(arch, Fields.MAX_NAME_LENGTH));
    }
    if (osVersion != null) {
      require("os_version", Fields.version(osVersion));
    }
    if (installationId != null) {
      require("installation_id", Fields.name(installationId));
    }
    Map<String, String> copy = new LinkedHashMap<>();
    installed.forEach(
        (type, v) -> {
          Objects.requireNonNull(type, "installed key == null");
          // Field names and messages are built only on failure: this runs for every request.
          if (v == null) {
            throw new NullPointerException("installed[" + type + "] == null");
          }
          String keyProblem = Fields.name(type);
          if (keyProblem != null) {
            require("installed key " + Fields.quote(type), keyProblem);
          }
          String versionProblem = Fields.version(v);
          if (versionProblem != null) {
            require("installed." + type, versionProblem);
          }
          copy.put(type, v);
        });
    installed = Collections.unmodifiableMap(copy);
  }

  /** Returns a request with only the four required fields, on the default channel. */
  public static UpdateRequest of(String product, String version, String platform, String locale) {
    return builder(product, version, platform, locale).build();
  }

  /** Returns a builder with the four required fields set. */
  public static Builder builder(String product, String version, String platform, String locale) {
    return new Builder(product, version, platform, locale);
  }

  /** Returns a builder holding this request's values. */
  public Builder toBuilder() {
    Builder b = new Builder(product, version, platform, locale);
    b.channel = channel;
    b.arch = arch;
    b.osVersion = osVersion;
    b.installationId = installationId;
    b.installed.putAll(installed);
    return b;
  }

  /** Returns {@link #version()} parsed. */
  public Version parsedVersion() {
    return Version.parse(version);
  }

  /**
   * Builds an {@link UpdateRequest}; validation happens in {@link #build()}. Each setter may run
   * once: a second call is a mistake that would silently drop the first value, so it throws
   * {@link IllegalStateException}. A builder from {@link UpdateRequest#toBuilder()} starts with the
   * request's values, and each may still be set once.
   */
  public static final class Builder {
    private final String product;
    private final String version;
    private final String platform;
    private final String locale;
    private String channel = DEFAULT_CHANNEL;
    private String arch;
    private String osVersion;
    private String installationId;
    private final Map<String, String> installed = new LinkedHashMap<>();
    // Which setters have run, apart from the values: null is a value too ("not given").
    private boolean channelSet;
    private boolean archSet;
    private boolean osVersionSet;
    private boolean installationIdSet;

    private Builder(String product, String version, String platform, String locale) {
      this.product = product;
      this.version = version;
      this.platform = platform;
      this.locale = locale;
    }

    /**
     * Sets the channel; {@value UpdateRequest#DEFAULT_CHANNEL} by default.
     *
     * @throws IllegalStateException if the channel was already set
     */
    public Builder channel(String channel) {
      Objects.requireNonNull(channel, "channel == null");
      requireUnset("channel", channelSet, this.channel);
      channelSet = true;
      this.channel = channel;
      return this;
    }

    /**
     * Sets the CPU architecture, for example {@code x86_64}; null leaves it out.
     *
     * @throws IllegalStateException if the architecture was already set
     */
    public Builder arch(String arch) {
      requireUnset("arch", archSet, this.arch);
      archSet = true;
      this.arch = arch;
      return this;
    }

    /**
     * Sets the operating system version; null leaves it out.
     *
     * @throws IllegalStateException if the operating system version was already set
     */
    public Builder osVersion(String osVersion) {
      requireUnset("osVersion", osVersionSet, this.osVersion);
      osVersionSet = true;
      this.osVersion = osVersion;
      return this;
    }

    /**
     * Sets the installation id used for rollout bucketing; null leaves it out.
     *
     * @throws IllegalStateException if the installation id was already set
     */
    public Builder installationId(String installationId) {
      requireUnset("installationId", installationIdSet, this.installationId);
      installationIdSet = true;
      this.installationId = installationId;
      return this;
    }

    private static void requireUnset(String name, boolean set, String old) {
      if (set) {
        throw new IllegalStateException(name + " already set to " + old);
      }
    }

    /**
     * Records that the client already has {@code version} of {@code updateType}.
     *
     * @throws IllegalArgumentException if {@code updateType} was already given
     */
    public Builder installed(String updateType, String version) {
      Objects.requireNonNull(updateType, "updateType == null");
      Objects.requireNonNull(version, "version == null");
      if (installed.containsKey(updateType)) {
        throw new IllegalArgumentException(
            "installed version of " + updateType + " already set to " + installed.get(updateType));
      }
      installed.put(updateType, version);
      return this;
    }

    /** Builds the request, validating every field. */
    public UpdateRequest build() {
      return new UpdateRequest(
          product, version, platform, locale, channel, arch, osVersion, installationId, installed);
    }
  }
}
