package dev.appupdate.protocol;

import static dev.appupdate.protocol.internal.Fields.require;

import dev.appupdate.protocol.internal.Fields;
import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * A patch offered with an update: a small file that rebuilds the update's bytes from the version
 * the client already has. Immutable; built with {@link #builder()}. The rebuilt bytes are checked
 * against the offer's own {@link AvailableUpdate#hashValue()} and {@link AvailableUpdate#size()},
 * so a patch never weakens what a client verifies (docs/PROTOCOL.md, "Patches").
 *
 * <pre>{@code
 * Patch patch = Patch.builder()
 *     .from("1.0")
 *     .fromHashValue(sha512OfVersion1)
 *     .format(Patch.ZSTD)
 *     .url(URI.create("https://updates.example.com/files/app-1.0-2.0.zst"))
 *     .hashFunction(HashFunction.SHA512)
 *     .hashValue(sha512OfPatchFile)
 *     .size(293_000)
 *     .build();
 * }</pre>
 */
public final class Patch {

  /**
   * The format {@code zstd}: one zstd frame made with the base file as raw-content dictionary and
   * a long window, as {@code zstd --patch-from=BASE --long=31} writes it.
   */
  public static final String ZSTD = "zstd";

  /** The formats protocol v1 defines; a catalog may use only these. */
  public static final Set<String> FORMATS = Set.of(ZSTD);

  private final String from;
  private final String fromHashValue;
  private final String format;
  private final URI url;
  private final HashFunction hashFunction;
  private final String hashValue;
  private final long size;

  private Patch(Builder b) {
    this.from = required(b.from, "from");
    this.fromHashValue = required(b.fromHashValue, "fromHashValue");
    this.format = required(b.format, "format");
    this.url = required(b.url, "url");
    this.hashFunction = required(b.hashFunction, "hashFunction");
    this.hashValue = required(b.hashValue, "hashValue");
    this.size = required(b.size, "size");
    require("from", Fields.version(from));
    require("from_hash_value", Fields.hashValue(hashFunction, fromHashValue));
    require("format", Fields.name(format));
    require("url", Fields.httpUrl(url.toString()));
    require("hash_value", Fields.hashValue(hashFunction, hashValue));
    require("size", Fields.size(size));
  }

  private static <T> T required(T value, String name) {
    if (value == null) {
      throw new IllegalStateException(name + " is required");
    }
    return value;
  }

  /**
   * Returns a builder with nothing set; every value is required.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the version the patch applies to: the base the client must already have.
   *
   * @return the version text, as the catalog wrote it
   */
  public String from() {
    return from;
  }

  /**
   * Returns the digest of the base file, under {@link #hashFunction()}: the client checks its base
   * against it before applying the patch.
   *
   * @return lower-case hex of the function's length
   */
  public String fromHashValue() {
    return fromHashValue;
  }

  /**
   * Returns the patch format, for example {@value #ZSTD}.
   *
   * @return a format name the client listed in its request
   */
  public String format() {
    return format;
  }

  /**
   * Returns where to download the patch file.
   *
   * @return an absolute http or https URL
   */
  public URI url() {
    return url;
  }

  /**
   * Returns the hash function of {@link #hashValue()} and of {@link #fromHashValue()}.
   *
   * @return the function
   */
  public HashFunction hashFunction() {
    return hashFunction;
  }

  /**
   * Returns the digest of the patch file.
   *
   * @return lower-case hex of the function's length
   */
  public String hashValue() {
    return hashValue;
  }

  /**
   * Returns the exact size of the patch file.
   *
   * @return the size in bytes
   */
  public long size() {
    return size;
  }

  /**
   * Returns true for a patch with the same values.
   *
   * @param o the object to compare with
   * @return whether {@code o} is an equal patch
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Patch)) {
      return false;
    }
    Patch other = (Patch) o;
    return size == other.size
        && from.equals(other.from)
        && fromHashValue.equals(other.fromHashValue)
        && format.equals(other.format)
        && url.equals(other.url)
        && hashFunction == other.hashFunction
        && hashValue.equals(other.hashValue);
  }

  @Override
  public int hashCode() {
    return Objects.hash(from, fromHashValue, format, url, hashFunction, hashValue, size);
  }

  /** Returns the values for debugging, for example {@code Patch[zstd from 1.0, https://..., ...]}. */
  @Override
  public String toString() {
    return "Patch[" + format + " from " + from + ", " + url + ", " + hashFunction + " " + hashValue
        + ", " + size + " bytes]";
  }

  /**
   * Builds a {@link Patch}; validation happens in {@link #build()}. Each setter may run once: a
   * second call would silently drop the first value, so it throws {@link IllegalStateException}.
   */
  public static final class Builder {
    private String from;
    private String fromHashValue;
    private String format;
    private URI url;
    private HashFunction hashFunction;
    private String hashValue;
    private Long size;

    private Builder() {}

    private static <T> T once(String name, T old, T value) {
      Objects.requireNonNull(value, name + " == null");
      if (old != null) {
        throw new IllegalStateException(name + " already set to " + old);
      }
      return value;
    }

    /**
     * Sets the version the patch applies to. Required.
     *
     * @param from a version text, for example {@code 1.0}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder from(String from) {
      this.from = once("from", this.from, from);
      return this;
    }

    /**
     * Sets the digest of the base file under the patch's hash function. Required.
     *
     * @param fromHashValue lower-case hex of the hash function's length
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder fromHashValue(String fromHashValue) {
      this.fromHashValue = once("fromHashValue", this.fromHashValue, fromHashValue);
      return this;
    }

    /**
     * Sets the patch format. Required.
     *
     * @param format a format name, for example {@value Patch#ZSTD}
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder format(String format) {
      this.format = once("format", this.format, format);
      return this;
    }

    /**
     * Sets where to download the patch file. Required.
     *
     * @param url an absolute http or https URL
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder url(URI url) {
      this.url = once("url", this.url, url);
      return this;
    }

    /**
     * Sets the hash function of the patch file's digest and of the base's. Required.
     *
     * @param hashFunction the function
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder hashFunction(HashFunction hashFunction) {
      this.hashFunction = once("hashFunction", this.hashFunction, hashFunction);
      return this;
    }

    /**
     * Sets the digest of the patch file. Required.
     *
     * @param hashValue lower-case hex of the hash function's length
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder hashValue(String hashValue) {
      this.hashValue = once("hashValue", this.hashValue, hashValue);
      return this;
    }

    /**
     * Sets the exact size of the patch file. Required.
     *
     * @param size the size in bytes, not negative
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder size(long size) {
      this.size = once("size", this.size, size);
      return this;
    }

    /**
     * Builds the patch, validating every value.
     *
     * @return the patch
     * @throws IllegalStateException if a value is not set
     * @throws IllegalArgumentException naming the first invalid value and why
     */
    public Patch build() {
      return new Patch(this);
    }
  }
}
