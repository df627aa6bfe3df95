package dev.appupdate.server;

import dev.appupdate.protocol.catalog.Catalog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The catalog file, and whether it changed since it was last read: its modification time, size and
 * identity (which an editor's save-by-rename changes) are remembered at each read.
 */
final class CatalogFile {
  /** The source name of the embedded demo catalog, as its problems and {@code /healthz} name it. */
  static final String DEMO = "embedded demo catalog";

  private final Path path;
  private volatile Signature lastRead;
  private volatile byte[] lastContent;

  CatalogFile(Path path) {
    this.path = Objects.requireNonNull(path, "path == null");
  }

  /** Reads the catalog shipped with the server, which offers the embedded demo files. */
  static Catalog readDemo() throws IOException {
    byte[] json;
    try (InputStream in = CatalogFile.class.getResourceAsStream("demo/catalog.json")) {
      if (in == null) {
        throw new IOException("the " + DEMO + " is missing from the build");
      }
      json = in.readAllBytes();
    }
    return Catalog.parse(json, DEMO);
  }

  Path path() {
    return path;
  }

  /**
   * Reads and validates the catalog, remembering what the file looked like just before: a change
   * made while it is read then shows in {@link #changedSinceRead()}.
   *
   * @throws IOException if the file cannot be read, with a message naming it
   * @throws dev.appupdate.protocol.catalog.CatalogException listing every problem of the catalog
   */
  Catalog read() throws IOException {
    lastRead = signature();
    lastContent = null;
    byte[] json;
    try {
      if (Files.size(path) > Catalog.MAX_DOCUMENT_BYTES) {
        // Refused, naming the limit, without reading it.
        return Catalog.read(path);
      }
      json = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new IOException("cannot read catalog " + path + ": the file does not exist", e);
    } catch (IOException e) {
      throw new IOException("cannot read catalog " + path + ": " + e, e);
    }
    lastContent = sha256(json);
    return Catalog.parse(json, path.toString());
  }

  /**
   * Returns the SHA-256 of the bytes the last {@link #read()} read, or null when it read none: the
   * reloader reports an invalid file once, however often the same bytes are read again.
   */
  byte[] lastContent() {
    return lastContent;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available on this JVM", e);
    }
  }

  /**
   * Returns whether the file's modification time, size or identity differs from when it was last
   * read, or whether it appeared or disappeared since.
   */
  boolean changedSinceRead() {
    return !Objects.equals(signature(), lastRead);
  }

  /** Returns what identifies this version of the file, or null when there is none. */
  private Signature signature() {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      return new Signature(a.lastModifiedTime(), a.size(), a.fileKey());
    } catch (IOException e) {
      return null; // missing or unreadable: read() says why when it is tried
    }
  }

  /**
   * @param fileKey the file's identity (device and inode on Unix), or null where the file system
   *     has none
   */
  private record Signature(FileTime modified, long size, Object fileKey) {}
}
