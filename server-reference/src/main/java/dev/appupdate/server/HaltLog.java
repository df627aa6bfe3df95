package dev.appupdate.server;

import dev.appupdate.server.CompletionStore.HaltEvent;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The halts and resumes of releases, {@code DATA/halts.jsonl}: one JSON line per event, forced to
 * disk before {@link #append} returns, all read at open (there are few). A final line torn by a
 * crash is cut off. Thread-safe.
 */
final class HaltLog implements Closeable {
  static final String NAME = "halts.jsonl";

  private final FileChannel channel;
  private final ServerJson json;
  private final JsonlCompletionStore.Disk disk;
  private final List<HaltEvent> events;
  private long size;

  private HaltLog(
      FileChannel channel,
      long size,
      List<HaltEvent> events,
      ServerJson json,
      JsonlCompletionStore.Disk disk) {
    this.channel = channel;
    this.size = size;
    this.events = events;
    this.json = json;
    this.disk = disk;
  }

  static HaltLog open(Path dataDir, ServerJson json, JsonlCompletionStore.Disk disk)
      throws IOException {
    Path file = dataDir.resolve(NAME);
    FileChannel channel = JsonLines.open(file, StandardOpenOption.CREATE);
    try {
      List<HaltEvent> events = new ArrayList<>();
      long end =
          JsonLines.read(
              file,
              channel,
              true,
              line -> {
                try {
                  events.add(json.readHaltLine(line));
                  return null;
                } catch (IllegalArgumentException e) {
                  return e.getMessage();
                }
              });
      disk.force(channel, true);
      disk.forceDirectory(dataDir);
      return new HaltLog(channel, end, events, json, disk);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  synchronized void append(HaltEvent event) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(json.haltLine(event));
    long at = size;
    try {
      while (buffer.hasRemaining()) {
        at += channel.write(buffer, at);
      }
      disk.force(channel, false);
    } catch (IOException e) {
      // Cut a partial line, so that the next event starts on a line boundary, and make the cut
      // durable: an event refused to its caller must not come back at the next start.
      try {
        channel.truncate(size);
        disk.force(channel, true);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    size = at;
    events.add(event);
  }

  synchronized List<HaltEvent> events() {
    return List.copyOf(events);
  }

  @Override
  public synchronized void close() throws IOException {
    channel.close();
  }
}
