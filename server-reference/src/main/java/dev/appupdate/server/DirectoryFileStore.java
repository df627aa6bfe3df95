package dev.appupdate.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * Serves the regular files below a directory. Symbolic links are followed only while they stay
 * inside it; hidden files (a segment starting with '.') and directories are never served.
 */
final class DirectoryFileStore implements FileStore {
  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");

  private final Path root;

  private DirectoryFileStore(Path root) {
    this.root = root;
  }

  /**
   * Returns a store serving {@code dir}.
   *
   * @throws IOException if {@code dir} is not an existing directory
   */
  static DirectoryFileStore open(Path dir) throws IOException {
    Objects.requireNonNull(dir, "dir == null");
    Path real;
    try {
      real = dir.toRealPath();
    } catch (NoSuchFileException e) {
      throw new IOException("files directory " + dir + " does not exist", e);
    }
    if (!Files.isDirectory(real)) {
      throw new IOException("files directory " + dir + " is not a directory");
    }
    return new DirectoryFileStore(real);
  }

  @Override
  public StoredFile find(List<String> segments) throws IOException {
    Path path = root;
    try {
      for (String segment : segments) {
        if (segment.startsWith(".")) {
          return null;
        }
        path = path.resolve(segment);
      }
    } catch (InvalidPathException e) {
      return null;
    }
    Path real;
    try {
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      return null;
    } catch (FileSystemException e) {
      // A loop of links, a permission problem, a name too long: nothing servable.
      return null;
    }
    if (!real.startsWith(root)) {
      LOG.log(Level.INFO, "refused {0}: it resolves to {1}, outside {2}", path, real, root);
      return null;
    }
    BasicFileAttributes attrs =
        Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attrs.isRegularFile()) {
      return null;
    }
    FileChannel channel;
    try {
      // NOFOLLOW_LINKS: if the file was swapped for a link since it was resolved, refuse it.
      channel = FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (FileSystemException e) {
      return null;
    }
    long size = channel.size();
    Instant modified = attrs.lastModifiedTime().toInstant();
    return StoredFile.of(
        channel, size, modified.truncatedTo(ChronoUnit.SECONDS), etag(attrs, size));
  }

  /**
   * A strong validator from size, modification time (to the microsecond) and file identity: it
   * changes when the file is rewritten or replaced, without hashing the content per request.
   */
  private static String etag(BasicFileAttributes attrs, long size) {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, attrs.lastModifiedTime().toInstant());
    Object key = attrs.fileKey();
    int identity = key == null ? 0 : key.hashCode();
    return "\""
        + Long.toHexString(size)
        + "-"
        + Long.toHexString(micros)
        + "-"
        + Integer.toHexString(identity)
        + "\"";
  }
}
