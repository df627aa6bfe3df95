package dev.appupdate.protocol;

/**
 * Bounds a codec enforces on every document it reads, so that hostile input costs little.
 *
 * @param maxDocumentBytes the largest document, in bytes
 * @param maxStringLength the longest string value or key, in UTF-16 code units (a character
 *     outside the Basic Multilingual Plane, such as an emoji, counts as two)
 * @param maxNestingDepth the deepest nesting of objects and arrays
 */
public record CodecLimits(int maxDocumentBytes, int maxStringLength, int maxNestingDepth) {

  /**
   * Validates the components: each must be positive.
   *
   * @param maxDocumentBytes the largest document, in bytes
   * @param maxStringLength the longest string value or key, in UTF-16 code units
   * @param maxNestingDepth the deepest nesting of objects and arrays
   */
  public CodecLimits {
    if (maxDocumentBytes <= 0) {
      throw new IllegalArgumentException("maxDocumentBytes must be > 0, got " + maxDocumentBytes);
    }
    if (maxStringLength <= 0) {
      throw new IllegalArgumentException("maxStringLength must be > 0, got " + maxStringLength);
    }
    if (maxNestingDepth <= 0) {
      throw new IllegalArgumentException("maxNestingDepth must be > 0, got " + maxNestingDepth);
    }
  }

  /**
   * 1 MiB documents, 8 KiB strings, nesting depth 16.
   *
   * @return the default limits
   */
  public static CodecLimits defaults() {
    return new CodecLimits(1 << 20, 8 * 1024, 16);
  }
}
