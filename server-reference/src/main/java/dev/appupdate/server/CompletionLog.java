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
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * within retention are loaded into {@link CompletionKeys}, and they are forgotten an hour after
 * their request id expired. Their number is capped: when the cap is reached new completions are
 * refused (the caller answers 503) until expired keys are forgotten. A final line torn by a crash
 * is reported and cut off.
 *
 * <p>The log belongs to one server process (the data directory is locked) and is never rotated
 * while it runs: before each write the file must still have the size this writer left it at, or
 * the write is refused and the log counts as broken until a restart. To rotate, stop the server,
 * move the file away and start it again.
 */
final class CompletionLog implements Closeable {
  static final String NAME = "completions.jsonl";

  /** The cap on remembered keys unless configured otherwise; about 80 MiB when reached. */
  static final int DEFAULT_MAX_KEYS = 2_000_000;

  /**
   * How long a key is kept after its request id expired: a repeat verified just before the expiry
   * may still wait in the queue when the hourly prune runs, and must still be recognized.
   */
  static final Duration PRUNE_INTERVAL = Duration.ofHours(1);

  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");
  private static final int MAX_LINE_BYTES = 64 * 1024;
  private static final int MAX_GROUP = 256;
  private static final int MAX_WARNINGS = 10;
  private static final Batch CLOSE = new Batch(List.of(), 0);

  /**
   * How the log reaches the disk: the production code forces for real; tests substitute it to
   * observe the forces or make them fail.
   */
  interface Disk {
    /** Forces the real file system. */
    Disk SYSTEM =
        new Disk() {
          @Override
          public void force(FileChannel channel, boolean metaData) throws IOException {
            channel.force(metaData);
          }

          @Override
          public void forceDirectory(Path dir) {
            Durability.forceDirectory(dir);
          }
        };

    /** {@link FileChannel#force}. */
    void force(FileChannel channel, boolean metaData) throws IOException;

    /** {@link Durability#forceDirectory}. */
    void forceDirectory(Path dir);
  }

  private final Path file;
  private final FileChannel channel;
  private final ServerJson json;
  private final Clock clock;
  private final Disk disk;

  /** Writer thread only. */
  private final CompletionKeys recorded;

  private final BlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private long size;
  private Instant nextPrune;
  private boolean capWarned;
  private volatile int keyCount;
  private volatile Failure broken;
  private boolean closed;

  private CompletionLog(
      Path file,
      FileChannel channel,
      long size,
      CompletionKeys recorded,
      ServerJson json,
      Clock clock,
      Disk disk) {
    this.file = file;
    this.channel = channel;
    this.size = size;
    this.recorded = recorded;
    this.json = json;
    this.clock = clock;
    this.disk = disk;
    this.keyCount = recorded.size();
    this.nextPrune = clock.instant().plus(PRUNE_INTERVAL);
    this.writer = new Thread(this::writeLoop, "appupdate-completion-log");
    writer.setDaemon(true);
  }

  /**
   * Opens (creating if needed, readable by the owner only) the log in {@code dataDir}: cuts a torn
   * final line, loads the keys of the recorded completions still within retention, forces what it
   * read to disk, and starts the writer.
   *
   * @param ids verifies the request ids of the recorded lines, to keep only the unexpired ones
   * @param disk forces the file and the directory
   * @param maxKeys how many (request_id, update_type) keys may be remembered at most
   * @throws IOException if the file cannot be created, read, truncated or forced, or holds more
   *     unexpired completions than {@code maxKeys}
   */
  static CompletionLog open(
      Path dataDir, ServerJson json, RequestIds ids, Clock clock, Disk disk, int maxKeys)
      throws IOException {
    Path file = dataDir.resolve(NAME);
    Set<OpenOption> options =
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileChannel channel =
        file.getFileSystem().supportedFileAttributeViews().contains("posix")
            ? FileChannel.open(file, options, ownerOnly())
            : FileChannel.open(file, options);
    try {
      CompletionKeys recorded = new CompletionKeys(maxKeys);
      long end = load(file, channel, json, ids, recorded);
      // The lines just read may still sit in the page cache, written by a process that died before
      // forcing them; a repeat recognized from them is acknowledged, so they must be on disk first.
      disk.force(channel, true);
      // Likewise the file's directory entry, even when an earlier process created the file.
      disk.forceDirectory(dataDir);
      CompletionLog log = new CompletionLog(file, channel, end, recorded, json, clock, disk);
      log.writer.start();
      return log;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static FileAttribute<?> ownerOnly() {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  }

  /** Reads every line; returns the offset just past the last complete line. */
  private static long load(
      Path file, FileChannel channel, ServerJson json, RequestIds ids, CompletionKeys recorded)
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
          String problem = remember(file, line.toByteArray(), json, ids, recorded);
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
      Path file, byte[] line, ServerJson json, RequestIds ids, CompletionKeys recorded)
      throws IOException {
    CompletionRecord record;
    try {
      record = json.readCompletionLine(line, 0, line.length);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    RequestIdClaims claims;
    try {
      claims = ids.verify(record.requestId());
    } catch (InvalidRequestIdException e) {
      // Expired, or issued under another key: a repeat would be refused anyway, nothing to keep.
      return null;
    }
    CompletionKeys.Key key = CompletionKeys.key(record.requestId(), record.updateType());
    if (!recorded.contains(key) && recorded.room() == 0) {
      throw new IOException(
          file
              + " holds more unexpired completions than the "
              + recorded.max()
              + " that can be remembered to recognize repeated reports; raise the limit"
              + " (--max-completion-keys) or shorten the retention");
    }
    recorded.add(key, claims.expiresAt().getEpochSecond());
    return null;
  }

  /**
   * Appends the records whose (request_id, update_type) is not in the log yet and returns once they
   * are on disk.
   *
   * @param records the records of one report
   * @param keepUntil when the report's request id expires: until then a repeat is recognized
   * @return how many records were new
   * @throws IOException if the log is closed or broken, cannot be written, or the cap on remembered
   *     keys is reached; nothing of the call is recorded
   * @throws InterruptedException if interrupted while waiting for the disk
   */
  int append(List<CompletionRecord> records, Instant keepUntil)
      throws IOException, InterruptedException {
    Batch batch = new Batch(List.copyOf(records), keepUntil.getEpochSecond());
    synchronized (this) {
      if (closed) {
        throw new IOException("the completion log is closed");
      }
      Failure failure = broken;
      if (failure != null) {
        throw refusedSinceBroken(failure);
      }
      queue.add(batch);
    }
    try {
      return batch.done.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Refusal) {
        throw new IOException(cause.getMessage(), cause);
      }
      throw new IOException(
          "cannot write the completion log " + file + ": " + cause.getMessage(), cause);
    }
  }

  private Refusal refusedSinceBroken(Failure failure) {
    return new Refusal(
        "the completion log "
            + file
            + " cannot be written since an earlier failure ("
            + failure.cause().getMessage()
            + "); restart the server",
        failure.cause());
  }

  /** Returns how many (request_id, update_type) keys are remembered for de-duplication. */
  int keyCount() {
    return keyCount;
  }

  /**
   * Returns why the log cannot be written any more, or null while it works: every completion is
   * refused until the server is restarted.
   */
  Failure failure() {
    return broken;
  }

  /**
   * Writes what is queued, stops the writer, forces the file once more and closes it.
   *
   * @throws IOException if the final force or the close fails: records acknowledged before may not
   *     be on disk
   */
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
    try (channel) {
      disk.force(channel, true);
    }
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
    Failure failure = broken;
    if (failure != null) {
      Refusal e = refusedSinceBroken(failure);
      group.forEach(b -> b.done.completeExceptionally(e));
      return;
    }
    try {
      Instant now = clock.instant();
      if (!now.isBefore(nextPrune)) {
        // Only keys whose request id expired a whole interval ago: a repeat verified just before
        // its expiry may still be queued behind this group.
        recorded.removeExpiredBefore(now.minus(PRUNE_INTERVAL).getEpochSecond());
        nextPrune = now.plus(PRUNE_INTERVAL);
        if (recorded.room() > 0) {
          capWarned = false;
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Set<CompletionKeys.Key> fresh = new HashSet<>();
      List<FreshKey> freshKeys = new ArrayList<>();
      int[] counts = new int[group.size()];
      for (int g = 0; g < group.size(); g++) {
        Batch batch = group.get(g);
        List<FreshKey> mine = new ArrayList<>();
        for (CompletionRecord record : batch.records) {
          CompletionKeys.Key key = CompletionKeys.key(record.requestId(), record.updateType());
          if (!recorded.contains(key) && !fresh.contains(key)) {
            mine.add(new FreshKey(key, batch.keepUntil, record));
          }
        }
        if (freshKeys.size() + mine.size() > recorded.room()) {
          batch.done.completeExceptionally(capReached());
          batch.refused = true;
          continue;
        }
        for (FreshKey k : mine) {
          fresh.add(k.key());
          freshKeys.add(k);
          out.write(json.completionLine(k.record()));
        }
        counts[g] = mine.size();
      }
      if (out.size() > 0) {
        write(out.toByteArray());
        for (FreshKey k : freshKeys) {
          recorded.add(k.key(), k.keepUntil());
        }
      }
      keyCount = recorded.size();
      for (int g = 0; g < group.size(); g++) {
        if (!group.get(g).refused) {
          group.get(g).done.complete(counts[g]);
        }
      }
    } catch (ChangedOutsideException e) {
      LOG.log(Level.ERROR, e.getMessage());
      broken = new Failure(clock.instant(), e);
      group.forEach(b -> b.done.completeExceptionally(e));
    } catch (IOException e) {
      LOG.log(Level.ERROR, "cannot write the completion log " + file, e);
      rollBack(e);
      group.forEach(b -> b.done.completeExceptionally(e));
    } catch (RuntimeException | Error e) {
      LOG.log(Level.ERROR, "completion log writer failed", e);
      broken = new Failure(clock.instant(), new IOException(e.toString(), e));
      group.forEach(b -> b.done.completeExceptionally(e));
    }
  }

  private Refusal capReached() {
    if (!capWarned) {
      capWarned = true;
      LOG.log(
          Level.ERROR,
          "{0}: {1} completions of unexpired request ids are remembered, the most allowed; new"
              + " completions are answered 503 until older request ids expire. Raise the limit"
              + " (--max-completion-keys) or shorten the retention",
          file,
          recorded.size());
    }
    return new Refusal(
        "the completion log remembers "
            + recorded.size()
            + " completions of unexpired request ids, the most allowed");
  }

  private void write(byte[] bytes) throws IOException {
    long actual = channel.size();
    if (actual != size) {
      throw new ChangedOutsideException(
          "the completion log "
              + file
              + " is "
              + actual
              + " bytes long, but this server wrote it up to "
              + size
              + ": something else wrote, truncated or rotated it (copytruncate). Nothing more is"
              + " written to it; stop the server, move the file away if it is to be rotated, and"
              + " start the server again");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long at = size;
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
    disk.force(channel, false);
    size = at;
  }

  /** Cuts a partly written group so that the next one starts on a line boundary. */
  private void rollBack(IOException cause) {
    try {
      channel.truncate(size);
      disk.force(channel, true);
    } catch (IOException e) {
      cause.addSuppressed(e);
      broken = new Failure(clock.instant(), cause);
    }
  }

  /**
   * Why the log cannot be written any more.
   *
   * @param at when it broke
   * @param cause what broke it
   */
  record Failure(Instant at, IOException cause) {}

  /** A write refused by the log itself; the message says why, with nothing to add. */
  private static class Refusal extends IOException {
    private static final long serialVersionUID = 1L;

    Refusal(String message) {
      super(message);
    }

    Refusal(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The file is not as this writer left it: writing would overwrite or corrupt lines. */
  private static final class ChangedOutsideException extends Refusal {
    private static final long serialVersionUID = 1L;

    ChangedOutsideException(String message) {
      super(message);
    }
  }

  private record FreshKey(CompletionKeys.Key key, long keepUntil, CompletionRecord record) {}

  private static final class Batch {
    final List<CompletionRecord> records;
    final long keepUntil;
    final CompletableFuture<Integer> done = new CompletableFuture<>();
    boolean refused;

    Batch(List<CompletionRecord> records, long keepUntil) {
      this.records = records;
      this.keepUntil = keepUntil;
    }
  }
}
