package dev.appupdate.client;

import dev.appupdate.protocol.AvailableUpdate;
import dev.appupdate.protocol.Patch;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * Rebuilds an offer from its patch, for {@link Downloader}: finds the base file and checks it
 * against the offer's {@code from_hash_value}, downloads and verifies the patch file (the
 * listener sees its bytes), has the {@link PatchApplier} write the new bytes into {@code
 * .<name>.rebuilt} while they are hashed and counted, and moves that file to the final name only
 * when size and digest are the offer's. Every failure is a reason to download the full file
 * instead; only a cancellation ends the download.
 */
final class Patching {
  private static final System.Logger LOG = System.getLogger(UpdateClient.class.getName());
  private static final int BUFFER_SIZE = 64 * 1024;

  private final PatchApplier applier;
  private final Function<String, Path> baseFiles;

  /**
   * @param baseFiles update type to the installed file, or null to look only in the download
   *     directory
   */
  Patching(PatchApplier applier, Function<String, Path> baseFiles) {
    this.applier = applier;
    this.baseFiles = baseFiles;
  }

  /** A patch failure: why the full file is downloaded instead. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;

    Failure(String reason) {
      super(reason, null, false, false);
    }
  }

  /**
   * Puts the rebuilt, verified bytes of {@code update} at {@code target}.
   *
   * @throws Failure why the patch could not be used; nothing is left at {@code target}
   * @throws DownloadCancelledException if the listener cancelled or the thread was interrupted
   */
  void apply(
      Downloader downloader,
      AvailableUpdate update,
      Path directory,
      String name,
      Path target,
      DownloadListener listener)
      throws Failure, DownloadCancelledException {
    Patch patch = update.patch();
    if (!applier.formats().contains(patch.format())) {
      throw new Failure("patch format " + patch.format() + " not supported");
    }
    Path base = base(update.updateType(), patch, directory);
    AvailableUpdate patchFile =
        AvailableUpdate.builder()
            .updateType(update.updateType())
            .version(update.version())
            .url(patch.url())
            .hashFunction(patch.hashFunction())
            .hashValue(patch.hashValue())
            .size(patch.size())
            .build();
    Path patchPath;
    try {
      patchPath =
          downloader
              .download(patchFile, directory, FileNames.patchName(name), listener, false)
              .path();
    } catch (DownloadCancelledException e) {
      throw e;
    } catch (DownloadException e) {
      throw new Failure("patch download failed: " + e.reason());
    }
    Path rebuilt = directory.resolve(FileNames.rebuiltName(name));
    try {
      rebuild(update, patch.format(), base, patchPath, rebuilt);
      move(rebuilt, target);
    } finally {
      deleteQuietly(rebuilt);
      deleteQuietly(patchPath);
    }
  }

  /**
   * The base file: the application's for the update type when it names one that exists, else the
   * verified file of the {@code from} version a download left in {@code directory}; either must
   * have the digest the offer gives for it.
   */
  private Path base(String updateType, Patch patch, Path directory) throws Failure {
    Path candidate;
    try {
      candidate = baseFiles == null ? null : baseFiles.apply(updateType);
    } catch (RuntimeException e) {
      // The application's resolver failing is no reason to fail the update.
      LOG.log(Level.DEBUG, () -> "base file resolver failed for " + updateType + ": " + e);
      candidate = null;
    }
    if (candidate == null || !Files.isRegularFile(candidate)) {
      // The SDK's own file is trusted as a file only: never followed out of the directory.
      candidate = directory.resolve(FileNames.finalName(updateType, patch.from()));
      if (!Files.isRegularFile(candidate, LinkOption.NOFOLLOW_LINKS)) {
        throw new Failure("no base file of " + updateType + " " + patch.from());
      }
    }
    try (FileChannel file = FileChannel.open(candidate, StandardOpenOption.READ)) {
      MessageDigest d = patch.hashFunction().newDigest();
      ByteBuffer buf = ByteBuffer.allocate(BUFFER_SIZE);
      for (long pos = 0, n; (n = file.read(buf.clear(), pos)) >= 0; pos += n) {
        d.update(buf.array(), 0, (int) n);
      }
      if (!MessageDigest.isEqual(d.digest(), HexFormat.of().parseHex(patch.fromHashValue()))) {
        throw new Failure("base file " + candidate.getFileName() + " differs from "
            + patch.from() + " (digest)");
      }
    } catch (ClosedByInterruptException e) {
      Thread.currentThread().interrupt();
      throw new Failure("interrupted");
    } catch (IOException e) {
      throw new Failure("cannot read base file: " + Reasons.describe(e));
    }
    return candidate;
  }

  private void rebuild(AvailableUpdate update, String format, Path base, Path patch, Path rebuilt)
      throws Failure, DownloadCancelledException {
    MessageDigest digest = update.hashFunction().newDigest();
    long written;
    try (FileChannel channel =
        FileChannel.open(
            rebuilt,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      Verifying out = new Verifying(channel, digest, update.size());
      applier.apply(format, base, patch, update.size(), out);
      out.drain();
      written = out.written;
      if (written == update.size()
          && MessageDigest.isEqual(digest.digest(), HexFormat.of().parseHex(update.hashValue()))) {
        channel.force(true);
        return;
      }
    } catch (IOException | RuntimeException | LinkageError | OutOfMemoryError e) {
      // A native applier fails with errors too: a library that does not load on this platform
      // (UnsatisfiedLinkError, NoClassDefFoundError), or native or direct memory it cannot get,
      // an allocation that is garbage once unwound. The full download needs neither.
      if (interrupted(e)) {
        throw new DownloadCancelledException("interrupted while applying the patch of "
            + update.updateType() + " " + update.version());
      }
      LOG.log(Level.DEBUG, () -> "patch of " + update.updateType() + " failed: " + e);
      throw new Failure("patch apply failed: " + Reasons.describe(e));
    }
    throw new Failure(
        written == update.size()
            ? "rebuilt file has the wrong digest"
            : "rebuilt file has " + written + " bytes, expected " + update.size());
  }

  private static boolean interrupted(Throwable e) {
    return Thread.currentThread().isInterrupted()
        || e instanceof ClosedByInterruptException
        || e instanceof InterruptedIOException;
  }

  private static void move(Path rebuilt, Path target) throws Failure {
    try {
      try {
        Files.move(rebuilt, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(rebuilt, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new Failure("cannot move the rebuilt file into place: " + Reasons.describe(e));
    }
    try (FileChannel dir =
        FileChannel.open(target.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.log(Level.DEBUG, () -> "cannot force the directory of " + target + ": " + e);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.log(Level.DEBUG, () -> "cannot delete " + path + ": " + e);
    }
  }

  /**
   * What the applier writes to: hashes and counts every byte and writes it to the file, and
   * refuses the first byte past the declared size, so a hostile patch cannot fill the disk.
   */
  private static final class Verifying extends OutputStream {
    private final FileChannel channel;
    private final MessageDigest digest;
    private final long limit;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
    long written;

    Verifying(FileChannel channel, MessageDigest digest, long limit) {
      this.channel = channel;
      this.digest = digest;
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > limit - written) {
        throw new IOException("patch produces more than the " + limit + " bytes declared");
      }
      digest.update(b, off, len);
      written += len;
      while (len > 0) {
        int n = Math.min(len, buffer.remaining());
        buffer.put(b, off, n);
        off += n;
        len -= n;
        if (!buffer.hasRemaining()) {
          drain();
        }
      }
    }

    void drain() throws IOException {
      buffer.flip();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      buffer.clear();
    }
  }
}
