package dev.appupdate.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * The admin listener's bearer token: read from a file, created with 32 random bytes (base64url)
 * and owner-only permissions when missing. The token is compared in constant time and never
 * logged; only the file's path is.
 */
final class AdminToken {
  /** The token file's name in the data directory unless {@code --admin-token-file} says. */
  static final String NAME = "admin.token";

  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");
  private static final int MIN_LENGTH = 16;

  /** The SHA-256 digest of the token. */
  private final byte[] expected;

  private AdminToken(byte[] expected) {
    this.expected = expected;
  }

  /**
   * Reads the token in {@code file}, creating the file first when it does not exist.
   *
   * @throws IOException if the file cannot be read or created, or holds fewer than 16 characters
   */
  static AdminToken loadOrCreate(Path file) throws IOException {
    if (!Files.exists(file)) {
      create(file);
    }
    String token = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (token.length() < MIN_LENGTH || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      throw new IOException(
          "admin token file "
              + file
              + " must hold one token of at least "
              + MIN_LENGTH
              + " printable ASCII characters; delete it to have a new one created");
    }
    Set<PosixFilePermission> perms = permissions(file);
    if (perms != null) {
      perms.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
      if (!perms.isEmpty()) {
        LOG.log(
            Level.WARNING,
            "admin token file {0} is accessible to others; anyone who can read it can halt"
                + " releases: chmod 600 it",
            file);
      }
    }
    // Where it is goes to the log once, with the listener's address (AdminServer).
    return new AdminToken(sha256(token.getBytes(StandardCharsets.UTF_8)));
  }

  private static Set<PosixFilePermission> permissions(Path file) throws IOException {
    return file.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? Files.getPosixFilePermissions(file)
        : null;
  }

  private static void create(Path file) throws IOException {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    byte[] text =
        (Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n")
            .getBytes(StandardCharsets.US_ASCII);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // Written whole into a temporary file (owner-only, as createTempFile makes it on POSIX) and
    // only then given its name: a server sharing the file that starts at the same moment never
    // reads it empty or half written, and when two create it at once, one token wins for both.
    Path temp = Files.createTempFile(dir, ".admin-token-", ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(text));
        channel.force(true);
      }
      try {
        Files.createLink(file, temp);
      } catch (FileAlreadyExistsException e) {
        return; // another server sharing the file created it first
      } catch (UnsupportedOperationException | FileSystemException e) {
        // No hard links here: a move that refuses to replace is the next best thing.
        try {
          Files.move(temp, file);
        } catch (FileAlreadyExistsException again) {
          return;
        }
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    LOG.log(Level.INFO, "created admin token file {0}", file.toAbsolutePath());
  }

  /**
   * Returns whether the {@code Authorization} header carries this token, comparing in constant
   * time.
   *
   * @param authorization the header's value, or null
   */
  boolean accepts(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    // Digests of the exact UTF-8 bytes, compared in constant time: no character outside ASCII is
    // folded into '?' (which a token may hold), and neither time nor length tells how much of a
    // guess was right.
    return MessageDigest.isEqual(
        sha256(authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8)), expected);
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available on this JVM", e);
    }
  }
}
