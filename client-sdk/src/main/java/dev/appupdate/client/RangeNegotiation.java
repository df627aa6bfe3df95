package dev.appupdate.client;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP range rules of a resumable download (RFC 9110 13.1.5, 14 and 15.3.7): which validator of
 * an answer may later go into {@code If-Range}, the request headers that ask for the bytes after a
 * partial file, and what an answer means for the bytes already there. Pure functions of header
 * values; the caller acts on the {@link Verdict}.
 */
final class RangeNegotiation {
  /** Range unit names are case-insensitive (RFC 9110 14.1): {@code Bytes} is {@code bytes}. */
  private static final Pattern CONTENT_RANGE =
      Pattern.compile(
          "bytes (\\d{1,18})-(\\d{1,18})/(\\d{1,18}|\\*)", Pattern.CASE_INSENSITIVE);

  private RangeNegotiation() {}

  /** What an answer means for the partial file. */
  enum Verdict {
    /** {@code 200}: the whole file follows; partial bytes, if any, are to be dropped. */
    WHOLE_FILE,
    /** {@code 206} that continues the partial file exactly, from the representation it began. */
    CONTINUES,
    /**
     * The range request was answered with {@code 416}, or with a {@code 206} of another range or
     * representation: drop the partial bytes and ask at once for the whole file. The server is not
     * to blame (the file may have changed), so this is not a failure.
     */
    MISFIT,
    /** Any other status, a {@code 206} to a request without {@code Range} included: a failure. */
    FAILURE
  }

  /**
   * The headers of a download request. With partial bytes ({@code offset > 0}) they ask for the
   * rest, and only if the representation still has {@code validator}; the body is never encoded, so
   * that byte offsets stay offsets into the file.
   */
  static Map<String, String> requestHeaders(long offset, String validator) {
    if (offset == 0) {
      return Map.of("Accept-Encoding", "identity");
    }
    Objects.requireNonNull(validator, "resuming needs a validator");
    return Map.of(
        "Accept-Encoding", "identity", "Range", "bytes=" + offset + "-", "If-Range", validator);
  }

  /**
   * Judges an answer to a request made by {@link #requestHeaders}.
   *
   * @param offset the partial bytes when the request was sent; a range was asked for when positive
   * @param validator the validator sent in {@code If-Range}, or null when none was sent
   * @param size the declared size of the whole file
   * @param header the answer's first value of a header (lower-case name), or null
   */
  static Verdict judge(
      int status, long offset, String validator, long size, Function<String, String> header) {
    if (offset > 0) {
      if (status == 416) {
        return Verdict.MISFIT;
      }
      if (status == 206) {
        boolean fits =
            contentRangeFits(
                    header.apply("content-range"), header.apply("content-length"), offset, size)
                && sameRepresentation(
                    validator, header.apply("etag"), header.apply("last-modified"));
        return fits ? Verdict.CONTINUES : Verdict.MISFIT;
      }
    }
    return status == 200 ? Verdict.WHOLE_FILE : Verdict.FAILURE;
  }

  /**
   * True when a {@code 206}'s {@code Content-Range} (and {@code Content-Length}, if sent) covers
   * exactly the bytes from {@code offset} to the end of a file of {@code size} bytes.
   */
  static boolean contentRangeFits(
      String contentRange, String contentLength, long offset, long size) {
    if (contentRange == null) {
      return false;
    }
    Matcher m = CONTENT_RANGE.matcher(contentRange.trim());
    if (!m.matches()) {
      return false;
    }
    long first = Long.parseLong(m.group(1));
    long last = Long.parseLong(m.group(2));
    boolean total = m.group(3).equals("*") || Long.parseLong(m.group(3)) == size;
    long announced = contentLength(contentLength);
    return first == offset
        && last == size - 1
        && total
        && (announced < 0 || announced == size - offset);
  }

  /**
   * False when a {@code 206} names a validator other than the one sent in {@code If-Range}: the
   * server (one that ignores {@code If-Range}) then sent a range of another version of the file. An
   * answer that names none is taken as the same.
   */
  static boolean sameRepresentation(String validator, String etag, String lastModified) {
    if (isStrongEtag(validator)) {
      return etag == null || etag.trim().equals(validator);
    }
    return lastModified == null
        || Objects.equals(HttpDate.parse(lastModified.trim()), HttpDate.parse(validator));
  }

  /** The value of a {@code Content-Length} header, or -1 when absent or unreadable. */
  static long contentLength(String value) {
    if (value == null) {
      return -1;
    }
    try {
      long n = Long.parseLong(value.trim());
      return n < 0 ? -1 : n;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Returns the answer's validator usable in {@code If-Range}, or null. RFC 9110 13.1.5 allows only
   * strong validators: a strong ETag, or a Last-Modified date at least one second older than the
   * answer's Date; and a client that has an entity tag must not send a date. So an answer with a
   * weak (or unreadable) ETag has no validator at all: its Last-Modified is not used.
   */
  static String validatorOf(String etag, String lastModified, String date) {
    if (etag != null) {
      return isStrongEtag(etag.trim()) ? etag.trim() : null;
    }
    if (lastModified != null && date != null) {
      Instant lm = HttpDate.parse(lastModified.trim());
      Instant d = HttpDate.parse(date.trim());
      if (lm != null && d != null && !Duration.between(lm, d).minusSeconds(1).isNegative()) {
        return lastModified.trim();
      }
    }
    return null;
  }

  /** True for text {@link #validatorOf} can return: a strong ETag or an HTTP date. */
  static boolean isValidator(String v) {
    return isStrongEtag(v) || HttpDate.parse(v) != null;
  }

  /** A quoted entity tag of visible ASCII, not marked weak. */
  static boolean isStrongEtag(String v) {
    if (v == null || v.length() < 2 || v.length() > 256) {
      return false;
    }
    if (v.charAt(0) != '"' || v.charAt(v.length() - 1) != '"') {
      return false;
    }
    for (int i = 1; i < v.length() - 1; i++) {
      char c = v.charAt(i);
      if (c == '"' || c <= 0x20 || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }
}
