package dev.appupdate.server;

import dev.appupdate.protocol.requestid.RequestIds;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The request-id key in the data directory: {@value RequestIds#KEY_LENGTH} random bytes, created
 * once with owner-only permissions and reused after restarts. Replicas share it by sharing the
 * file.
 */
final class KeyFile {
  static final String NAME = "request-id.key";

  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");

  private KeyFile() {}

  /**
   * Reads the key in {@code dataDir}, creating it first if there is none.
   *
   * @throws IOException if the key cannot be created or read, or the file is corrupt, with a
   *     message saying what to do
   */
  static byte[] loadOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(NAME);
    if (!Files.exists(file)) {
      create(dataDir, file);
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
   * half written and two servers starting at once on a shared directory agree on one key.
   */
  private static void create(Path dataDir, Path file) throws IOException {
    boolean posix = dataDir.getFileSystem().supportedFileAttributeViews().contains("posix");
    Path tmp =
        posix
            ? Files.createTempFile(
                dataDir,
                NAME,
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
            : Files.createTempFile(dataDir, NAME, ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer key = ByteBuffer.wrap(RequestIds.newKey());
        while (key.hasRemaining()) {
          ch.write(key);
        }
        ch.force(true);
      }
      try {
        Files.createLink(file, tmp);
      } catch (FileAlreadyExistsException e) {
        return; // another server created it first: use that one
      } catch (UnsupportedOperationException | IOException e) {
        // No hard links on this file system: fall back to a rename, atomic but not exclusive.
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      }
      Durability.forceDirectory(dataDir);
      LOG.log(Level.INFO, "created request-id key {0}", file);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
