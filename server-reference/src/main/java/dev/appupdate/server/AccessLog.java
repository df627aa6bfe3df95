package dev.appupdate.server;

import java.io.Closeable;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

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
 */
final class AccessLog implements Closeable {
  /** How many lines may wait to be written before request threads wait for room. */
  static final int CAPACITY = 8192;

  private static final System.Logger ACCESS = System.getLogger("dev.appupdate.server.access");
  private static final long CLOSE_WAIT_MILLIS = 5_000;
  private static final long LINGER_MILLIS = 5;
  private static final Entry STOP = new Entry(null, "", "", 0, 0, 0);

  private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Thread thread;
  private volatile boolean closed;

  /** What one line says; formatted on the logging thread. */
  private record Entry(
      InetSocketAddress remote, String method, String target, int status, long bytes, long nanos) {}

  private AccessLog() {
    thread = new Thread(this::run, "appupdate-access-log");
    // Stopped by close(); a forgotten server must not keep a JVM alive.
    thread.setDaemon(true);
  }

  /** Starts the logging thread. */
  static AccessLog start() {
    AccessLog log = new AccessLog();
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
        new Entry(
            remote, JsonBody.token(method), JsonBody.printable(target), status, bytes, nanos);
    if (closed) {
      write(entry);
      return;
    }
    try {
      queue.put(entry);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      write(entry);
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
        boolean stop = false;
        for (Entry e : batch) {
          if (e == STOP) {
            stop = true;
          } else {
            write(e);
          }
        }
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
    for (Entry e = queue.poll(); e != null; e = queue.poll()) {
      if (e != STOP) {
        write(e);
      }
    }
  }

  private static void write(Entry e) {
    StringBuilder line = new StringBuilder(96);
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
    ACCESS.log(Level.INFO, line.toString());
  }
}
