package dev.appupdate.protocol;

import static dev.appupdate.protocol.internal.Fields.require;

import dev.appupdate.protocol.internal.Fields;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An update check, the body of {@code POST /v1/update}. Immutable; built with {@link #builder}.
 *
 * <pre>{@code
 * UpdateRequest request = UpdateRequest.builder("your_app", "1.0", "macOS", "en-US")
 *     .channel("beta")
 *     .installationId("3f1c0a9e-...")
 *     .installed("blocklist", "1.0")
 *     .build();
 * }</pre>
 */
public final class UpdateRequest {

  /** The channel of a request that names none. */
  public static final String DEFAULT_CHANNEL = "release";

  private final String product;
  private final String version;
  private final String platform;
  private final String locale;
  private final String channel;
  private final String arch;
  private final String osVersion;
  private final String installationId;
  private final Map<String, String> installed;
  private final List<String> patchFormats;

  private UpdateRequest(Builder b) {
    this.product = Objects.requireNonNull(b.product, "product == null");
    this.version = Objects.requireNonNull(b.version, "version == null");
    this.platform = Objects.requireNonNull(b.platform, "platform == null");
    this.locale = Objects.requireNonNull(b.locale, "locale == null");
    this.channel = b.channel;
    this.arch = b.arch;
    this.osVersion = b.osVersion;
    this.installationId = b.installationId;
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
    b.installed.forEach(
        (type, v) -> {
          // Field names and messages are built only on failure: this runs for every request.
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
    this.installed = Collections.unmodifiableMap(copy);
    this.patchFormats = b.patchFormats;
    for (int i = 0; i < patchFormats.size(); i++) {
      require("patch_formats[" + i + "]", Fields.name(patchFormats.get(i)));
      if (patchFormats.indexOf(patchFormats.get(i)) != i) {
        require("patch_formats[" + i + "]", "repeats " + Fields.quote(patchFormats.get(i)));
      }
    }
  }

  /**
   * Returns a request with only the four required fields, on the default channel.
   *
   * @param product the product asking, a name such as {@code your_app}
   * @param version the installed application version
   * @param platform the platform, for example {@code macOS}
   * @param locale a BCP 47 language tag, for example {@code en-US}
   * @return the request
   * @throws IllegalArgumentException naming the first invalid value and why
   */
  public static UpdateRequest of(String product, String version, String platform, String locale) {
    return builder(product, version, platform, locale).build();
  }

  /**
   * Returns a builder with the four required fields set; they are validated by {@link
   * Builder#build()}.
   *
   * @param product the product asking, a name such as {@code your_app}
   * @param version the installed application version
   * @param platform the platform, for example {@code macOS}
   * @param locale a BCP 47 language tag, for example {@code en-US}
   * @return the builder
   */
  public static Builder builder(String product, String version, String platform, String locale) {
    return new Builder(product, version, platform, locale);
  }

  /**
   * Returns a builder holding this request's values. Each optional value ({@code channel}, {@code
   * arch}, {@code osVersion}, {@code installationId}, {@code patchFormats}) may be set once more,
   * replacing this request's; {@link Builder#installed} adds update types, and throws for one this request
   * already lists (build a new request to change an installed version).
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(product, version, platform, locale);
    b.channel = channel;
    b.arch = arch;
    b.osVersion = osVersion;
    b.installationId = installationId;
    b.installed.putAll(installed);
    b.patchFormats = patchFormats;
    return b;
  }

  /**
   * Returns the product asking.
   *
   * @return a name, for example {@code your_app}
   */
  public String product() {
    return product;
  }

  /**
   * Returns the installed application version.
   *
   * @return a {@link Version} text
   */
  public String version() {
    return version;
  }

  /**
   * Returns the platform.
   *
   * @return for example {@code macOS}, {@code Windows}, {@code Linux}
   */
  public String platform() {
    return platform;
  }

  /**
   * Returns the user's language.
   *
   * @return a BCP 47 language tag, for example {@code en-US}
   */
  public String locale() {
    return locale;
  }

  /**
   * Returns the update channel.
   *
   * @return the channel; {@value #DEFAULT_CHANNEL} when not given
   */
  public String channel() {
    return channel;
  }

  /**
   * Returns the CPU architecture.
   *
   * @return for example {@code x86_64}, or null when not given
   */
  public String arch() {
    return arch;
  }

  /**
   * Returns the operating system version.
   *
   * @return a {@link Version} text, or null when not given
   */
  public String osVersion() {
    return osVersion;
  }

  /**
   * Returns the stable, random per-install id used only for rollout bucketing.
   *
   * @return the id, or null when not given
   */
  public String installationId() {
    return installationId;
  }

  /**
   * Returns, for each update type the client already has, its version.
   *
   * @return update type to version, in insertion order; empty when not given
   */
  public Map<String, String> installed() {
    return installed;
  }

  /**
   * Returns the patch formats the client can apply, in its order of preference (docs/PROTOCOL.md,
   * "Patches"). A server adds a patch to an offer only in one of these formats.
   *
   * @return the format names, for example {@code zstd}; empty when not given (then no offer
   *     carries a patch)
   */
  public List<String> patchFormats() {
    return patchFormats;
  }

  /** Returns {@link #version()} parsed.
   *
   * @return the version
   */
  public Version parsedVersion() {
    return Version.parse(version);
  }

  /**
   * Returns true for a request with the same values.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal request
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof UpdateRequest)) {
      return false;
    }
    UpdateRequest other = (UpdateRequest) o;
    return product.equals(other.product)
        && version.equals(other.version)
        && platform.equals(other.platform)
        && locale.equals(other.locale)
        && channel.equals(other.channel)
        && Objects.equals(arch, other.arch)
        && Objects.equals(osVersion, other.osVersion)
        && Objects.equals(installationId, other.installationId)
        && installed.equals(other.installed)
        && patchFormats.equals(other.patchFormats);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        product,
        version,
        platform,
        locale,
        channel,
        arch,
        osVersion,
        installationId,
        installed,
        patchFormats);
  }

  /** Returns the values for debugging. */
  @Override
  public String toString() {
    return "UpdateRequest[product=" + product + ", version=" + version + ", platform=" + platform
        + ", locale=" + locale + ", channel=" + channel + ", arch=" + arch + ", osVersion="
        + osVersion + ", installationId=" + installationId + ", installed=" + installed
        + (patchFormats.isEmpty() ? "" : ", patchFormats=" + patchFormats) + "]";
  }

  /**
   * Builds an {@link UpdateRequest}; validation happens in {@link #build()}. Each setter may run
   * once: a second call is a mistake that would silently drop the first value, so it throws
   * {@link IllegalStateException}. A builder from {@link UpdateRequest#toBuilder()} starts with the
   * request's values: each optional value may still be set once, and {@link #installed} may add
   * update types but not replace the version of one the request lists.
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
    private List<String> patchFormats = List.of();
    // Which setters have run, apart from the values: null is a value too ("not given").
    private boolean channelSet;
    private boolean archSet;
    private boolean osVersionSet;
    private boolean installationIdSet;
    private boolean patchFormatsSet;

    private Builder(String product, String version, String platform, String locale) {
      this.product = product;
      this.version = version;
      this.platform = platform;
      this.locale = locale;
    }

    /**
     * Sets the channel; {@value UpdateRequest#DEFAULT_CHANNEL} by default.
     *
     * @param channel a name, for example {@code beta}
     * @return this builder
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
     * @param arch the architecture, or null
     * @return this builder
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
     * @param osVersion a version text, or null
     * @return this builder
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
     * @param installationId a name, such as a random UUID kept per installation, or null
     * @return this builder
     * @throws IllegalStateException if the installation id was already set
     */
    public Builder installationId(String installationId) {
      requireUnset("installationId", installationIdSet, this.installationId);
      installationIdSet = true;
      this.installationId = installationId;
      return this;
    }

    /**
     * Sets the patch formats the client can apply, most preferred first; none by default, and
     * then offers never carry a patch.
     *
     * @param patchFormats format names such as {@code zstd}, each once; copied
     * @return this builder
     * @throws IllegalStateException if the patch formats were already set
     */
    public Builder patchFormats(List<String> patchFormats) {
      List<String> copy = List.copyOf(patchFormats);
      if (patchFormatsSet) {
        throw new IllegalStateException("patchFormats already set to " + this.patchFormats);
      }
      patchFormatsSet = true;
      this.patchFormats = copy;
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
     * @param updateType the update type, a name
     * @param version the version the client has
     * @return this builder
     * @throws IllegalArgumentException if {@code updateType} was already given, to this builder
     *     or to the request it came from ({@link UpdateRequest#toBuilder()})
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

    /**
     * Builds the request, validating every field.
     *
     * @return the request
     * @throws NullPointerException if a required value is null
     * @throws IllegalArgumentException naming the first invalid value and why
     */
    public UpdateRequest build() {
      return new UpdateRequest(this);
    }
  }
}
