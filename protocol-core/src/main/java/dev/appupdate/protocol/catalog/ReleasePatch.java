package dev.appupdate.protocol.catalog;

import dev.appupdate.protocol.HashFunction;
import dev.appupdate.protocol.Patch;
import java.util.Objects;

/**
 * One patch a catalog release lists: a file that rebuilds the release from an earlier release of
 * the same product and update type (docs/CATALOG.md, "Patches"). Immutable; built with {@link
 * #builder()}. A server offers it, as a {@link Patch}, only to a client that has exactly the
 * {@link #from()} version and applies the {@link #format()}.
 *
 * <pre>{@code
 * ReleasePatch patch = ReleasePatch.builder()
 *     .from("1.0")
 *     .format(Patch.ZSTD)
 *     .url("files/app-1.0-2.0.zst")
 *     .hashFunction(HashFunction.SHA512)
 *     .hashValue(sha512OfPatchFile)
 *     .size(293_000)
 *     .build();
 * }</pre>
 */
public final class ReleasePatch {
  private final String from;
  private final String format;
  private final String url;
  private final HashFunction hashFunction;
  private final String hashValue;
  private final long size;

  private ReleasePatch(Builder b) {
    this.from = required(b.from, "from");
    this.format = required(b.format, "format");
    this.url = required(b.url, "url");
    this.hashFunction = required(b.hashFunction, "hashFunction");
    this.hashValue = required(b.hashValue, "hashValue");
    this.size = required(b.size, "size");
    Rules.patch("", from, format, url, hashFunction, hashValue, size, Rules.THROW);
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
   * Returns the version the patch applies to, a release of the same product and update type.
   *
   * @return the version text, as written in the catalog
   */
  public String from() {
    return from;
  }

  /**
   * Returns the patch format.
   *
   * @return one of {@link Patch#FORMATS}
   */
  public String format() {
    return format;
  }

  /**
   * Returns where to download the patch file, as written in the catalog.
   *
   * @return an absolute http or https URL, or a relative reference the server resolves against its
   *     public base URL
   */
  public String url() {
    return url;
  }

  /**
   * Returns the hash function of the patch file's digest; the {@code from} release uses the same.
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
    if (!(o instanceof ReleasePatch)) {
      return false;
    }
    ReleasePatch other = (ReleasePatch) o;
    return size == other.size
        && from.equals(other.from)
        && format.equals(other.format)
        && url.equals(other.url)
        && hashFunction == other.hashFunction
        && hashValue.equals(other.hashValue);
  }

  @Override
  public int hashCode() {
    return Objects.hash(from, format, url, hashFunction, hashValue, size);
  }

  /** Returns the values for debugging. */
  @Override
  public String toString() {
    return "ReleasePatch[" + format + " from " + from + ", " + url + ", " + hashFunction + " "
        + hashValue + ", " + size + " bytes]";
  }

  /**
   * Builds a {@link ReleasePatch}; validation happens in {@link #build()}. Each setter may run
   * once: a second call would silently drop the first value, so it throws {@link
   * IllegalStateException}.
   */
  public static final class Builder {
    private String from;
    private String format;
    private String url;
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
     * Sets the patch format. Required.
     *
     * @param format one of {@link Patch#FORMATS}, for example {@value Patch#ZSTD}
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
     * @param url an absolute http or https URL, or a relative reference resolved against the
     *     server's public base URL
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder url(String url) {
      this.url = once("url", this.url, url);
      return this;
    }

    /**
     * Sets the hash function of the patch file's digest. Required.
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
    public ReleasePatch build() {
      return new ReleasePatch(this);
    }
  }
}
