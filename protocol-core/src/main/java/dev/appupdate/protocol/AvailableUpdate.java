package dev.appupdate.protocol;

import static dev.appupdate.protocol.internal.Fields.require;

import dev.appupdate.protocol.internal.Fields;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * One update offered in an update response. Immutable; built with {@link #builder()}.
 *
 * <pre>{@code
 * AvailableUpdate offer = AvailableUpdate.builder()
 *     .updateType("my_important_data")
 *     .url(URI.create("https://updates.example.com/files/important_data_v1.json"))
 *     .hashFunction(HashFunction.SHA512)
 *     .hashValue(sha512Hex)
 *     .size(1234)
 *     .version("1.0")
 *     .build();
 * }</pre>
 */
public final class AvailableUpdate {
  private final String updateType;
  private final URI url;
  private final HashFunction hashFunction;
  private final String hashValue;
  private final long size;
  private final String version;
  private final List<URI> mirrors;
  private final boolean critical;
  private final List<ReleaseSignature> signatures;
  private final Patch patch;

  /**
   * This offer as {@link ServerCodec} writes it, kept once written: a server answers many requests
   * with the same offer objects (the catalog's matcher keeps one per release), and writing an
   * offer's JSON cost more than the rest of the answer. Not part of the value.
   */
  volatile byte[] json;

  private AvailableUpdate(Builder b) {
    this.updateType = required(b.updateType, "updateType");
    this.url = required(b.url, "url");
    this.hashFunction = required(b.hashFunction, "hashFunction");
    this.hashValue = required(b.hashValue, "hashValue");
    this.size = required(b.size, "size");
    this.version = required(b.version, "version");
    this.mirrors = b.mirrors == null ? List.of() : b.mirrors;
    this.critical = b.critical != null && b.critical;
    this.signatures = b.signatures == null ? List.of() : b.signatures;
    this.patch = b.patch;
    require("update_type", Fields.name(updateType));
    require("url", Fields.httpUrl(url.toString()));
    require("hash_value", Fields.hashValue(hashFunction, hashValue));
    require("size", Fields.size(size));
    require("version", Fields.version(version));
    for (int i = 0; i < mirrors.size(); i++) {
      require("mirrors[" + i + "]", Fields.httpUrl(mirrors.get(i).toString()));
    }
    Fields.requireDistinctKeyIds(signatures);
    if (patch != null) {
      require("patch.from", Fields.patchFrom(patch.from(), version));
    }
  }

  private static <T> T required(T value, String name) {
    if (value == null) {
      throw new IllegalStateException(name + " is required");
    }
    return value;
  }

  /**
   * Returns a builder with nothing set; {@code mirrors} and {@code signatures} default to none,
   * {@code critical} to false, and {@code patch} to none.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder holding this offer's values, each of which may be set once more.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.updateType = updateType;
    b.url = url;
    b.hashFunction = hashFunction;
    b.hashValue = hashValue;
    b.size = size;
    b.version = version;
    b.mirrors = mirrors;
    b.critical = critical;
    b.signatures = signatures;
    b.patch = patch;
    return b;
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
   * Returns where to download the bytes.
   *
   * @return an absolute http or https URL
   */
  public URI url() {
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
   * Returns the version of the update.
   *
   * @return the version text, as the server wrote it
   */
  public String version() {
    return version;
  }

  /**
   * Returns more URLs serving the same bytes, tried in order after {@link #url()}.
   *
   * @return the mirrors; may be empty
   */
  public List<URI> mirrors() {
    return mirrors;
  }

  /**
   * Returns whether the publisher marked the update critical.
   *
   * @return true when critical
   */
  public boolean critical() {
    return critical;
  }

  /**
   * Returns the release's offline signatures as the catalog holds them, passed through by the
   * server: Ed25519 over the canonical bytes of the product the request named and this offer's
   * update type, version, hash function, hash value and size (docs/PROTOCOL.md, "Signatures").
   * Whether they verify is for the client to check against the keys it trusts.
   *
   * @return the signatures, at most one per key id; may be empty
   */
  public List<ReleaseSignature> signatures() {
    return signatures;
  }

  /**
   * Returns the patch that rebuilds this update from the version the client said it has, in a
   * format it said it applies; present only when the request listed {@code patch_formats}.
   *
   * @return the patch, or null when none is offered
   */
  public Patch patch() {
    return patch;
  }

  /**
   * Returns {@link #url()} followed by the {@link #mirrors()}, the order to try them in.
   *
   * @return the URLs, never empty
   */
  public List<URI> urls() {
    if (mirrors.isEmpty()) {
      return List.of(url);
    }
    URI[] all = new URI[mirrors.size() + 1];
    all[0] = url;
    for (int i = 0; i < mirrors.size(); i++) {
      all[i + 1] = mirrors.get(i);
    }
    return List.of(all);
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
   * Returns true for an offer with the same values.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal offer
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof AvailableUpdate)) {
      return false;
    }
    AvailableUpdate other = (AvailableUpdate) o;
    return size == other.size
        && critical == other.critical
        && updateType.equals(other.updateType)
        && url.equals(other.url)
        && hashFunction == other.hashFunction
        && hashValue.equals(other.hashValue)
        && version.equals(other.version)
        && mirrors.equals(other.mirrors)
        && signatures.equals(other.signatures)
        && Objects.equals(patch, other.patch);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        updateType, url, hashFunction, hashValue, size, version, mirrors, critical, signatures,
        patch);
  }

  /**
   * Returns the values for debugging, for example {@code AvailableUpdate[my_important_data 1.0,
   * https://..., sha512 7d1a..., 1234 bytes]}.
   */
  @Override
  public String toString() {
    return "AvailableUpdate[" + updateType + " " + version + ", " + url + ", " + hashFunction
        + " " + hashValue + ", " + size + " bytes"
        + (mirrors.isEmpty() ? "" : ", mirrors " + mirrors)
        + (critical ? ", critical" : "")
        + (signatures.isEmpty() ? "" : ", signed by " + keyIds(signatures))
        + (patch == null ? "" : ", " + patch) + "]";
  }

  private static String keyIds(List<ReleaseSignature> signatures) {
    StringBuilder sb = new StringBuilder();
    for (ReleaseSignature s : signatures) {
      sb.append(sb.length() == 0 ? "" : " ").append(s.keyId());
    }
    return sb.toString();
  }

  /**
   * Builds an {@link AvailableUpdate}; validation happens in {@link #build()}. Each setter may run
   * once: a second call would silently drop the first value, so it throws {@link
   * IllegalStateException}. A builder from {@link AvailableUpdate#toBuilder()} starts with the
   * offer's values, and each may still be set once.
   */
  public static final class Builder {
    private String updateType;
    private URI url;
    private HashFunction hashFunction;
    private String hashValue;
    private Long size;
    private String version;
    private List<URI> mirrors;
    private Boolean critical;
    private List<ReleaseSignature> signatures;
    private Patch patch;
    private int set;

    private Builder() {}

    /**
     * Sets what is updated. Required.
     *
     * @param updateType a name, for example {@code my_important_data}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder updateType(String updateType) {
      this.updateType = once(UPDATE_TYPE, "updateType", this.updateType, updateType);
      return this;
    }

    /**
     * Sets where to download the bytes. Required.
     *
     * @param url an absolute http or https URL
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder url(URI url) {
      this.url = once(URL, "url", this.url, url);
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
      this.hashFunction = once(HASH_FUNCTION, "hashFunction", this.hashFunction, hashFunction);
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
      this.hashValue = once(HASH_VALUE, "hashValue", this.hashValue, hashValue);
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
      this.size = once(SIZE, "size", this.size, size);
      return this;
    }

    /**
     * Sets the version of the update. Required.
     *
     * @param version a version text, for example {@code 1.0}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder version(String version) {
      this.version = once(VERSION, "version", this.version, version);
      return this;
    }

    /**
     * Sets more URLs serving the same bytes, tried in order after the url; none by default.
     *
     * @param mirrors absolute http or https URLs; copied
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder mirrors(List<URI> mirrors) {
      this.mirrors = once(MIRRORS, "mirrors", this.mirrors, List.copyOf(mirrors));
      return this;
    }

    /**
     * Marks the update critical, or not; not critical by default.
     *
     * @param critical whether the update is critical
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder critical(boolean critical) {
      this.critical = once(CRITICAL, "critical", this.critical, critical);
      return this;
    }

    /**
     * Sets the release's offline signatures, passed through from the catalog; none by default.
     *
     * @param signatures the signatures, at most one per key id; copied
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder signatures(List<ReleaseSignature> signatures) {
      this.signatures = once(SIGNATURES, "signatures", this.signatures, List.copyOf(signatures));
      return this;
    }

    /**
     * Sets the patch that rebuilds the update from the client's installed version; none by
     * default.
     *
     * @param patch the patch
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder patch(Patch patch) {
      this.patch = once(PATCH, "patch", this.patch, patch);
      return this;
    }

    private static final int UPDATE_TYPE = 1;
    private static final int URL = 1 << 1;
    private static final int HASH_FUNCTION = 1 << 2;
    private static final int HASH_VALUE = 1 << 3;
    private static final int SIZE = 1 << 4;
    private static final int VERSION = 1 << 5;
    private static final int MIRRORS = 1 << 6;
    private static final int CRITICAL = 1 << 7;
    private static final int SIGNATURES = 1 << 8;
    private static final int PATCH = 1 << 9;

    private <T> T once(int bit, String name, T old, T value) {
      Objects.requireNonNull(value, name + " == null");
      if ((set & bit) != 0) {
        throw new IllegalStateException(name + " already set to " + old);
      }
      set |= bit;
      return value;
    }

    /**
     * Builds the offer, validating every value.
     *
     * @return the offer
     * @throws IllegalStateException if a required value is not set
     * @throws IllegalArgumentException naming the first invalid value and why
     */
    public AvailableUpdate build() {
      return new AvailableUpdate(this);
    }
  }
}
