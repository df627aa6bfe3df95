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
    return same && validator != null && RangeNegotiation.isValidator(validator) ? validator : null;
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
}
