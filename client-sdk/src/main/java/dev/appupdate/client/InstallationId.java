package dev.appupdate.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.AclEntry;
import java.nio.file.attribute.AclEntryPermission;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A stable, random per-installation id, kept in a file the application names. The server uses it
 * only to place the installation in staged rollouts; it carries nothing about the user or the
 * machine.
 *
 * <pre>{@code
 * String id = InstallationId.loadOrCreate(appDataDir.resolve("installation-id"));
 * UpdateClient client = UpdateClient.builder()
 *     ...
 *     .installationId(id)
 *     .build();
 * }</pre>
 */
public final class InstallationId {
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final int MAX_FILE_BYTES = 256;

  private InstallationId() {}

  /**
   * Returns the id stored in {@code file}, creating the file with a new random UUID first when it
   * does not exist. A new file is written completely before it appears under its name (so a crash
   * never leaves a half-written id), is never overwritten once there (two processes starting at
   * once agree on one id), and is accessible by its owner only: through POSIX permissions ({@code
   * rw-------}) where the file system has them, else through an access control list with the owner
   * as its only entry (Windows); on a file system with neither it inherits the directory's
   * permissions. Missing parent directories are created.
   *
   * @param file where the id is kept, for example {@code <app data>/installation-id}
   * @return the id, a UUID in its canonical text form
   * @throws IOException if the file cannot be read or written, or holds something other than a UUID
   *     (delete it to get a new id; the installation then counts as new for rollouts)
   */
  public static String loadOrCreate(Path file) throws IOException {
    Objects.requireNonNull(file, "file == null");
    Path path = file.toAbsolutePath();
    if (Files.exists(path)) {
      return read(path);
    }
    Path dir = path.getParent();
    Files.createDirectories(dir);
    String id = UUID.randomUUID().toString();
    Path tmp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp", ownerOnly(dir));
    try {
      AclFileAttributeView acl = Files.getFileAttributeView(tmp, AclFileAttributeView.class);
      if (acl != null && !dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        // Before the id is written, so that no one else can ever read it.
        restrictToOwner(acl);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII));
        while (bytes.hasRemaining()) {
          ch.write(bytes);
        }
        ch.force(true);
      }
      try {
        // A hard link appears atomically with its full content and fails if the name is taken.
        Files.createLink(path, tmp);
      } catch (FileAlreadyExistsException e) {
        return read(path);
      } catch (UnsupportedOperationException | FileSystemException e) {
        // No hard links here: a rename is still atomic, but would replace a file that another
        // process created a moment ago; such a race costs one rollout reassignment at worst.
        try {
          Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e2) {
          Files.move(tmp, path);
        }
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return read(path);
  }

  private static FileAttribute<?>[] ownerOnly(Path dir) {
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[] {
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
      };
    }
    return new FileAttribute<?>[0];
  }

  /** Replaces the file's access control list with one entry: its owner may do everything. */
  static void restrictToOwner(AclFileAttributeView view) throws IOException {
    AclEntry owner =
        AclEntry.newBuilder()
            .setType(AclEntryType.ALLOW)
            .setPrincipal(view.getOwner())
            .setPermissions(EnumSet.allOf(AclEntryPermission.class))
            .build();
    view.setAcl(List.of(owner));
  }

  private static String read(Path path) throws IOException {
    long size = Files.size(path);
    if (size > MAX_FILE_BYTES) {
      throw new IOException(
          path
              + " does not hold an installation id: it has "
              + size
              + " bytes, an id has 36; delete the file to create a new id");
    }
    String text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8).strip();
    if (!UUID_TEXT.matcher(text).matches()) {
      String got = text.isEmpty() ? "the file is empty" : "got \"" + Reasons.clean(text) + "\"";
      throw new IOException(
          path
              + " does not hold an installation id (a UUID such as"
              + " 3f1c0a9e-52c6-4d1e-9a57-0b4d2f6f1e2a): "
              + got
              + "; delete the file to create a new id");
    }
    return text;
  }
}
