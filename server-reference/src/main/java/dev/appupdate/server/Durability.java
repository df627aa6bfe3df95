package dev.appupdate.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Makes directory changes durable. */
final class Durability {
  private Durability() {}

  /**
   * Forces {@code dir}'s entries to disk, so that a file just created or renamed in it survives a
   * crash. A no-op where directories cannot be opened (Windows), where renames are durable anyway.
   */
  static void forceDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Not supported on this platform; nothing more can be done.
    }
  }
}
