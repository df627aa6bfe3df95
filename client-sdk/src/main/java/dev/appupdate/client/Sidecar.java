package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Properties;

/**
 * The small file beside a partial download: which update the bytes belong to (digest and size) and
 * the validator (a strong ETag, or a Last-Modified date) to send as {@code If-Range} when resuming.
 * A partial file without a matching sidecar is never resumed.
 */
final class Sidecar {
  private static final int MAX_BYTES = 4096;

  private Sidecar() {}

  /** Returns the stored validator if {@code meta} describes {@code update}, else null. */
  static String read(Path meta, AvailableUpdate update) {
    Properties p = new Properties();
    // NOFOLLOW_LINKS: a link planted in place of the sidecar is not read through.
    try (InputStream in = Files.newInputStream(meta, LinkOption.NOFOLLOW_LINKS)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        return null;
      }
      p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
    } catch (IOException | IllegalArgumentException e) {
      // Missing, unreadable or not a regular file: that only costs a restart of the download.
      return null;
    }
    String validator = p.getProperty("validator");
    boolean same =
        update.hashFunction().wireName().equals(p.getProperty("hash_function"))
            && update.hashValue().equals(p.getProperty("hash_value"))
            && Long.toString(update.size()).equals(p.getProperty("size"));
    return same && validator != null && isValidator(validator) ? validator : null;
  }

  /**
   * Records that the partial file beside {@code meta} holds bytes of {@code update}. The sidecar
   * is written under a temporary name that is created new (never through a link) and then renamed
   * over {@code meta}, which replaces whatever is there, a link included, instead of writing
   * through it.
   */
  static void write(Path meta, AvailableUpdate update, String validator) throws IOException {
    Properties p = new Properties();
    p.setProperty("hash_function", update.hashFunction().wireName());
    p.setProperty("hash_value", update.hashValue());
    p.setProperty("size", Long.toString(update.size()));
    p.setProperty("validator", validator);
    StringWriter text = new StringWriter();
    p.store(text, "appupdate partial download");
    Path tmp = temporary(meta);
    // Removes a leftover of a crash, or a link, never what a link points to.
    Files.deleteIfExists(tmp);
    try {
      try (OutputStream out =
          Files.newOutputStream(
              tmp,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS)) {
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
      }
      try {
        Files.move(tmp, meta, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, meta, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The name {@link #write} uses before renaming; a crash can leave it behind. */
  static Path temporary(Path meta) {
    return meta.resolveSibling(meta.getFileName() + ".tmp");
  }

  /**
   * Returns the response's validator usable in {@code If-Range}, or null. RFC 9110 13.1.5 allows
   * only strong validators: a strong ETag, or a Last-Modified date at least one second older than
   * the response's Date.
   */
  static String validatorOf(Exchange answer) {
    String etag = answer.header("etag");
    if (etag != null) {
      etag = etag.trim();
      if (isStrongEtag(etag)) {
        return etag;
      }
    }
    String lastModified = answer.header("last-modified");
    String date = answer.header("date");
    if (lastModified != null && date != null) {
      ZonedDateTime lm = httpDate(lastModified.trim());
      ZonedDateTime d = httpDate(date.trim());
      if (lm != null && d != null && !Duration.between(lm, d).minusSeconds(1).isNegative()) {
        return lastModified.trim();
      }
    }
    return null;
  }

  private static boolean isValidator(String v) {
    return isStrongEtag(v) || httpDate(v) != null;
  }

  /** A quoted entity tag of visible ASCII, not marked weak. */
  static boolean isStrongEtag(String v) {
    if (v.length() < 2 || v.length() > 256) {
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

  private static ZonedDateTime httpDate(String v) {
    try {
      return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
