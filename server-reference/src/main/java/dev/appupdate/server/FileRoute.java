package dev.appupdate.server;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code GET|HEAD /files/...}: the update payloads, with single byte ranges, {@code If-Range},
 * {@code If-None-Match}, a strong {@code ETag} and {@code Last-Modified}. Paths are taken apart
 * segment by segment and never normalized: dot segments, empty segments and encoded separators are
 * refused outright.
 */
final class FileRoute implements Route {
  static final String PREFIX = "/files/";

  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

  private final FileStore store;

  FileRoute(FileStore store) {
    this.store = store;
  }

  @Override
  public void handle(Call call) throws IOException, HttpProblem {
    String raw = call.rawPath().substring(PREFIX.length());
    List<String> segments = segments(raw);
    try (StoredFile file = store.find(segments)) {
      if (file == null) {
        throw HttpProblem.notFound("no file " + JsonBody.printable(call.rawPath()));
      }
      serve(call, file);
    }
  }

  private static void serve(Call call, StoredFile file) throws IOException, HttpProblem {
    call.responseHeaders().set("ETag", file.etag());
    // RFC 9110, 13.2.2: If-None-Match goes before Range. The 304 carries the validator only, as
    // section 15.4.5 asks: the client has the rest from its earlier 200.
    if (ifNoneMatchNames(call.requestHeaders().get("If-None-Match"), file.etag())) {
      call.sendEmpty(304);
      return;
    }
    long size = file.size();
    call.responseHeaders().set("Content-Type", contentType(call.rawPath()));
    call.responseHeaders().set("Last-Modified", httpDate(file.lastModified()));
    call.responseHeaders().set("Accept-Ranges", "bytes");
    String rangeHeader = call.requestHeader("Range");
    ByteRange range = null;
    if (rangeHeader != null && ifRangeHolds(call.requestHeader("If-Range"), file.etag())) {
      range = ByteRange.parse(rangeHeader, size);
    }
    if (range == null) {
      send(call, file, 200, 0, size);
      return;
    }
    call.responseHeaders().set("Content-Range", range.contentRange(size));
    send(call, file, 206, range.first(), range.length());
  }

  /**
   * Sends {@code length} bytes of {@code file} from {@code offset}, ending the connection when the
   * client takes them slower than {@link Watchdog#MIN_SEND_RATE}: a client reading a large file at
   * a few bytes a second would otherwise hold its connection until the JDK's response time limit.
   */
  private static void send(Call call, StoredFile file, int status, long offset, long length)
      throws IOException {
    OutputStream out = call.startBody(status, length);
    if (out == null) {
      return;
    }
    try (Watchdog.Watch watch =
            call.watchdog().minRate(Watchdog.MIN_SEND_RATE, Watchdog.SEND_WINDOW);
        OutputStream counted = new Metered(out, watch)) {
      file.copyTo(counted, offset, length);
    }
  }

  /** Reports each write to a watch, in slices small enough for a slow but steady client. */
  private static final class Metered extends FilterOutputStream {
    private static final int SLICE = 8 * 1024;
    private final Watchdog.Watch watch;

    Metered(OutputStream out, Watchdog.Watch watch) {
      super(out);
      this.watch = watch;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      for (int i = 0; i < len; i += SLICE) {
        int n = Math.min(SLICE, len - i);
        out.write(b, off + i, n);
        watch.progress(n);
      }
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      watch.progress(1);
    }
  }

  /**
   * Whether {@code If-None-Match} names the current representation, so that the answer is 304: the
   * header is {@code *} (the file exists), or its list holds {@code etag} under the weak comparison
   * that RFC 9110, section 13.1.2, prescribes for this header ({@code W/"x"} matches {@code "x"}).
   * Reading stops at a malformed element: the tags before it count, nothing after it does.
   *
   * @param fieldValues each {@code If-None-Match} field line, or null when there is none
   */
  static boolean ifNoneMatchNames(List<String> fieldValues, String etag) {
    if (fieldValues == null) {
      return false;
    }
    String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
    for (String value : fieldValues) {
      int i = 0;
      while (true) {
        while (i < value.length() && " \t,".indexOf(value.charAt(i)) >= 0) {
          i++;
        }
        if (i == value.length()) {
          break;
        }
        if (value.charAt(i) == '*') {
          return true;
        }
        if (value.startsWith("W/", i)) {
          i += 2;
        }
        int end = value.indexOf('"', i + 1);
        if (i >= value.length() || value.charAt(i) != '"' || end < 0) {
          return false;
        }
        if (value.substring(i, end + 1).equals(opaque)) {
          return true;
        }
        i = end + 1;
      }
    }
    return false;
  }

  /**
   * Whether a {@code Range} is to be honoured: no {@code If-Range}, or one naming the current
   * representation by its strong entity tag. A date never does: a file replaced within the same
   * second keeps its date, and the client would splice old and new bytes (RFC 9110, section
   * 13.1.5, lets a server refuse a date it cannot vouch for as a strong validator). Weak tags never
   * match either: a range needs byte-for-byte identity.
   */
  static boolean ifRangeHolds(String ifRange, String etag) {
    return ifRange == null || ifRange.trim().equals(etag);
  }

  static String httpDate(Instant instant) {
    return HTTP_DATE.format(instant.atZone(ZoneOffset.UTC));
  }

  /**
   * Splits and decodes the path below {@code /files/}.
   *
   * @throws HttpProblem 400 for dot segments, empty segments, encoded separators or NUL, and
   *     malformed escapes; 404 for a directory ({@code /files/} itself or a trailing slash)
   */
  static List<String> segments(String raw) throws HttpProblem {
    if (raw.isEmpty() || raw.endsWith("/")) {
      throw HttpProblem.notFound("directory listings are not served");
    }
    List<String> segments = new ArrayList<>();
    for (String part : raw.split("/", -1)) {
      if (part.isEmpty()) {
        throw HttpProblem.badRequest("the path holds an empty segment (a double slash)");
      }
      String segment;
      try {
        segment = utf8(Percent.decode(part, false));
      } catch (IllegalArgumentException | CharacterCodingException e) {
        throw HttpProblem.badRequest(
            "the path segment "
                + JsonBody.printable(part)
                + " is not validly percent-encoded"
                + " UTF-8");
      }
      if (segment.equals(".") || segment.equals("..")) {
        throw HttpProblem.badRequest("the path holds a dot segment; paths are not normalized");
      }
      if (segment.indexOf('/') >= 0 || segment.indexOf('\\') >= 0 || segment.indexOf('\0') >= 0) {
        throw HttpProblem.badRequest(
            "the path segment " + JsonBody.printable(part) + " encodes a slash, backslash or NUL");
      }
      segments.add(segment);
    }
    return segments;
  }

  private static String utf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  private static String contentType(String path) {
    String p = path.toLowerCase(Locale.ROOT);
    if (p.endsWith(".json")) {
      return "application/json";
    }
    if (p.endsWith(".zip")) {
      return "application/zip";
    }
    if (p.endsWith(".txt")) {
      return "text/plain; charset=utf-8";
    }
    return "application/octet-stream";
  }
}
