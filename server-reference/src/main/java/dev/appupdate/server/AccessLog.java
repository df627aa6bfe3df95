package dev.appupdate.server;

import dev.appupdate.server.internal.ShutdownLogManager;
import java.io.Closeable;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The access log: one line per request, {@code REMOTE METHOD "TARGET" STATUS BYTES DURATIONms}, at
 * {@code INFO} on the {@code dev.appupdate.server.access} logger, written by a thread of its own.
 *
 * <p>Why a thread: the JDK's default logging backend formats each record, writes it and flushes
 * it while holding one lock per handler. With request threads logging directly, that lock was the
 * server's bottleneck: under 32 concurrent connections, about a third of the request threads were
 * waiting for it at any moment (docs/PERFORMANCE.md has the profile). Request threads now only hand
 * a small entry to a queue; the logging thread formats and writes, in batches gathered over a few
 * milliseconds, so lines appear up to that much later than before. The queue is bounded: when it
 * is full, a request thread waits for room, so memory stays bounded and no line is lost; lines
 * still queued when the server stops are written by {@link #close()}.
 *
 * <p>Why two ways of writing: even on one thread of its own, a line through {@code
 * java.util.logging} costs more than the whole request it describes (a log record, a search of the
 * stack for the caller, a {@code String.format} with a date, a flush per line;
 * docs/PERFORMANCE.md).
 * When the JDK logging is exactly as the command line sets it up (its log manager, the one-line
 * format, no configuration file, no handler of its own on the access logger, the root logger's
 * single console handler), the lines are formatted here, byte for byte as that handler would, and
 * written to standard error once per batch. Any other setup (an embedding application's, a
 * logging configuration file, a handler added to the access logger) gets every line as a log
 * record, as before.
 */
final class AccessLog implements Closeable {
  /** How many lines may wait to be written before request threads wait for room. */
  static final int CAPACITY = 8192;

  private static final String NAME = "dev.appupdate.server.access";
  private static final System.Logger ACCESS = System.getLogger(NAME);
  private static final long CLOSE_WAIT_MILLIS = 5_000;
  private static final long LINGER_MILLIS = 5;
  private static final Entry STOP = new Entry(null, "", "", 0, 0, 0, 0);

  private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Thread thread;
  /** Where lines go when written here; null when they go to the logger. */
  private final LineWriter direct;

  private volatile boolean closed;

  /** What one line says; formatted on the logging thread. */
  record Entry(
      InetSocketAddress remote,
      String method,
      String target,
      int status,
      long bytes,
      long nanos,
      long epochMillis) {}

  /** An entry as {@link #record} makes one, for tests of the line format. */
  static Entry entry(
      InetSocketAddress remote,
      String method,
      String target,
      int status,
      long bytes,
      long nanos,
      long epochMillis) {
    return new Entry(
        remote,
        JsonBody.token(method),
        JsonBody.printable(target),
        status,
        bytes,
        nanos,
        epochMillis);
  }

  private AccessLog(LineWriter direct) {
    this.direct = direct;
    thread = new Thread(this::run, "appupdate-access-log");
    // Stopped by close(); a forgotten server must not keep a JVM alive.
    thread.setDaemon(true);
  }

  /** Starts the logging thread. */
  static AccessLog start() {
    AccessLog log = new AccessLog(commandLineLogging() ? new LineWriter(System.err) : null);
    log.thread.start();
    return log;
  }

  /**
   * Logs one answered request.
   *
   * @param remote the client's address, or null when unknown
   * @param target the request target as sent: path and query, still percent-encoded
   * @param status the status sent, or 0 when none was (the client went away first)
   * @param bytes the body bytes sent
   * @param nanos how long the request took
   */
  void record(
      InetSocketAddress remote, String method, String target, int status, long bytes, long nanos) {
    if (!ACCESS.isLoggable(Level.INFO)) {
      return;
    }
    // Made printable and short here, not on the logging thread: a queue full of 32 KB methods
    // would hold a quarter of a gigabyte.
    Entry entry =
        entry(remote, method, target, status, bytes, nanos, System.currentTimeMillis());
    if (closed) {
      write(List.of(entry));
      return;
    }
    try {
      queue.put(entry);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      write(List.of(entry));
      return;
    }
    if (closed) {
      // Closed while this entry went in: the logging thread may have finished already.
      drain();
    }
  }

  private void run() {
    List<Entry> batch = new ArrayList<>();
    try {
      while (true) {
        batch.add(queue.take());
        // Lets a batch gather: under load the thread then wakes once per LINGER rather than once
        // per request, and request threads rarely have a sleeping thread to signal.
        Thread.sleep(LINGER_MILLIS);
        queue.drainTo(batch);
        boolean stop = removeStop(batch);
        write(batch);
        batch.clear();
        if (stop) {
          return;
        }
      }
    } catch (InterruptedException e) {
      // Nothing interrupts this thread but an outsider; close() writes what is left.
    }
  }

  /** Writes the lines still queued and stops the logging thread. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    boolean interrupted = false;
    try {
      if (queue.offer(STOP, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
        thread.join(CLOSE_WAIT_MILLIS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    drain();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void drain() {
    List<Entry> rest = new ArrayList<>();
    queue.drainTo(rest);
    removeStop(rest);
    write(rest);
  }

  /** Removes the stop marker, by identity, and says whether it was there. */
  private static boolean removeStop(List<Entry> entries) {
    return entries.removeIf(e -> e == STOP);
  }

  private void write(List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    if (direct != null) {
      direct.write(entries);
      return;
    }
    for (Entry e : entries) {
      ACCESS.log(Level.INFO, message(e));
    }
  }

  /** The line's message, after the logger's prefix. */
  private static String message(Entry e) {
    StringBuilder line = new StringBuilder(96);
    appendMessage(line, e);
    return line.toString();
  }

  private static void appendMessage(StringBuilder line, Entry e) {
    line.append(e.remote() == null ? "-" : e.remote().getAddress().getHostAddress())
        .append(' ')
        .append(e.method())
        .append(' ')
        .append(e.target())
        .append(' ');
    if (e.status() == 0) {
      line.append('-');
    } else {
      line.append(e.status());
    }
    line.append(' ').append(e.bytes()).append(' ').append(e.nanos() / 1_000_000).append("ms");
  }

  /**
   * Whether the JDK logging is as the command line ({@link Main}) sets it up, so that writing the
   * lines here gives what the root logger's console handler would have written.
   */
  static boolean commandLineLogging() {
    if (!(LogManager.getLogManager() instanceof ShutdownLogManager)
        || System.getProperty("java.util.logging.config.file") != null
        || System.getProperty("java.util.logging.config.class") != null
        || !LineWriter.FORMAT.equals(
            System.getProperty("java.util.logging.SimpleFormatter.format"))) {
      return false;
    }
    Logger root = Logger.getLogger("");
    if (!reachesOnlyRoot(Logger.getLogger(NAME), root)) {
      return false;
    }
    Handler[] handlers = root.getHandlers();
    return handlers.length == 1
        && handlers[0].getClass() == ConsoleHandler.class
        && handlers[0].getFilter() == null
        && handlers[0].getFormatter() != null
        && handlers[0].getFormatter().getClass() == SimpleFormatter.class
        && handlers[0].isLoggable(
            new java.util.logging.LogRecord(java.util.logging.Level.INFO, ""));
  }

  /**
   * Whether a record of {@code logger} reaches no handler but {@code root}'s, unfiltered: neither
   * it nor a logger between it and the root (such as {@code dev.appupdate.server}) has a handler
   * or filter of its own or stops the record going up.
   */
  static boolean reachesOnlyRoot(Logger logger, Logger root) {
    for (Logger l = logger; l != root; l = l.getParent()) {
      if (l == null
          || l.getHandlers().length != 0
          || l.getFilter() != null
          || !l.getUseParentHandlers()) {
        return false;
      }
    }
    return root.getFilter() == null;
  }

  /**
   * Formats lines as {@link SimpleFormatter} does with the command line's format and writes each
   * batch with one write. Lines are ASCII after their timestamp prefix (addresses, {@link
   * JsonBody#token} and {@link JsonBody#printable} keep only visible ASCII), so they are encoded
   * here without a charset encoder. Used by one thread at a time: the logging thread, or after the
   * stop whoever writes late lines.
   */
  static final class LineWriter {
    /** The command line's one-line format of {@code java.util.logging.SimpleFormatter}. */
    static final String FORMAT = Main.JVM_DEFAULTS.get("java.util.logging.SimpleFormatter.format");

    private final PrintStream out;
    private final ZoneId zone = ZoneId.systemDefault();
    private final String afterTime =
        " " + java.util.logging.Level.INFO.getLocalizedName() + " " + NAME + ": ";
    private final byte[] newLine = System.lineSeparator().getBytes(StandardCharsets.US_ASCII);
    private final StringBuilder line = new StringBuilder(160);
    private byte[] buffer = new byte[64 * 1024];
    private long second = Long.MIN_VALUE;
    private String secondPrefix = "";

    LineWriter(PrintStream out) {
      this.out = out;
    }

    synchronized void write(List<Entry> entries) {
      int at = 0;
      for (Entry e : entries) {
        line.setLength(0);
        appendTime(e.epochMillis());
        line.append(afterTime);
        appendMessage(line, e);
        int need = line.length() + newLine.length;
        if (buffer.length - at < need) {
          buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, at + need));
        }
        for (int i = 0, n = line.length(); i < n; i++) {
          char c = line.charAt(i);
          buffer[at++] = c < 0x80 ? (byte) c : (byte) '?';
        }
        System.arraycopy(newLine, 0, buffer, at, newLine.length);
        at += newLine.length;
      }
      // The console handler's stream: one write and one flush per batch rather than per line.
      out.write(buffer, 0, at);
      out.flush();
    }

    /** {@code %1$tF %1$tT.%1$tL}: {@code yyyy-MM-dd HH:mm:ss.SSS} in the default zone. */
    private void appendTime(long epochMillis) {
      long s = Math.floorDiv(epochMillis, 1000);
      if (s != second) {
        LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochSecond(s), zone);
        StringBuilder p = new StringBuilder(20);
        pad(p, t.getYear(), 4).append('-');
        pad(p, t.getMonthValue(), 2).append('-');
        pad(p, t.getDayOfMonth(), 2).append(' ');
        pad(p, t.getHour(), 2).append(':');
        pad(p, t.getMinute(), 2).append(':');
        pad(p, t.getSecond(), 2).append('.');
        secondPrefix = p.toString();
        second = s;
      }
      line.append(secondPrefix);
      pad(line, Math.floorMod(epochMillis, 1000), 3);
    }

    private static StringBuilder pad(StringBuilder sb, int value, int width) {
      String digits = Integer.toString(value);
      for (int i = digits.length(); i < width; i++) {
        sb.append('0');
      }
      return sb.append(digits);
    }
  }
}
