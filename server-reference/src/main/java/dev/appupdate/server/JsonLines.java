package dev.appupdate.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;

/** Reading and opening the append-only JSON Lines files of the data directory. */
final class JsonLines {
  static final int MAX_LINE_BYTES = 64 * 1024;
  private static final int MAX_WARNINGS = 10;
  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");

  private JsonLines() {}

  /** Receives one complete line, without its {@code '\n'}. */
  interface LineHandler {
    /**
     * Returns null when the line was read, else why it is unreadable.
     *
     * @throws IOException to stop reading
     */
    String line(byte[] line) throws IOException;
  }

  /** Opens {@code file} for reading and writing, creating it readable by the owner only. */
  static FileChannel open(Path file, OpenOption... extra) throws IOException {
    Set<OpenOption> options =
        new HashSet<>(Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
    options.addAll(Set.of(extra));
    return file.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? FileChannel.open(file, options, ownerOnly())
        : FileChannel.open(file, options);
  }

  private static FileAttribute<?> ownerOnly() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  }

  /**
   * Reads every complete line of {@code channel}; unreadable ones are logged (the first few) and
   * skipped. With {@code cutTornLine}, a final line without its {@code '\n'}, left by a write that
   * a crash interrupted, is reported and cut off; otherwise it is reported as unreadable.
   *
   * @return the offset just past the last complete line
   */
  static long read(Path file, FileChannel channel, boolean cutTornLine, LineHandler handler)
      throws IOException {
    long fileSize = channel.size();
    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean overlong = false;
    long position = 0;
    long lastLineEnd = 0;
    int lineNumber = 0;
    int unreadable = 0;
    while (position < fileSize) {
      chunk.clear();
      int n = channel.read(chunk, position);
      if (n < 0) {
        break;
      }
      byte[] bytes = chunk.array();
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (bytes[i] != '\n') {
          continue;
        }
        lineNumber++;
        if (!overlong) {
          line.write(bytes, start, i - start);
        }
        if (overlong || line.size() > MAX_LINE_BYTES) {
          unreadable = warnUnreadable(file, lineNumber, "longer than 64 KiB", unreadable);
        } else {
          String problem = handler.line(line.toByteArray());
          if (problem != null) {
            unreadable = warnUnreadable(file, lineNumber, problem, unreadable);
          }
        }
        line.reset();
        overlong = false;
        start = i + 1;
        lastLineEnd = position + i + 1;
      }
      if (!overlong) {
        line.write(bytes, start, n - start);
        if (line.size() > MAX_LINE_BYTES) {
          overlong = true;
          line.reset();
        }
      }
      position += n;
    }
    if (lastLineEnd < fileSize && !cutTornLine) {
      unreadable = warnUnreadable(file, lineNumber + 1, "no end of line", unreadable);
    }
    if (unreadable > MAX_WARNINGS) {
      LOG.log(
          Level.WARNING,
          "{0}: {1} unreadable lines in all; they stay in the file and are ignored",
          file,
          unreadable);
    }
    if (lastLineEnd < fileSize && cutTornLine) {
      LOG.log(
          Level.WARNING,
          "{0}: dropping a torn final line of {1} bytes at offset {2}, left by a write that a crash"
              + " interrupted (it was never acknowledged)",
          file,
          fileSize - lastLineEnd,
          lastLineEnd);
      channel.truncate(lastLineEnd);
    }
    return lastLineEnd;
  }

  private static int warnUnreadable(Path file, int lineNumber, String why, int count) {
    if (count < MAX_WARNINGS) {
      LOG.log(
          Level.WARNING,
          "{0}: line {1} is unreadable ({2}); it stays in the file and is ignored",
          file,
          lineNumber,
          why);
    }
    return count + 1;
  }
}
