package dev.appupdate.server;

import dev.appupdate.protocol.requestid.InvalidRequestIdException;
import dev.appupdate.protocol.requestid.RequestIdClaims;
import dev.appupdate.protocol.requestid.RequestIds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The default completion store: JSON Lines files in the data directory, one line per (request_id,
 * update_type), forced to disk before {@link #append} returns. For one server.
 *
 * <p><b>Files.</b> Lines are appended to {@code completions.jsonl}. When the UTC day changes, or
 * the file would grow past a size step, it is renamed to {@code completions-<UTC time of the
 * rotation>.jsonl} (every line in it was received before that time) and a new one is started; a
 * rotated file is deleted once its time is older than the completion retention, but never while a
 * request id whose report it holds may still be valid (see {@link #deleteBefore}). At open only the
 * kept files are read: restart time follows what is kept, which the byte cap bounds, not what was
 * ever written.
 *
 * <p><b>Writing.</b> A single writer thread appends: reports that arrive while it forces the
 * previous group are written and forced together (group commit), so lines never interleave and a
 * busy server pays one {@code fsync} per group rather than per report. A (request_id, update_type)
 * already recorded is not written again, across restarts too: at open the keys of the lines whose
 * request id is still valid are loaded into {@link CompletionKeys}, and they are forgotten an hour
 * after their request id expired. A final line torn by a crash is reported and cut off.
 *
 * <p><b>Limits.</b> Reports are refused ({@link StoreUnavailableException}, 503 with {@code
 * Retry-After}) while the remembered keys are at their cap, while the kept files would grow past
 * the byte cap, or while the free space of the data directory's file system is under the
 * watermark; {@link #health()} then says down and why (degraded when within 10% of a cap or under
 * twice the watermark), and the server log says so at most once a minute. Each refusal clears by
 * itself: keys expire, files are deleted by retention, space is freed.
 *
 * <p><b>Outside changes.</b> The files belong to one server process (the data directory is
 * locked): before each write the active file must still have the size this writer left it at, or
 * the write is refused and the store is down until a restart.
 *
 * <p><b>Counts and halts.</b> {@link #counts} and {@link #haltFigures} are answered from {@link
 * CompletionAggregates}, built while reading the kept files at open and updated on append; halts
 * and resumes go to {@link HaltLog}.
 */
final class JsonlCompletionStore implements CompletionStore {
  static final String NAME = "completions.jsonl";

  /** The cap on remembered keys unless configured otherwise; about 80 MiB when reached. */
  static final int DEFAULT_MAX_KEYS = 2_000_000;

  /** The cap on the bytes of the kept files unless configured otherwise: 1 GiB. */
  static final long DEFAULT_MAX_BYTES = 1L << 30;

  /** Reports are refused while the data directory has less free space than this: 512 MiB. */
  static final long DEFAULT_MIN_FREE_BYTES = 512L << 20;

  /** How long completion records are kept unless configured otherwise. */
  static final Duration DEFAULT_RETENTION = Duration.ofDays(400);

  /** The size step: the active file is rotated before it grows past this. */
  static final long DEFAULT_ROTATE_BYTES = 64L << 20;

  /**
   * How long a key is kept after its request id expired: a repeat verified just before the expiry
   * may still wait in the queue when the hourly prune runs, and must still be recognized.
   */
  static final Duration PRUNE_INTERVAL = Duration.ofHours(1);

  /** How often a refusal is logged at most; the others are counted into the next line. */
  static final Duration COMPLAINT_INTERVAL = Duration.ofMinutes(1);

  /** What a refused client is told to wait: refusals clear by an operator or by expiry. */
  static final int RETRY_AFTER_SECONDS = 300;

  private static final System.Logger LOG = System.getLogger("dev.appupdate.server");
  private static final int MAX_GROUP = 256;
  private static final long IDLE_CHECK_MILLIS = 10_000;
  private static final String ROTATED_PREFIX = "completions-";
  private static final String SUFFIX = ".jsonl";
  private static final DateTimeFormatter ROTATED_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Batch CLOSE = new Batch(List.of(), 0);

  /**
   * How the store reaches the disk: the production code forces for real; tests substitute it to
   * observe the forces, make them fail, or pretend the disk is full.
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

    /** The bytes available to this process on the file system of {@code dir}. */
    default long usableSpace(Path dir) throws IOException {
      return Files.getFileStore(dir).getUsableSpace();
    }
  }

  /**
   * What the store may hold.
   *
   * @param maxKeys how many (request_id, update_type) keys of valid request ids are remembered
   * @param maxBytes the cap on the bytes of the kept files together
   * @param minFreeBytes reports are refused while the file system has less free space; 0 for none
   * @param retention how long records are kept: older rotated files are deleted
   * @param rotateBytes the size step at which the active file is rotated
   */
  record Limits(
      int maxKeys, long maxBytes, long minFreeBytes, Duration retention, long rotateBytes) {
    static final Limits DEFAULT =
        new Limits(
            DEFAULT_MAX_KEYS,
            DEFAULT_MAX_BYTES,
            DEFAULT_MIN_FREE_BYTES,
            DEFAULT_RETENTION,
            DEFAULT_ROTATE_BYTES);

    Limits {
      Objects.requireNonNull(retention, "retention == null");
      if (maxBytes < 1
          || minFreeBytes < 0
          || rotateBytes < 1
          || retention.isNegative()
          || retention.isZero()) {
        throw new IllegalArgumentException(
            "maxBytes and rotateBytes must be >= 1, minFreeBytes >= 0, retention positive; got "
                + maxBytes
                + ", "
                + rotateBytes
                + ", "
                + minFreeBytes
                + ", "
                + retention);
      }
    }

    Limits withMaxKeys(int n) {
      return new Limits(n, maxBytes, minFreeBytes, retention, rotateBytes);
    }

    Limits withMaxBytes(long n) {
      return new Limits(maxKeys, n, minFreeBytes, retention, rotateBytes);
    }

    Limits withMinFreeBytes(long n) {
      return new Limits(maxKeys, maxBytes, n, retention, rotateBytes);
    }

    Limits withRetention(Duration d) {
      return new Limits(maxKeys, maxBytes, minFreeBytes, d, rotateBytes);
    }

    Limits withRotateBytes(long n) {
      return new Limits(maxKeys, maxBytes, minFreeBytes, retention, n);
    }
  }

  private final Path dataDir;
  private final Path file;
  private final ServerJson json;
  private final Clock clock;
  private final Disk disk;
  private final Limits limits;
  private final HaltLog halts;

  /**
   * How long after its rotation a file may still hold keys of request ids that have not expired
   * (their validity plus {@link #PRUNE_INTERVAL}): it is kept at least that long, past the
   * retention if need be, so that a repeat is still recognized after a restart.
   */
  private final Duration keysKeptFor;

  /** Guarded by itself: the writer updates it, {@link #counts} and the halt read it. */
  private final CompletionAggregates aggregates;

  /** Writer thread only, from here to {@link #complaint}. */
  private final CompletionKeys recorded;

  private final Deque<Segment> rotated;
  private FileChannel channel;
  private long size;
  private LocalDate activeDay;
  private int activeFile;
  private long keptBytes;
  private long freeBytes = Long.MAX_VALUE;

  /** Set when a report was refused for the byte cap, cleared by the next write or deletion. */
  private boolean bytesRefused;
  private Instant nextPrune;
  private String complaint;
  private Instant lastComplaintAt;
  private int unreportedRefusals;
  private StoreHealth.Status loggedStatus = StoreHealth.Status.OK;
  private Instant healthLoggedAt;

  private final BlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile int keyCount;
  private volatile Failure broken;
  private volatile StoreHealth health = StoreHealth.OK;
  private boolean closed;

  private JsonlCompletionStore(
      Path dataDir,
      Opened o,
      ServerJson json,
      Clock clock,
      Disk disk,
      Limits limits,
      Duration keysKeptFor,
      HaltLog halts) {
    this.dataDir = dataDir;
    this.file = dataDir.resolve(NAME);
    this.channel = o.channel;
    this.size = o.size;
    this.activeDay = o.activeDay;
    this.activeFile = o.activeFile;
    this.rotated = o.rotated;
    this.recorded = o.recorded;
    this.aggregates = o.aggregates;
    this.json = json;
    this.clock = clock;
    this.disk = disk;
    this.limits = limits;
    this.halts = halts;
    this.keysKeptFor = keysKeptFor;
    this.keptBytes = o.size + o.rotated.stream().mapToLong(Segment::bytes).sum();
    this.keyCount = recorded.size();
    this.nextPrune = clock.instant().plus(PRUNE_INTERVAL);
    this.writer = new Thread(this::writeLoop, "appupdate-completion-store");
    writer.setDaemon(true);
  }

  /**
   * Opens (creating if needed, readable by the owner only) the store in {@code dataDir}: deletes
   * rotated files past the retention, reads the kept ones, cuts a torn final line of the active
   * file, loads the keys of the recorded completions whose request id is still valid, forces what
   * it read to disk, and starts the writer.
   *
   * @param ids verifies the request ids of the recorded lines, to keep only the unexpired ones
   * @param disk forces the files and the directory, and tells the free space
   * @param limits the caps, the watermark and the retention
   * @throws IOException if a file cannot be created, read, truncated or forced, or the files hold
   *     more unexpired completions than {@code limits.maxKeys()}
   */
  static JsonlCompletionStore open(
      Path dataDir, ServerJson json, RequestIds ids, Clock clock, Disk disk, Limits limits)
      throws IOException {
    Instant now = clock.instant();
    Opened o = new Opened();
    o.recorded = new CompletionKeys(limits.maxKeys());
    o.aggregates = new CompletionAggregates();
    o.rotated = new ArrayDeque<>();
    Duration keysKeptFor = ids.retention().plus(PRUNE_INTERVAL);
    Instant deleteBefore = deleteBefore(now, limits, keysKeptFor);
    List<Segment> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dataDir, ROTATED_PREFIX + "*")) {
      for (Path p : files) {
        Instant at = rotatedAt(p);
        if (at == null) {
          continue;
        }
        if (at.isBefore(deleteBefore)) {
          // Before reading anything: what is past retention costs no start-up time.
          Files.deleteIfExists(p);
          LOG.log(Level.INFO, "{0}: deleted, its completions are past the retention", p);
          continue;
        }
        found.add(new Segment(p, at, Files.size(p), 0));
      }
    }
    found.sort((a, b) -> a.at().compareTo(b.at()));
    int number = 0;
    // Keys of request ids that expired before this cannot be repeated: no need to verify them.
    Instant idsValidFrom = now.minus(keysKeptFor);
    for (Segment s : found) {
      int n = number++;
      boolean keys = !s.at().isBefore(idsValidFrom);
      try (FileChannel c = FileChannel.open(s.path(), StandardOpenOption.READ)) {
        JsonLines.read(s.path(), c, false, line -> remember(s.path(), line, n, keys, json, ids, o));
      }
      o.rotated.add(new Segment(s.path(), s.at(), s.bytes(), n));
    }
    o.activeFile = number;
    Path file = dataDir.resolve(NAME);
    o.channel = JsonLines.open(file, StandardOpenOption.CREATE);
    try {
      o.size =
          JsonLines.read(
              file, o.channel, true, line -> remember(file, line, o.activeFile, true, json, ids, o));
      // The lines just read may still sit in the page cache, written by a process that died before
      // forcing them; a repeat recognized from them is acknowledged, so they must be on disk first.
      disk.force(o.channel, true);
      // Likewise the file's directory entry, even when an earlier process created the file.
      disk.forceDirectory(dataDir);
      HaltLog halts = HaltLog.open(dataDir, json, disk);
      JsonlCompletionStore store =
          new JsonlCompletionStore(dataDir, o, json, clock, disk, limits, keysKeptFor, halts);
      store.checkSpace();
      store.updateHealth();
      store.writer.start();
      return store;
    } catch (IOException | RuntimeException e) {
      o.channel.close();
      throw e;
    }
  }

  /** What {@link #open} read, handed to the constructor. */
  private static final class Opened {
    FileChannel channel;
    long size;
    LocalDate activeDay;
    // Set once the rotated files are read: no line of theirs may count as the active file's.
    int activeFile = -1;
    Deque<Segment> rotated;
    CompletionKeys recorded;
    CompletionAggregates aggregates;
  }

  /** Returns the time in a rotated file's name, or null when it is not one of ours. */
  private static Instant rotatedAt(Path p) {
    String name = p.getFileName().toString();
    if (!name.startsWith(ROTATED_PREFIX) || !name.endsWith(SUFFIX)) {
      return null;
    }
    String stamp = name.substring(ROTATED_PREFIX.length(), name.length() - SUFFIX.length());
    int dash = stamp.indexOf('-');
    if (dash >= 0) {
      stamp = stamp.substring(0, dash);
    }
    try {
      return ROTATED_TIME.parse(stamp, Instant::from);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Returns null when the line was read, else why it is unreadable. */
  private static String remember(
      Path file,
      byte[] line,
      int number,
      boolean keys,
      ServerJson json,
      RequestIds ids,
      Opened o)
      throws IOException {
    CompletionRecord record;
    try {
      record = json.readCompletionLine(line, 0, line.length);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    o.aggregates.add(number, record);
    if (number == o.activeFile && o.activeDay == null) {
      o.activeDay = day(record.receivedAt());
    }
    if (!keys) {
      return null;
    }
    RequestIdClaims claims;
    try {
      claims = ids.verify(record.requestId());
    } catch (InvalidRequestIdException e) {
      // Expired, or issued under another key: a repeat would be refused anyway, nothing to keep.
      return null;
    }
    CompletionKeys.Key key = CompletionKeys.key(record.requestId(), record.updateType());
    if (!o.recorded.contains(key) && o.recorded.room() == 0) {
      throw new IOException(
          file
              + " holds more unexpired completions than the "
              + o.recorded.max()
              + " that can be remembered to recognize repeated reports; raise the limit"
              + " (--max-completion-keys) or shorten the retention");
    }
    o.recorded.add(key, claims.expiresAt().getEpochSecond());
    return null;
  }

  /**
   * Rotated files older than this are deleted: past the retention, and past the time any request
   * id whose report they hold could still be valid. Deleting a file whose keys are still needed
   * would let a repeat of one of its reports be recorded again after a restart.
   */
  private static Instant deleteBefore(Instant now, Limits limits, Duration keysKeptFor) {
    Instant byRetention = now.minus(limits.retention());
    Instant byKeys = now.minus(keysKeptFor);
    return byRetention.isBefore(byKeys) ? byRetention : byKeys;
  }

  /**
   * Returns a file of the store whose active file is {@code completionLog} that holds records, the
   * active one first, or null when there is none: while one exists, the request-id key they were
   * issued under must not be replaced. Rotated files count too: after a rotation the active file
   * may be empty, or missing after a crash between the rename and the new file.
   *
   * @throws IOException if the directory cannot be listed
   */
  static Path fileWithRecords(Path completionLog) throws IOException {
    if (Files.exists(completionLog) && Files.size(completionLog) > 0) {
      return completionLog;
    }
    Path dir = completionLog.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ROTATED_PREFIX + "*")) {
      for (Path p : files) {
        if (rotatedAt(p) != null && Files.size(p) > 0) {
          return p;
        }
      }
    }
    return null;
  }

  private static LocalDate day(Instant at) {
    return LocalDate.ofInstant(at, ZoneOffset.UTC);
  }

  @Override
  public void append(List<CompletionRecord> records, Instant expiresAt)
      throws IOException, InterruptedException {
    appendCounting(records, expiresAt);
  }

  /**
   * Appends the records whose (request_id, update_type) is not recorded yet and returns once they
   * are on disk.
   *
   * @param records the records of one report
   * @param keepUntil when the report's request id expires: until then a repeat is recognized
   * @return how many records were new
   * @throws StoreUnavailableException if the store refuses reports for now (a cap, the watermark,
   *     an earlier failure); nothing of the call is recorded
   * @throws IOException if the store is closed or cannot be written; nothing of the call is
   *     recorded
   * @throws InterruptedException if interrupted while waiting for the disk
   */
  int appendCounting(List<CompletionRecord> records, Instant keepUntil)
      throws IOException, InterruptedException {
    Batch batch = new Batch(List.copyOf(records), keepUntil.getEpochSecond());
    synchronized (this) {
      if (closed) {
        throw new IOException("the completion log is closed");
      }
      // Even while broken: the writer refuses it, logging that at most once a minute.
      queue.add(batch);
    }
    try {
      return batch.done.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof StoreUnavailableException) {
        StoreUnavailableException u = (StoreUnavailableException) cause;
        throw new StoreUnavailableException(u.getMessage(), u.retryAfterSeconds(), u);
      }
      throw new IOException(
          "cannot write the completion log " + file + ": " + cause.getMessage(), cause);
    }
  }

  @Override
  public StoreHealth health() {
    return health;
  }

  /**
   * {@inheritDoc} Counts are kept per hour: {@code since} is rounded down to its hour, and the
   * reports of the files still kept are counted.
   */
  @Override
  public List<CompletionCount> counts(Instant since) {
    synchronized (aggregates) {
      return aggregates.counts(since);
    }
  }

  @Override
  public HaltFigures haltFigures(
      String product, String updateType, String version, Set<String> haltCodes) {
    synchronized (aggregates) {
      return aggregates.haltFigures(product, updateType, version, haltCodes);
    }
  }

  @Override
  public void recordHaltEvent(HaltEvent event) throws IOException {
    halts.append(event);
  }

  @Override
  public List<HaltEvent> haltEvents() {
    return halts.events();
  }

  /** Returns how many (request_id, update_type) keys are remembered for de-duplication. */
  int keyCount() {
    return keyCount;
  }

  /**
   * Returns why the store cannot be written any more, or null while it works: every completion is
   * refused until the server is restarted.
   */
  Failure failure() {
    return broken;
  }

  /** Returns the rotated files kept, oldest first. */
  synchronized List<Path> rotatedFiles() {
    List<Path> paths = new ArrayList<>();
    rotated.forEach(s -> paths.add(s.path()));
    return paths;
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
    try (halts;
        FileChannel c = channel) {
      if (c != null && c.isOpen()) {
        disk.force(c, true);
      }
    }
  }

  private void writeLoop() {
    List<Batch> group = new ArrayList<>();
    boolean stop = false;
    while (!stop) {
      try {
        Batch first = queue.poll(IDLE_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        if (first != null) {
          group.add(first);
        }
      } catch (InterruptedException e) {
        // Nobody interrupts this thread; if something does, keep serving until CLOSE.
        continue;
      }
      queue.drainTo(group, MAX_GROUP);
      stop = group.remove(CLOSE);
      try {
        if (!group.isEmpty()) {
          commit(group);
        } else if (!stop) {
          maintain(clock.instant(), false);
          updateHealth();
        }
      } catch (RuntimeException | Error e) {
        LOG.log(Level.ERROR, "completion store writer failed", e);
        broken = new Failure(clock.instant(), new IOException(e.toString(), e));
        group.forEach(b -> b.done.completeExceptionally(e));
        updateHealth();
      }
      group.clear();
    }
  }

  /**
   * Housekeeping before a group and while idle: forgets expired keys, rotates the active file at
   * the end of its day (before a group only), deletes rotated files past the retention, and reads
   * the free space.
   */
  private void maintain(Instant now, boolean beforeWrite) {
    if (!now.isBefore(nextPrune)) {
      // Only keys whose request id expired a whole interval ago: a repeat verified just before
      // its expiry may still be queued behind this group.
      recorded.removeExpiredBefore(now.minus(PRUNE_INTERVAL).getEpochSecond());
      keyCount = recorded.size();
      nextPrune = now.plus(PRUNE_INTERVAL);
    }
    if (beforeWrite
        && broken == null
        && size > 0
        && activeDay != null
        && !activeDay.equals(day(now))) {
      try {
        rotate(now);
      } catch (IOException e) {
        LOG.log(Level.WARNING, "cannot rotate the completion log " + file + "; trying later", e);
      }
    }
    Instant cutoff = deleteBefore(now, limits, keysKeptFor);
    while (!rotated.isEmpty() && rotated.peekFirst().at().isBefore(cutoff)) {
      Segment oldest = rotated.peekFirst();
      try {
        Files.deleteIfExists(oldest.path());
      } catch (IOException e) {
        LOG.log(Level.WARNING, "cannot delete " + oldest.path() + "; trying later", e);
        break;
      }
      synchronized (this) {
        rotated.removeFirst();
      }
      keptBytes -= oldest.bytes();
      bytesRefused = false;
      synchronized (aggregates) {
        aggregates.dropFilesUpTo(oldest.number());
      }
      LOG.log(Level.INFO, "{0}: deleted, its completions are past the retention", oldest.path());
    }
    checkSpace();
  }

  private void checkSpace() {
    if (limits.minFreeBytes() == 0) {
      return;
    }
    try {
      freeBytes = disk.usableSpace(dataDir);
    } catch (IOException e) {
      // Unknown free space is no reason to refuse; the next write tells.
      freeBytes = Long.MAX_VALUE;
    }
  }

  /** Renames the active file out of the way and starts a new one. */
  private void rotate(Instant now) throws IOException {
    Path target = dataDir.resolve(ROTATED_PREFIX + ROTATED_TIME.format(now) + SUFFIX);
    for (int i = 2; Files.exists(target); i++) {
      target = dataDir.resolve(ROTATED_PREFIX + ROTATED_TIME.format(now) + "-" + i + SUFFIX);
    }
    disk.force(channel, true);
    Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    synchronized (this) {
      rotated.addLast(new Segment(target, now, size, activeFile));
    }
    channel.close();
    try {
      channel = JsonLines.open(file, StandardOpenOption.CREATE_NEW);
    } catch (IOException e) {
      broken = new Failure(now, e);
      LOG.log(Level.ERROR, "cannot start a new completion log " + file, e);
      throw e;
    }
    size = 0;
    activeDay = null;
    activeFile++;
    disk.forceDirectory(dataDir);
    LOG.log(Level.INFO, "{0}: rotated to {1}", file, target.getFileName());
  }

  private void commit(List<Batch> group) {
    Instant now = clock.instant();
    maintain(now, true);
    StoreUnavailableException refusal = refusal();
    if (refusal != null) {
      complain(now, refusal.getMessage(), group.size());
      updateHealth();
      group.forEach(b -> b.done.completeExceptionally(refusal));
      return;
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Set<CompletionKeys.Key> fresh = new HashSet<>();
      List<FreshKey> freshKeys = new ArrayList<>();
      int[] counts = new int[group.size()];
      for (int g = 0; g < group.size(); g++) {
        Batch batch = group.get(g);
        List<FreshKey> mine = new ArrayList<>();
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        for (CompletionRecord record : batch.records) {
          CompletionKeys.Key key = CompletionKeys.key(record.requestId(), record.updateType());
          if (!recorded.contains(key) && !fresh.contains(key)) {
            mine.add(new FreshKey(key, batch.keepUntil, record));
            lines.write(json.completionLine(record));
          }
        }
        // A report whose every record is a repeat is on disk already (or in this group): it is
        // acknowledged whatever the caps and the free space say, or its client would retry until
        // they clear.
        String refused =
            mine.isEmpty()
                ? null
                : capRefusal(freshKeys.size() + mine.size(), out.size() + lines.size());
        if (refused != null) {
          batch.refusal = unavailable(refused);
          complain(now, refused, 1);
          continue;
        }
        for (FreshKey k : mine) {
          fresh.add(k.key());
          freshKeys.add(k);
        }
        lines.writeTo(out);
        counts[g] = mine.size();
      }
      if (out.size() > 0) {
        if (size > 0 && size + out.size() > limits.rotateBytes()) {
          rotate(now);
        }
        write(out.toByteArray());
        bytesRefused = false;
        if (activeDay == null) {
          activeDay = day(now);
        }
        for (FreshKey k : freshKeys) {
          recorded.add(k.key(), k.keepUntil());
        }
        synchronized (aggregates) {
          for (FreshKey k : freshKeys) {
            aggregates.add(activeFile, k.record());
          }
        }
      }
      keyCount = recorded.size();
      // Before any caller returns: the health it reads next reflects its own report.
      updateHealth();
      for (int g = 0; g < group.size(); g++) {
        Batch b = group.get(g);
        if (b.refusal == null) {
          b.done.complete(counts[g]);
        } else {
          b.done.completeExceptionally(b.refusal);
        }
      }
    } catch (ChangedOutsideException e) {
      LOG.log(Level.ERROR, e.getMessage());
      broken = new Failure(clock.instant(), e);
      updateHealth();
      StoreUnavailableException u = unavailable(e.getMessage());
      group.forEach(b -> b.done.completeExceptionally(u));
    } catch (IOException e) {
      LOG.log(Level.ERROR, "cannot write the completion log " + file, e);
      rollBack(e);
      updateHealth();
      group.forEach(b -> b.done.completeExceptionally(e));
    }
  }

  /** Returns why every report is refused now, or null. */
  private StoreUnavailableException refusal() {
    Failure failure = broken;
    if (failure != null) {
      return unavailable(
          "the completion log "
              + file
              + " cannot be written since an earlier failure ("
              + failure.cause().getMessage()
              + "); restart the server");
    }
    return null;
  }

  /** Returns why {@code keys} more keys and {@code bytes} more bytes cannot be written, or null. */
  private String capRefusal(int keys, long bytes) {
    if (freeBytes < limits.minFreeBytes()) {
      return lowSpace();
    }
    if (keys > recorded.room()) {
      return keysFull();
    }
    if (keptBytes + bytes > limits.maxBytes()) {
      bytesRefused = true;
      return bytesFull();
    }
    return null;
  }

  private static StoreUnavailableException unavailable(String why) {
    return new StoreUnavailableException(why, RETRY_AFTER_SECONDS, null);
  }

  private String keysFull() {
    return recorded.size()
        + " completions of unexpired request ids are remembered, the most allowed"
        + " (--max-completion-keys); new completions are refused until older request ids expire";
  }

  private String bytesFull() {
    return "the completion files hold "
        + keptBytes
        + " bytes, at the cap of "
        + limits.maxBytes()
        + " (--max-completion-log-size); new completions are refused until older files pass the"
        + " retention (--completion-retention) or the cap is raised";
  }

  private String lowSpace() {
    return "the data directory has "
        + freeBytes
        + " bytes free, under the watermark of "
        + limits.minFreeBytes()
        + " (--min-free-space); new completions are refused until space is freed";
  }

  /** Logs a refusal at most once a minute, counting the ones in between; writer thread only. */
  private void complain(Instant now, String why, int refusals) {
    unreportedRefusals += refusals;
    boolean changed = complaint == null || !sameKind(complaint, why);
    if (!changed && now.isBefore(lastComplaintAt.plus(COMPLAINT_INTERVAL))) {
      return;
    }
    LOG.log(
        Level.ERROR,
        "completion reports refused ({0} since the last message): {1}",
        unreportedRefusals,
        why);
    complaint = why;
    lastComplaintAt = now;
    unreportedRefusals = 0;
  }

  /** Two refusals are of one kind when they name the same option: their figures may differ. */
  private static boolean sameKind(String a, String b) {
    int ia = a.indexOf("(--");
    int ib = b.indexOf("(--");
    if (ia < 0 || ib < 0) {
      return a.equals(b);
    }
    return a.substring(ia, a.indexOf(')', ia)).equals(b.substring(ib, b.indexOf(')', ib)));
  }

  /**
   * Works out the health from the state the writer left, and logs a change of state at most once a
   * minute: reports just over and just under a cap, or free space around the watermark, can flip
   * the state with every report. A change not logged yet is logged by a later call (the writer
   * makes one at least every {@link #IDLE_CHECK_MILLIS}) once the minute is over, if it still
   * holds. Writer thread (or open) only.
   */
  private void updateHealth() {
    StoreHealth now = evaluate();
    health = now;
    if (now.status() == loggedStatus) {
      return;
    }
    Instant at = clock.instant();
    if (healthLoggedAt != null && at.isBefore(healthLoggedAt.plus(COMPLAINT_INTERVAL))) {
      return;
    }
    Level level = now.status() == StoreHealth.Status.OK ? Level.INFO : Level.WARNING;
    LOG.log(
        level,
        "completion store {0}{1}",
        now.status().name().toLowerCase(Locale.ROOT),
        now.reason() == null ? "" : ": " + now.reason());
    loggedStatus = now.status();
    healthLoggedAt = at;
    if (now.status() == StoreHealth.Status.OK) {
      complaint = null;
    }
  }

  private StoreHealth evaluate() {
    Failure failure = broken;
    if (failure != null) {
      return new StoreHealth(
          StoreHealth.Status.DOWN,
          "the completion log cannot be written since "
              + failure.at()
              + ": every completion is refused until the server is restarted; the server log"
              + " says why");
    }
    if (freeBytes < limits.minFreeBytes()) {
      return new StoreHealth(StoreHealth.Status.DOWN, lowSpace());
    }
    if (recorded.room() == 0) {
      return new StoreHealth(StoreHealth.Status.DOWN, keysFull());
    }
    // Down while refusing for the cap: a smaller report than the one refused may still fit.
    if (bytesRefused) {
      return new StoreHealth(StoreHealth.Status.DOWN, bytesFull());
    }
    // Halved rather than doubled: a watermark over half of Long.MAX_VALUE would overflow.
    if (freeBytes / 2 < limits.minFreeBytes()) {
      return new StoreHealth(
          StoreHealth.Status.DEGRADED,
          "the data directory has "
              + freeBytes
              + " bytes free, less than twice the watermark of "
              + limits.minFreeBytes()
              + " (--min-free-space)");
    }
    if (recorded.size() >= recorded.max() * 0.9) {
      return new StoreHealth(
          StoreHealth.Status.DEGRADED,
          recorded.size()
              + " of at most "
              + recorded.max()
              + " completions of unexpired request ids are remembered (--max-completion-keys)");
    }
    if (keptBytes >= limits.maxBytes() * 0.9) {
      return new StoreHealth(
          StoreHealth.Status.DEGRADED,
          "the completion files hold "
              + keptBytes
              + " of at most "
              + limits.maxBytes()
              + " bytes (--max-completion-log-size)");
    }
    return StoreHealth.OK;
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
    keptBytes += at - size;
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
   * Why the store cannot be written any more.
   *
   * @param at when it broke
   * @param cause what broke it
   */
  record Failure(Instant at, IOException cause) {}

  /** A kept rotated file: its path, the time in its name, its size and its number. */
  private record Segment(Path path, Instant at, long bytes, int number) {}

  /** The file is not as this writer left it: writing would overwrite or corrupt lines. */
  private static final class ChangedOutsideException extends IOException {
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
    StoreUnavailableException refusal;

    Batch(List<CompletionRecord> records, long keepUntil) {
      this.records = records;
      this.keepUntil = keepUntil;
    }
  }
}
