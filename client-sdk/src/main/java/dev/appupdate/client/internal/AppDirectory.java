package dev.appupdate.client.internal;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * The state of an application directory laid out for staged updates, shared by the SDK (which
 * stages and confirms versions) and the launcher (which switches, counts attempts and rolls back).
 * Not API: its format is described in docs/CLIENT.md, "Applying updates".
 *
 * <pre>
 * APP_DIR/
 *   launcher.properties        how to start a version (the launcher's configuration)
 *   state.properties           the pointer: current, previous, staged, confirmed, attempts
 *   versions/&lt;version&gt;/        one directory per version, unpacked from its archive
 *   reports/&lt;version&gt;.properties the completion report of a staged update, until delivered
 * </pre>
 *
 * <p>Every change of a file is a whole new file: written to a temporary name, forced to disk, moved
 * over the old one atomically, and the directory forced. A version directory is complete before the
 * pointer names it, and deleted only after the pointer no longer names it, so a crash at any point
 * leaves a pointer to a complete version. Transitions run under a lock on {@code APP_DIR/.lock},
 * held across processes, so that a confirmation and a rollback cannot both win.
 */
public final class AppDirectory {
  /** The launcher's configuration file in the application directory. */
  public static final String LAUNCHER_CONFIG = "launcher.properties";

  /** The system property and environment variable naming the application directory. */
  public static final String DIR_PROPERTY = "appupdate.app.dir";

  /** The system property naming the version the launcher started. */
  public static final String VERSION_PROPERTY = "appupdate.app.version";

  private static final Pattern VERSION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}");
  private static final String STATE_FILE = "state.properties";
  private static final String TEMP_SUFFIX = ".tmp";
  // FileLock is held per JVM, not per thread: threads of one process take a lock per file first.
  private static final ConcurrentMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  /** Called at each step of a change, so that tests can stop a change at any point. */
  @FunctionalInterface
  public interface Seam {
    /** No interruption. */
    Seam NONE = point -> {};

    /**
     * Called when a change reached {@code point}.
     *
     * @param point a short name such as {@code state:written}
     * @throws IOException to abort the change there, as a crash would
     */
    void reached(String point) throws IOException;
  }

  /** A change of the state under the lock. */
  @FunctionalInterface
  public interface Change<T> {
    /**
     * Runs the change.
     *
     * @param state the state as it is now
     * @return the result of the change
     * @throws IOException if the change failed
     */
    T apply(State state) throws IOException;
  }

  /**
   * The pointer file's content.
   *
   * @param current the version that runs; null before the first install
   * @param previous the version to roll back to while {@code current} is unconfirmed, or null
   * @param staged the version to switch to at the next start, or null
   * @param confirmed whether {@code current} confirmed that it started well
   * @param attempts how many times {@code current} was started without confirming
   */
  public record State(
      String current, String previous, String staged, boolean confirmed, int attempts) {
    /** The state of a directory with nothing installed. */
    public static final State EMPTY = new State(null, null, null, true, 0);

    /**
     * Returns whether {@code version} is still needed: current, previous or staged.
     *
     * @param version a version name
     * @return whether the state names it
     */
    public boolean names(String version) {
      return version.equals(current) || version.equals(previous) || version.equals(staged);
    }

    /**
     * Returns whether the current version runs on trial: it may still be rolled back.
     *
     * @return whether an unconfirmed current version has a previous one
     */
    public boolean onTrial() {
      return !confirmed && previous != null;
    }
  }

  /**
   * A completion report of a staged update, kept until delivered.
   *
   * @param requestId the request id of the check that offered the update
   * @param updateType the update type
   * @param version the version staged
   * @param status {@code pending} until the fate is known, then {@code success}, {@code failed} or
   *     {@code cancelled}
   * @param reason why it failed, or null
   * @param patchUsed whether the staged bytes were rebuilt from a patch (true), or a patch failed
   *     and the full download recovered (false); null when no patch was tried. The report's
   *     {@code patch} note on success
   * @param patchFailure why the patch was not used, when {@code patchUsed} is false; else null
   */
  public record Report(
      String requestId,
      String updateType,
      String version,
      String status,
      String reason,
      Boolean patchUsed,
      String patchFailure) {
    /** Not yet known. */
    public static final String PENDING = "pending";

    /** Confirmed. */
    public static final String SUCCESS = "success";

    /** Rolled back. */
    public static final String FAILED = "failed";

    /** Replaced by another version before it confirmed: never applied, counts against nothing. */
    public static final String CANCELLED = "cancelled";

    /**
     * Returns this report with another status and reason.
     *
     * @param status the new status
     * @param reason the new reason, or null
     * @return the changed report
     */
    public Report with(String status, String reason) {
      return new Report(requestId, updateType, version, status, reason, patchUsed, patchFailure);
    }

    /**
     * A report that says nothing about patches.
     *
     * @param requestId the request id of the check that offered the update
     * @param updateType the update type
     * @param version the version staged
     * @param status {@code pending}, {@code success} or {@code failed}
     * @param reason why it failed, or null
     */
    public Report(
        String requestId, String updateType, String version, String status, String reason) {
      this(requestId, updateType, version, status, reason, null, null);
    }
  }

  private final Path dir;
  private final Seam seam;

  private AppDirectory(Path dir, Seam seam) {
    this.dir = dir;
    this.seam = seam;
  }

  /**
   * Opens the application directory {@code dir}, which need not exist yet.
   *
   * @param dir the application directory
   * @return the directory
   */
  public static AppDirectory open(Path dir) {
    return open(dir, Seam.NONE);
  }

  /**
   * Opens {@code dir} with a seam called at each step of a change.
   *
   * @param dir the application directory
   * @param seam told of each step
   * @return the directory
   */
  public static AppDirectory open(Path dir, Seam seam) {
    return new AppDirectory(
        Objects.requireNonNull(dir, "dir == null").toAbsolutePath().normalize(),
        Objects.requireNonNull(seam, "seam == null"));
  }

  /**
   * Returns the application directory.
   *
   * @return the absolute path
   */
  public Path path() {
    return dir;
  }

  /**
   * Returns whether {@code version} can name a directory on every platform.
   *
   * @param version a version string
   * @return whether it is 1 to 64 of {@code [A-Za-z0-9._+-]}, starting with a letter or digit
   */
  public static boolean validVersionName(String version) {
    return version != null && VERSION_NAME.matcher(version).matches() && !version.endsWith(".");
  }

  /**
   * Returns the directory of {@code version}.
   *
   * @param version a valid version name
   * @return {@code APP_DIR/versions/<version>}
   * @throws IllegalArgumentException if the name cannot name a directory
   */
  public Path versionDirectory(String version) {
    if (!validVersionName(version)) {
      throw new IllegalArgumentException("not a usable version directory name: " + version);
    }
    return dir.resolve("versions").resolve(version);
  }

  /**
   * Returns a new empty directory next to the version directories, to unpack into before {@link
   * #stage} moves it into place; {@link #cleanUp} removes it if it is left behind.
   *
   * @return the new directory
   * @throws IOException if it cannot be created
   */
  public Path newTemporaryDirectory() throws IOException {
    Path versions = Files.createDirectories(dir.resolve("versions"));
    return Files.createTempDirectory(versions, ".unpack-");
  }

  /**
   * Reads the state; no lock is needed since the file is only ever replaced whole.
   *
   * @return the state, {@link State#EMPTY} before the first install
   * @throws IOException if the file cannot be read
   */
  public State state() throws IOException {
    Properties p = read(dir.resolve(STATE_FILE));
    if (p == null) {
      return State.EMPTY;
    }
    return new State(
        p.getProperty("current"),
        p.getProperty("previous"),
        p.getProperty("staged"),
        !"false".equals(p.getProperty("confirmed")),
        Integer.parseInt(p.getProperty("attempts", "0")));
  }

  /**
   * Runs {@code change} under the directory's lock, across threads and processes.
   *
   * @param change the change
   * @param <T> its result type
   * @return its result
   * @throws IOException if the change or the lock failed
   */
  public <T> T locked(Change<T> change) throws IOException {
    Files.createDirectories(dir);
    return withLock(dir.resolve(".lock"), change);
  }

  private <T> T withLock(Path lockFile, Change<T> change) throws IOException {
    ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(lockFile, f -> new ReentrantLock());
    inProcess.lock();
    try (FileChannel channel =
        FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      FileLock lock = channel.lock();
      try {
        return change.apply(state());
      } finally {
        lock.release();
      }
    } finally {
      inProcess.unlock();
    }
  }

  /**
   * Replaces the state (the pointer), atomically. Call under {@link #locked}.
   *
   * @param state the new state
   * @throws IOException if it could not be written; the old state is then still in place
   */
  public void write(State state) throws IOException {
    Properties p = new Properties();
    put(p, "current", state.current());
    put(p, "previous", state.previous());
    put(p, "staged", state.staged());
    p.setProperty("confirmed", Boolean.toString(state.confirmed()));
    p.setProperty("attempts", Integer.toString(state.attempts()));
    writeAtomically(dir.resolve(STATE_FILE), p, "state");
  }

  /**
   * Moves the unpacked {@code unpacked} into place as {@code version} and points {@code staged} at
   * it (or {@code current}, in an empty directory), after writing {@code report} when given.
   *
   * @param version the version name
   * @param unpacked a directory from {@link #newTemporaryDirectory()}, complete and forced
   * @param report the pending report of this update, or null
   * @throws IOException if it failed; the running version is untouched then
   * @throws IllegalStateException if {@code version} is the current or previous version
   */
  public void stage(String version, Path unpacked, Report report) throws IOException {
    Path target = versionDirectory(version);
    locked(
        state -> {
          if (version.equals(state.current()) || version.equals(state.previous())) {
            throw new IllegalStateException(
                "version " + version + " is installed already (current or kept for rollback)");
          }
          if (Files.exists(target)) {
            // A stale directory: staged earlier and never started, or left by a rollback.
            deleteTree(target);
          }
          Files.move(unpacked, target, StandardCopyOption.ATOMIC_MOVE);
          forceDirectory(target.getParent());
          seam.reached("stage:moved");
          if (report != null) {
            writeReport(report);
          }
          if (state.current() == null) {
            write(new State(version, null, null, true, 0));
          } else {
            write(
                new State(
                    state.current(),
                    state.previous(),
                    version,
                    state.confirmed(),
                    state.attempts()));
          }
          return null;
        });
    tidy();
  }

  /**
   * Switches to the staged version, if any: it becomes current on trial, the confirmed current
   * version becomes previous.
   *
   * @return the state after the switch
   * @throws IOException if the state cannot be read or written
   */
  public State switchToStaged() throws IOException {
    State after = locked(this::switchToStaged);
    tidy();
    return after;
  }

  private State switchToStaged(State state) throws IOException {
    if (state.staged() == null) {
      return state;
    }
    if (!Files.isDirectory(versionDirectory(state.staged()))) {
      State next =
          new State(state.current(), state.previous(), null, state.confirmed(), state.attempts());
      write(next);
      return next;
    }
    // An unconfirmed current version is abandoned: the confirmed one stays the fallback.
    String previous = state.confirmed() ? state.current() : state.previous();
    State next = new State(state.staged(), previous, null, previous == null, 0);
    write(next);
    return next;
  }

  /**
   * Confirms {@code version} if it is current: the previous version is no longer kept, the pending
   * report becomes a success.
   *
   * @param version the version that started well
   * @return whether {@code version} is current and now confirmed
   * @throws IOException if the state cannot be read or written
   */
  public boolean confirm(String version) throws IOException {
    boolean confirmed =
        locked(
            state -> {
              if (!version.equals(state.current())) {
                return false;
              }
              if (!state.confirmed()) {
                write(new State(version, null, state.staged(), true, 0));
              }
              // Also after a crash between the two writes: a pending report of the confirmed
              // current version can only be a success.
              Report report = report(version);
              if (report != null && Report.PENDING.equals(report.status())) {
                writeReport(report.with(Report.SUCCESS, null));
              }
              return true;
            });
    if (confirmed) {
      tidy();
    }
    return confirmed;
  }

  /**
   * Rolls the current version on trial back to the previous one, recording {@code reason} in its
   * report first.
   *
   * @param reason why, for the report
   * @return the state after the rollback, or the state unchanged when nothing was on trial
   * @throws IOException if the state cannot be read or written
   */
  public State rollBack(String reason) throws IOException {
    State after =
        locked(
            state -> {
              if (!state.onTrial()) {
                return state;
              }
              Report report = report(state.current());
              if (report != null) {
                writeReport(report.with(Report.FAILED, reason));
              }
              seam.reached("rollback:reported");
              State next = new State(state.previous(), null, state.staged(), true, 0);
              write(next);
              return next;
            });
    tidy();
    return after;
  }

  /**
   * Returns the report of {@code version}.
   *
   * @param version the version
   * @return the report, or null if there is none
   * @throws IOException if it cannot be read
   */
  public Report report(String version) throws IOException {
    Properties p = read(reportFile(version));
    if (p == null) {
      return null;
    }
    return new Report(
        p.getProperty("request_id"),
        p.getProperty("update_type"),
        p.getProperty("version"),
        p.getProperty("status", Report.PENDING),
        p.getProperty("reason"),
        p.getProperty("patch_used") == null
            ? null
            : Boolean.valueOf(p.getProperty("patch_used")),
        p.getProperty("patch_failure"));
  }

  /**
   * Returns every report on disk, in no particular order.
   *
   * @return the reports
   * @throws IOException if the directory cannot be listed
   */
  public List<Report> reports() throws IOException {
    Path reports = dir.resolve("reports");
    List<Report> all = new ArrayList<>();
    if (!Files.isDirectory(reports)) {
      return all;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(reports, "*.properties")) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        Report r = report(name.substring(0, name.length() - ".properties".length()));
        if (r != null) {
          all.add(r);
        }
      }
    }
    return all;
  }

  /**
   * Writes {@code report}, replacing the one of its version.
   *
   * @param report the report
   * @throws IOException if it cannot be written
   */
  public void writeReport(Report report) throws IOException {
    Properties p = new Properties();
    put(p, "request_id", report.requestId());
    put(p, "update_type", report.updateType());
    put(p, "version", report.version());
    put(p, "status", report.status());
    put(p, "reason", report.reason());
    put(p, "patch_used", report.patchUsed() == null ? null : report.patchUsed().toString());
    put(p, "patch_failure", report.patchFailure());
    Files.createDirectories(dir.resolve("reports"));
    writeAtomically(reportFile(report.version()), p, "report");
  }

  /**
   * Deletes {@code delivered}, once delivered, unless its file changed meanwhile (the version
   * staged again with another request, say): that newer report still has to go out.
   *
   * @param delivered the report as it was read and delivered
   * @return whether it was deleted
   * @throws IOException if it cannot be deleted
   */
  public boolean deleteReport(Report delivered) throws IOException {
    return locked(
        state -> {
          if (!delivered.equals(report(delivered.version()))) {
            return false;
          }
          Files.delete(reportFile(delivered.version()));
          return true;
        });
  }

  /**
   * Runs {@code change} under the lock that makes report delivery one process at a time.
   *
   * @param change the delivery
   * @param <T> its result type
   * @return its result
   * @throws IOException if the delivery or the lock failed
   */
  public <T> T deliveryLocked(Change<T> change) throws IOException {
    Files.createDirectories(dir);
    return withLock(dir.resolve(".reports.lock"), change);
  }

  /**
   * Deletes version directories the state no longer names, and temporary directories left by
   * interrupted unpacking.
   *
   * @throws IOException if the state cannot be read
   */
  public void cleanUp() throws IOException {
    Path versions = dir.resolve("versions");
    locked(
        state -> {
          settleAbandonedReports(state);
          if (!Files.isDirectory(versions)) {
            return null;
          }
          try (DirectoryStream<Path> entries = Files.newDirectoryStream(versions)) {
            for (Path p : entries) {
              String name = p.getFileName().toString();
              boolean unpacking =
                  name.startsWith(".unpack-")
                      && Files.getLastModifiedTime(p)
                          .toInstant()
                          .isAfter(Instant.now().minus(1, ChronoUnit.DAYS));
              // A recent temporary directory may be filling in another process right now.
              if (!unpacking && !state.names(name)) {
                try {
                  deleteTree(p);
                } catch (IOException e) {
                  // A file still open (Windows) keeps it until the next clean-up.
                  System.getLogger(AppDirectory.class.getName())
                      .log(System.Logger.Level.DEBUG, "cannot delete " + p + " yet: " + e);
                }
              }
            }
          }
          return null;
        });
  }

  /**
   * A pending report waits for the fate of the version on trial or staged. One whose version the
   * pointer no longer names so (a staged version replaced by a newer one, a version on trial
   * abandoned for a newer staged one, a staging cut short by a crash) would wait forever, and its
   * check would never hear of it: it becomes {@code cancelled}, delivered like any other report
   * and counted against no release.
   */
  private void settleAbandonedReports(State state) throws IOException {
    String by = state.staged() != null ? state.staged() : state.current();
    for (Report r : reports()) {
      if (Report.PENDING.equals(r.status())
          && !r.version().equals(state.staged())
          && !r.version().equals(state.current())) {
        writeReport(
            r.with(
                Report.CANCELLED,
                "superseded by version " + by + " before version " + r.version() + " confirmed"));
      }
    }
  }

  /**
   * Cleans up after a change that took effect: a failure here must not make the change look
   * failed (a staged version reported as not installed, a confirmation as not done), and the next
   * clean-up tries again.
   */
  private void tidy() {
    try {
      cleanUp();
    } catch (IOException | RuntimeException e) {
      System.getLogger(AppDirectory.class.getName())
          .log(System.Logger.Level.WARNING, "clean-up of " + dir + " failed, retried later: " + e);
    }
  }

  private Path reportFile(String version) {
    if (!validVersionName(version)) {
      throw new IllegalArgumentException("not a usable version name: " + version);
    }
    return dir.resolve("reports").resolve(version + ".properties");
  }

  private static void put(Properties p, String key, String value) {
    if (value != null) {
      p.setProperty(key, value);
    }
  }

  private static Properties read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
    Properties p = new Properties();
    p.load(new StringReader(text));
    return p;
  }

  private void writeAtomically(Path target, Properties p, String name) throws IOException {
    StringWriter text = new StringWriter();
    p.store(text, null);
    Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
    try (FileChannel channel =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(true);
    }
    seam.reached(name + ":written");
    try {
      // Replaces the old file in one step (rename(2); MoveFileEx with MOVEFILE_REPLACE_EXISTING).
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot replace " + target + " atomically on this file system", e);
    }
    seam.reached(name + ":moved");
    forceDirectory(target.getParent());
  }

  /** Makes a rename durable; some platforms (Windows) cannot open a directory, and need not. */
  static void forceDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Best effort: NTFS journals the rename itself.
    }
  }

  /**
   * Deletes {@code root} and everything below it, without following links.
   *
   * @param root the directory or file
   * @throws IOException if something could not be deleted
   */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        Set.of(),
        Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
