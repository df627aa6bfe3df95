package dev.appupdate.server;

import dev.appupdate.protocol.requestid.InvalidRequestIdException;
import dev.appupdate.protocol.requestid.RequestIdClaims;
import dev.appupdate.protocol.requestid.RequestIds;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The append-only completion log, {@code DATA/completions.jsonl}: one JSON line per (request_id,
 * update_type), forced to disk before {@link #append} returns.
 *
 * <p>A single writer thread appends: reports that arrive while it forces the previous group are
 * written and forced together (group commit), so lines never interleave and a busy server pays one
 * {@code fsync} per group rather than per report. A (request_id, update_type) already in the log is
 * not written again, across restarts too: at open the keys of the lines whose request id is still
 * within retention are loaded (as 128-bit hashes, pruned hourly once expired, so memory is bounded
 * by the reports of one retention period). A final line torn by a crash is reported and cut off.
 */
final class CompletionLog implements Closeable {
  static final String NAME = "completions.jsonl";

  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");
  private static final int MAX_LINE_BYTES = 64 * 1024;
  private static final int MAX_GROUP = 256;
  private static final int MAX_WARNINGS = 10;
  private static final Duration PRUNE_INTERVAL = Duration.ofHours(1);
  private static final Batch CLOSE = new Batch(List.of(), 0);

  private final Path file;
  private final FileChannel channel;
  private final ServerJson json;
  private final Clock clock;

  /** Key to the epoch second after which its request id has expired; writer thread only. */
  private final Map<Key, Long> recorded;

  private final BlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private long size;
  private Instant nextPrune;
  private volatile int keyCount;
  private volatile IOException broken;
  private boolean closed;

  private CompletionLog(
      Path file,
      FileChannel channel,
      long size,
      Map<Key, Long> recorded,
      ServerJson json,
      Clock clock) {
    this.file = file;
    this.channel = channel;
    this.size = size;
    this.recorded = recorded;
    this.json = json;
    this.clock = clock;
    this.keyCount = recorded.size();
    this.nextPrune = clock.instant().plus(PRUNE_INTERVAL);
    this.writer = new Thread(this::writeLoop, "appupdate-completion-log");
    writer.setDaemon(true);
  }

  /**
   * Opens (creating if needed) the log in {@code dataDir}: cuts a torn final line, loads the keys
   * of the recorded completions still within retention, and starts the writer.
   *
   * @param ids verifies the request ids of the recorded lines, to keep only the unexpired ones
   * @throws IOException if the file cannot be created, read or truncated
   */
  static CompletionLog open(Path dataDir, ServerJson json, RequestIds ids, Clock clock)
      throws IOException {
    Path file = dataDir.resolve(NAME);
    boolean created = !Files.exists(file);
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      if (created) {
        Durability.forceDirectory(dataDir);
      }
      Map<Key, Long> recorded = new HashMap<>();
      long end = load(file, channel, json, ids, recorded);
      CompletionLog log = new CompletionLog(file, channel, end, recorded, json, clock);
      log.writer.start();
      return log;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Reads every line; returns the offset just past the last complete line. */
  private static long load(
      Path file, FileChannel channel, ServerJson json, RequestIds ids, Map<Key, Long> recorded)
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
          String problem = remember(line.toByteArray(), json, ids, recorded);
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
    if (unreadable > MAX_WARNINGS) {
      LOG.log(
          Level.WARNING,
          "{0}: {1} unreadable lines in all; they stay in the file and are ignored",
          file,
          unreadable);
    }
    if (lastLineEnd < fileSize) {
      LOG.log(
          Level.WARNING,
          "{0}: dropping a torn final line of {1} bytes at offset {2}, left by a write that a crash"
              + " interrupted (its report was never acknowledged)",
          file,
          fileSize - lastLineEnd,
          lastLineEnd);
      channel.truncate(lastLineEnd);
      channel.force(true);
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

  /** Returns null when the line was read (its key kept if unexpired), else why it is unreadable. */
  private static String remember(
      byte[] line, ServerJson json, RequestIds ids, Map<Key, Long> recorded) {
    CompletionRecord record;
    try {
      record = json.readCompletionLine(line, 0, line.length);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    try {
      RequestIdClaims claims = ids.verify(record.requestId());
      recorded.put(
          key(record.requestId(), record.updateType()), claims.expiresAt().getEpochSecond());
    } catch (InvalidRequestIdException e) {
      // Expired, or issued under another key: a repeat would be refused anyway, nothing to keep.
    }
    return null;
  }

  /**
   * Appends the records whose (request_id, update_type) is not in the log yet and returns once they
   * are on disk.
   *
   * @param records the records of one report
   * @param keepUntil when the report's request id expires: until then a repeat is recognized
   * @return how many records were new
   * @throws IOException if the log is closed or cannot be written; nothing of the call is recorded
   * @throws InterruptedException if interrupted while waiting for the disk
   */
  int append(List<CompletionRecord> records, Instant keepUntil)
      throws IOException, InterruptedException {
    Batch batch = new Batch(List.copyOf(records), keepUntil.getEpochSecond());
    synchronized (this) {
      if (closed) {
        throw new IOException("the completion log is closed");
      }
      IOException failure = broken;
      if (failure != null) {
        throw new IOException(
            "the completion log "
                + file
                + " cannot be written since an earlier failure ("
                + failure.getMessage()
                + "); restart the server",
            failure);
      }
      queue.add(batch);
    }
    try {
      return batch.done.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new IOException(
          "cannot write the completion log " + file + ": " + cause.getMessage(), cause);
    }
  }

  /** Returns how many (request_id, update_type) keys are remembered for de-duplication. */
  int keyCount() {
    return keyCount;
  }

  /** Writes what is queued, stops the writer and closes the file. */
  @Override
  public void close() throws IOException {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      queue.add(CLOSE);
    }
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channel.close();
  }

  private void writeLoop() {
    List<Batch> group = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      try {
        group.add(queue.take());
      } catch (InterruptedException e) {
        // Nobody interrupts this thread; if something does, keep serving until CLOSE.
        continue;
      }
      queue.drainTo(group, MAX_GROUP);
      stop = group.remove(CLOSE);
      if (!group.isEmpty()) {
        commit(group);
      }
      group.clear();
    }
  }

  private void commit(List<Batch> group) {
    IOException failure = broken;
    if (failure != null) {
      group.forEach(b -> b.done.completeExceptionally(failure));
      return;
    }
    try {
      Instant now = clock.instant();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Map<Key, Long> fresh = new HashMap<>();
      int[] counts = new int[group.size()];
      for (int g = 0; g < group.size(); g++) {
        Batch batch = group.get(g);
        for (CompletionRecord record : batch.records) {
          Key key = key(record.requestId(), record.updateType());
          if (!recorded.containsKey(key) && !fresh.containsKey(key)) {
            fresh.put(key, batch.keepUntil);
            out.write(json.completionLine(record));
            counts[g]++;
          }
        }
      }
      if (out.size() > 0) {
        write(out.toByteArray());
        recorded.putAll(fresh);
      }
      if (!now.isBefore(nextPrune)) {
        long second = now.getEpochSecond();
        recorded.values().removeIf(expiry -> expiry < second);
        nextPrune = now.plus(PRUNE_INTERVAL);
      }
      keyCount = recorded.size();
      for (int g = 0; g < group.size(); g++) {
        group.get(g).done.complete(counts[g]);
      }
    } catch (IOException e) {
      LOG.log(Level.ERROR, "cannot write the completion log " + file, e);
      rollBack(e);
      group.forEach(b -> b.done.completeExceptionally(e));
    } catch (RuntimeException | Error e) {
      LOG.log(Level.ERROR, "completion log writer failed", e);
      broken = new IOException(e.toString(), e);
      group.forEach(b -> b.done.completeExceptionally(e));
    }
  }

  private void write(byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long at = size;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
    channel.force(false);
    size = at;
  }

  /** Cuts a partly written group so that the next one starts on a line boundary. */
  private void rollBack(IOException cause) {
    try {
      channel.truncate(size);
      channel.force(true);
    } catch (IOException e) {
      cause.addSuppressed(e);
      broken = cause;
    }
  }

  private static Key key(String requestId, String updateType) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available on this JVM", e);
    }
    sha.update(requestId.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) '\n');
    byte[] d = sha.digest(updateType.getBytes(StandardCharsets.UTF_8));
    ByteBuffer b = ByteBuffer.wrap(d);
    return new Key(b.getLong(), b.getLong());
  }

  /**
   * A (request_id, update_type) pair as 128 bits of its SHA-256: small, and collisions are moot.
   */
  private record Key(long high, long low) {}

  private static final class Batch {
    final List<CompletionRecord> records;
    final long keepUntil;
    final CompletableFuture<Integer> done = new CompletableFuture<>();

    Batch(List<CompletionRecord> records, long keepUntil) {
      this.records = records;
      this.keepUntil = keepUntil;
    }
  }
}
