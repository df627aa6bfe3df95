package dev.appupdate.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * Serves the regular files below a directory. Symbolic links are followed only while they stay
 * inside it; hidden files and directories (a name starting with '.', in the request or in the path
 * it resolves to) and directories are never served, and neither is anything that resolves into the
 * private paths given at open (the data directory and the request-id key).
 *
 * <p>The directory's real path is resolved for each request, so that a deploy that swaps a symbolic
 * link ({@code --files current}, {@code current -> releases/42}) is served from the next request
 * on. The checks hold against the file system as it is when a request is resolved; the directory
 * must not be writable by untrusted users, who could swap a directory for a symbolic link between
 * the check and the open.
 */
final class DirectoryFileStore implements FileStore {
  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");

  private final Path configured;
  private final List<Path> privatePaths;

  private DirectoryFileStore(Path configured, List<Path> privatePaths) {
    this.configured = configured;
    this.privatePaths = privatePaths;
  }

  /**
   * Returns a store serving {@code dir}.
   *
   * @param privatePaths real paths never served, nor anything below them
   * @throws IOException if {@code dir} is not an existing directory
   */
  static DirectoryFileStore open(Path dir, List<Path> privatePaths) throws IOException {
    Objects.requireNonNull(dir, "dir == null");
    realRoot(dir);
    return new DirectoryFileStore(dir, List.copyOf(privatePaths));
  }

  /**
   * Returns the real path of the files directory {@code dir}.
   *
   * @throws IOException if {@code dir} is not an existing directory
   */
  static Path realRoot(Path dir) throws IOException {
    Path real;
    try {
      real = dir.toRealPath();
    } catch (NoSuchFileException e) {
      throw new IOException("files directory " + dir + " does not exist", e);
    }
    if (!Files.isDirectory(real)) {
      throw new IOException("files directory " + dir + " is not a directory");
    }
    return real;
  }

  /**
   * Returns the real path that {@code path} has, or will have once created: the real path of its
   * closest existing ancestor, with the missing names appended.
   */
  static Path realPathOf(Path path) throws IOException {
    Path absolute = path.toAbsolutePath().normalize();
    Path existing = absolute;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return absolute;
    }
    return existing.toRealPath().resolve(existing.relativize(absolute));
  }

  @Override
  public StoredFile find(List<String> segments) throws IOException {
    Path root;
    try {
      root = configured.toRealPath();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "files directory {0} cannot be resolved: {1}", configured, e);
      return null;
    }
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
    // An in-tree link may lead to a hidden file or into a hidden directory: check what it resolves
    // to, not only what was asked for.
    for (Path name : root.relativize(real)) {
      if (name.toString().startsWith(".")) {
        LOG.log(Level.INFO, "refused {0}: it resolves to the hidden {1}", path, real);
        return null;
      }
    }
    for (Path hidden : privatePaths) {
      if (real.startsWith(hidden)) {
        LOG.log(
            Level.WARNING, "refused {0}: it resolves into the server''s private {1}", path, hidden);
        return null;
      }
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
        channel, size, modified.truncatedTo(ChronoUnit.SECONDS), etag(real, attrs, size));
  }

  /**
   * A strong validator from size, modification time (to the microsecond), file identity and, where
   * the platform has it, the inode change time: it changes when the file is rewritten or replaced,
   * without hashing the content per request. The change time matters for a rewrite in place that
   * keeps size and modification time ({@code cp -p}, deploy tools that preserve timestamps): it
   * moves on every write and every {@code utimes} and cannot be set back.
   */
  private static String etag(Path real, BasicFileAttributes attrs, long size) throws IOException {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, attrs.lastModifiedTime().toInstant());
    Object key = attrs.fileKey();
    int identity = key == null ? 0 : key.hashCode();
    StringBuilder tag =
        new StringBuilder(48)
            .append('"')
            .append(Long.toHexString(size))
            .append('-')
            .append(Long.toHexString(micros))
            .append('-')
            .append(Integer.toHexString(identity));
    if (UNIX) {
      FileTime changed = (FileTime) Files.getAttribute(real, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
      tag.append('-')
          .append(Long.toHexString(ChronoUnit.NANOS.between(Instant.EPOCH, changed.toInstant())));
    }
    return tag.append('"').toString();
  }

  private static final boolean UNIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
}
