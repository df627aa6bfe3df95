package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
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

  /**
   * Returns the stored validator if {@code meta} describes {@code update}, else null: also when it
   * is missing, unreadable, too large or not a regular file.
   *
   * @throws ClosedByInterruptException if interrupted while reading (the flag is set): that says
   *     nothing about the sidecar, and taking it for a missing one would drop the bytes it
   *     describes
   */
  static String read(Path meta, AvailableUpdate update) throws ClosedByInterruptException {
    Properties p = new Properties();
    try {
      // Only a regular file is opened, and a link is not read through (NOFOLLOW_LINKS): a FIFO
      // would block open(2) until some process opened it for writing, with the download's lock
      // held all that time.
      if (!Files.isRegularFile(meta, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      // Should a FIFO take the file's place after that check: opened for reading and writing it
      // does not block open(2) (Linux, the BSDs), and positional reads fail on it (ESPIPE) instead
      // of waiting for data. No CREATE: nothing is made here.
      try (FileChannel in =
          FileChannel.open(
              meta, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
        ByteBuffer bytes = ByteBuffer.allocate(MAX_BYTES + 1);
        while (bytes.hasRemaining()) {
          if (in.read(bytes, bytes.position()) < 0) {
            break;
          }
        }
        if (bytes.position() > MAX_BYTES) {
          return null;
        }
        p.load(
            new StringReader(
                new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8)));
      }
    } catch (ClosedByInterruptException e) {
      Thread.currentThread().interrupt();
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      // Unreadable: that only costs a restart of the download.
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
