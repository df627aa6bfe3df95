package dev.appupdate.server;

import dev.appupdate.protocol.requestid.RequestIds;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The request-id key: {@value RequestIds#KEY_LENGTH} random bytes, by default {@code
 * DATA/request-id.key}, created once with owner-only permissions and reused after restarts.
 * Replicas share it by sharing the file ({@code --key}), never the data directory.
 */
final class KeyFile {
  static final String NAME = "request-id.key";

  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");

  /** Makes a hard link; tests substitute it to act like file systems without hard links. */
  @FunctionalInterface
  interface Linker {
    /** {@link Files#createLink}: {@code link} becomes another name of {@code existing}. */
    void link(Path link, Path existing) throws IOException;
  }

  private KeyFile() {}

  /**
   * Reads the key {@code file}, creating it first if there is none.
   *
   * @param completionLog the completion log of this server: while it or a file rotated from it
   *     holds completions, a missing key is not replaced by a new one, which would invalidate their
   *     request ids
   * @throws IOException if the key cannot be created or read, the file is corrupt, or it is missing
   *     while the completion log holds completions, with a message saying what to do
   */
  static byte[] loadOrCreate(Path file, Path completionLog) throws IOException {
    return loadOrCreate(file, completionLog, Files::createLink);
  }

  static byte[] loadOrCreate(Path file, Path completionLog, Linker linker) throws IOException {
    if (!Files.exists(file)) {
      // The rotated files count too: right after a rotation the active file may be empty.
      Path records = JsonlCompletionStore.fileWithRecords(completionLog);
      if (records != null) {
        throw new IOException(
            "request-id key file "
                + file
                + " is missing, but the completion log "
                + records
                + " holds completions: a new key would make every request id issued so far"
                + " invalid. Restore the key file (replicas share one, see --key), or move the"
                + " completion log away to start over with a new key");
      }
      create(file, linker);
    }
    return read(file);
  }

  private static byte[] read(Path file) throws IOException {
    long size = Files.size(file);
    if (size != RequestIds.KEY_LENGTH) {
      throw new IOException(
          "request-id key file "
              + file
              + " is corrupt: it holds "
              + size
              + " bytes, not "
              + RequestIds.KEY_LENGTH
              + ". Restore it (every replica must use the same key), or"
              + " delete it to create a new key, which invalidates every request id issued so"
              + " far");
    }
    PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (posix != null) {
      Set<PosixFilePermission> perms = posix.readAttributes().permissions();
      perms.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
      if (!perms.isEmpty()) {
        LOG.log(
            Level.WARNING,
            "request-id key file {0} is readable by others ({1}); anyone who can read it can forge"
                + " request ids: chmod 600 it",
            file,
            PosixFilePermissions.toString(posix.readAttributes().permissions()));
      }
    }
    return Files.readAllBytes(file);
  }

  /**
   * Writes a new key to a temporary file and links it into place, so that the key file never exists
   * half written and two servers starting at once on a shared file agree on one key: the link
   * fails for the second, which then reads the first one's key.
   */
  private static void create(Path file, Linker linker) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    Path tmp =
        posix
            ? Files.createTempFile(
                dir,
                NAME,
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
            : Files.createTempFile(dir, NAME, ".tmp");
    try {
      byte[] key = RequestIds.newKey();
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(key);
        while (buffer.hasRemaining()) {
          ch.write(buffer);
        }
        ch.force(true);
      }
      try {
        linker.link(file, tmp);
      } catch (FileAlreadyExistsException e) {
        return; // another server created it first: use that one
      } catch (UnsupportedOperationException | FileSystemException e) {
        if (!linksUnsupported(e)) {
          throw new IOException("cannot create request-id key file " + file + ": " + e, e);
        }
        if (!renameIntoPlace(tmp, file, key)) {
          return;
        }
      }
      Durability.forceDirectory(dir);
      LOG.log(Level.INFO, "created request-id key {0}", file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Whether a failed link means that the file system has no hard links (EPERM on Linux, an invalid
   * function on Windows: a plain {@link FileSystemException}) rather than a problem that a rename
   * would hit too, or hide: a denied access, a missing directory.
   */
  private static boolean linksUnsupported(Exception e) {
    return e instanceof UnsupportedOperationException || e.getClass() == FileSystemException.class;
  }

  /**
   * The fallback without hard links: a rename, atomic but not exclusive. It is skipped when the key
   * appeared meanwhile, and what the file holds afterwards is compared with the new key, since
   * another server may have renamed its own key into place at the same moment.
   *
   * @return whether this server's key is the one in place
   */
  private static boolean renameIntoPlace(Path tmp, Path file, byte[] key) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return false; // another server created it meanwhile: use that one
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    if (!Arrays.equals(Files.readAllBytes(file), key)) {
      LOG.log(
          Level.WARNING,
          "another server created request-id key {0} at the same moment; using its key",
          file);
      return false;
    }
    return true;
  }
}
