package dev.appupdate.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link JsonlCompletionStore.Disk} that forces for real, records each force, and fails the next ones
 * when told to.
 */
final class RecordingDisk implements JsonlCompletionStore.Disk {
  private final List<String> events = new ArrayList<>();
  private int failuresLeft;
  private long usableSpace = -1;

  /** Makes the file system report {@code bytes} free from now on; -1 for the real figure. */
  synchronized void usableSpace(long bytes) {
    usableSpace = bytes;
  }

  @Override
  public synchronized long usableSpace(Path dir) throws IOException {
    return usableSpace >= 0 ? usableSpace : JsonlCompletionStore.Disk.super.usableSpace(dir);
  }

  /** Makes the next {@code n} file forces fail, as a full or failing disk would. */
  synchronized void failNextForces(int n) {
    failuresLeft = n;
  }

  /** Returns what was forced so far: {@code force(true)}, {@code force(false)}, {@code dir}. */
  synchronized List<String> events() {
    return List.copyOf(events);
  }

  synchronized void clear() {
    events.clear();
  }

  @Override
  public void force(FileChannel channel, boolean metaData) throws IOException {
    synchronized (this) {
      if (failuresLeft > 0) {
        failuresLeft--;
        events.add("failed force(" + metaData + ")");
        throw new IOException("Input/output error (injected)");
      }
      events.add("force(" + metaData + ")");
    }
    channel.force(metaData);
  }

  @Override
  public synchronized void forceDirectory(Path dir) {
    events.add("dir " + dir.getFileName());
    Durability.forceDirectory(dir);
  }
}
