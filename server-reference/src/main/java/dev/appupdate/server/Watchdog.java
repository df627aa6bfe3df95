package dev.appupdate.server;

import java.io.Closeable;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Ends exchanges whose client is too slow, where the JDK server's own limits ({@code
 * sun.net.httpserver.maxReqTime} and {@code maxRspTime}, one time for a whole request or response)
 * are too coarse: a request line and headers that take longer than {@link #HEADER_TIME}, a body
 * that arrives slower than {@link #MIN_BODY_RATE}, a {@code /files} answer that the client takes
 * slower than {@link #MIN_SEND_RATE}.
 *
 * <p>How: the JDK server reads and writes its connections with blocking socket channels on the
 * exchange's thread, and interrupting a thread blocked on such a channel closes the channel (the
 * contract of {@link java.nio.channels.InterruptibleChannel}). So a watch names its thread, and a
 * watch that expires interrupts it: the blocked read or write fails, the connection is closed and
 * the thread is free. A watch only ever interrupts while it is open, and closing it clears the
 * interrupt it caused, so that nothing after the watched part (the completion log's file channel,
 * for one) is ever hit.
 */
final class Watchdog implements Closeable {
  /** The longest a client may take from its first byte to the end of its headers. */
  static final Duration HEADER_TIME = Duration.ofSeconds(10);

  /** The slowest a request body may arrive: bytes per second, over each {@link #BODY_WINDOW}. */
  static final long MIN_BODY_RATE = 1024;

  static final Duration BODY_WINDOW = Duration.ofSeconds(5);

  /** The slowest a client may take a file: bytes per second, over each {@link #SEND_WINDOW}. */
  static final long MIN_SEND_RATE = 1024;

  static final Duration SEND_WINDOW = Duration.ofSeconds(20);

  private static final Duration TICK = Duration.ofMillis(250);

  /** The watch of the current exchange's request line and headers, set by {@link Workers}. */
  private static final ThreadLocal<Watch> HEADERS = new ThreadLocal<>();

  private final LongSupplier nanoTime;
  private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private volatile boolean closed;

  private Watchdog(LongSupplier nanoTime, boolean ticking) {
    this.nanoTime = nanoTime;
    if (ticking) {
      thread = new Thread(this::run, "appupdate-watchdog");
      // Stopped by close(); a forgotten server must not keep a JVM alive.
      thread.setDaemon(true);
      thread.start();
    } else {
      thread = null;
    }
  }

  /** Starts a watchdog that checks its watches four times a second. */
  static Watchdog start() {
    return new Watchdog(System::nanoTime, true);
  }

  /** A watchdog that checks only when {@link #check()} is called, on {@code nanoTime}; for tests. */
  static Watchdog manual(LongSupplier nanoTime) {
    return new Watchdog(nanoTime, false);
  }

  /**
   * Watches the current thread: interrupted unless the watch is closed within {@code limit}.
   *
   * @return the open watch; close it when the watched part is over
   */
  Watch deadline(Duration limit) {
    long now = nanoTime.getAsLong();
    return open(new Watch(Thread.currentThread(), now, true, now + limit.toNanos(), 0, 0));
  }

  /**
   * Watches the current thread: interrupted if in any {@code window} (the first one included)
   * fewer than {@code bytesPerSecond} times its seconds are reported with {@link Watch#progress}.
   *
   * @return the open watch; close it when the watched part is over
   */
  Watch minRate(long bytesPerSecond, Duration window) {
    long now = nanoTime.getAsLong();
    long nanos = window.toNanos();
    long bytes = Math.max(1, bytesPerSecond * nanos / 1_000_000_000L);
    return open(new Watch(Thread.currentThread(), now, false, 0, nanos, bytes));
  }

  /**
   * Runs {@code exchange}, the JDK server's task that reads a request and calls the handler, with
   * its request line and headers watched for {@link #HEADER_TIME}; the handler ends that watch with
   * {@link #headersRead()}.
   */
  void runExchange(Runnable exchange) {
    Watch headers = deadline(HEADER_TIME);
    HEADERS.set(headers);
    try {
      exchange.run();
    } finally {
      HEADERS.remove();
      headers.close();
    }
  }

  /**
   * Ends the header watch of the current exchange, if any.
   *
   * @return false if it expired first: the connection is closed or about to be, and the request is
   *     not to be handled
   */
  static boolean headersRead() {
    Watch w = HEADERS.get();
    if (w == null) {
      return true;
    }
    HEADERS.remove();
    w.close();
    return !w.fired();
  }

  private Watch open(Watch w) {
    watches.add(w);
    return w;
  }

  /** Returns how many watches are open. */
  int open() {
    return watches.size();
  }

  /** Returns how many of the open watches are of a minimum rate (bodies, file answers). */
  int openMinRate() {
    int n = 0;
    for (Watch w : watches) {
      if (w.window > 0) {
        n++;
      }
    }
    return n;
  }

  /** Interrupts the threads of the watches that expired by now. */
  void check() {
    long now = nanoTime.getAsLong();
    for (Watch w : watches) {
      w.check(now);
    }
  }

  private void run() {
    while (!closed) {
      try {
        Thread.sleep(TICK.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      check();
    }
  }

  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }

  /** One watched part of an exchange, on one thread. */
  final class Watch implements AutoCloseable {
    private final Thread thread;
    private final boolean timed;
    private final long deadline;
    private final long window;
    private final long minBytes;
    private final AtomicLong bytes = new AtomicLong();
    private long windowStart;
    private long windowBytes;
    private boolean open = true;
    private boolean fired;

    private Watch(
        Thread thread, long start, boolean timed, long deadline, long window, long minBytes) {
      this.thread = thread;
      this.timed = timed;
      this.windowStart = start;
      this.deadline = deadline;
      this.window = window;
      this.minBytes = minBytes;
    }

    /** Counts {@code n} more bytes moved. */
    void progress(long n) {
      bytes.addAndGet(n);
    }

    private synchronized void check(long now) {
      if (!open || fired) {
        return;
      }
      boolean expired = timed && now - deadline >= 0;
      if (window > 0 && now - windowStart >= window) {
        long moved = bytes.get();
        expired |= moved - windowBytes < minBytes;
        windowStart = now;
        windowBytes = moved;
      }
      if (expired) {
        fired = true;
        thread.interrupt();
      }
    }

    /** Returns whether the watch expired and interrupted its thread. */
    synchronized boolean fired() {
      return fired;
    }

    /**
     * Ends the watch; if it expired, clears the interrupt it caused. Call it on the watched thread.
     */
    @Override
    public void close() {
      synchronized (this) {
        open = false;
        if (fired) {
          Thread.interrupted();
        }
      }
      watches.remove(this);
    }
  }
}
