package dev.appupdate.server;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the HTTP server's exchanges. The JDK server reads each request's line, headers and body on
 * the thread that runs its exchange, so a slow client holds that thread for as long as it is slow
 * (up to the request time limit): threads must be cheap and plentiful, or a few dozen slow clients
 * starve everyone else.
 *
 * <p>On a JDK whose virtual threads suit the JDK server ({@value #VIRTUAL_THREADS_FROM} and newer,
 * found at run time: the build targets release 17) each exchange gets a virtual thread of its own;
 * their number is bounded by the JDK server's connection limit ({@code
 * jdk.httpserver.maxConnections}), since a connection runs one exchange at a time. Otherwise, and
 * when a pool size is configured, a bounded pool runs them: when its threads are busy and its queue
 * is full, an exchange goes to a small overflow pool whose only job is to answer 503 (see {@link
 * #inOverflow()}), so overload is answered rather than queued without bound; when that is full too,
 * the JDK server closes the connection.
 */
final class Workers implements Executor {
  /** The pool's threads on a JDK without virtual threads, unless configured. */
  static final int DEFAULT_THREADS = 512;

  /** The pool's queue on a JDK without virtual threads, unless configured. */
  static final int DEFAULT_QUEUE = 1024;

  /**
   * The first JDK release whose virtual threads keep their carrier free while blocked inside a
   * {@code synchronized} method (JEP 491). The JDK server reads and writes its sockets in
   * synchronized methods, so on 21 to 23 each slow client would pin a carrier thread, of which there
   * are as many as cores: a handful of slow clients would stall every exchange.
   */
  static final int VIRTUAL_THREADS_FROM = 24;

  private static final int OVERFLOW_THREADS = 2;
  private static final int OVERFLOW_QUEUE = 32;

  private final ExecutorService main;
  private final ThreadPoolExecutor overflow;
  private final InFlight inFlight;
  private volatile Watchdog watchdog;

  /** Describes how exchanges run with {@code threads} configured (0 for the default). */
  static String describe(int threads) {
    if (threads == 0) {
      if (virtualThreadsOn(Runtime.version().feature())) {
        return "virtual threads";
      }
      threads = DEFAULT_THREADS;
    }
    return "a pool of " + threads + " threads";
  }

  /**
   * Returns virtual-thread workers where they suit the JDK server ({@link #virtualThreadsOn}), else
   * a pool of {@link #DEFAULT_THREADS}.
   */
  static Workers automatic(InFlight inFlight) {
    ExecutorService virtual = virtualThreadPerTask();
    return virtual != null
        ? new Workers(virtual, inFlight)
        : new Workers(DEFAULT_THREADS, DEFAULT_QUEUE, inFlight);
  }

  /** Returns whether exchanges run on virtual threads on JDK release {@code feature}. */
  static boolean virtualThreadsOn(int feature) {
    return feature >= VIRTUAL_THREADS_FROM;
  }

  /**
   * Returns {@code Executors.newVirtualThreadPerTaskExecutor()} where the running JDK's virtual
   * threads suit the JDK server ({@link #virtualThreadsOn}), else null. Called by reflection: the
   * build targets release 17, which has no virtual threads.
   */
  static ExecutorService virtualThreadPerTask() {
    if (!virtualThreadsOn(Runtime.version().feature())) {
      return null;
    }
    try {
      return (ExecutorService)
          Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private Workers(ExecutorService virtual, InFlight inFlight) {
    this.inFlight = inFlight;
    this.main = virtual;
    this.overflow = overflowPool();
  }

  /** Returns whether each exchange runs on a virtual thread of its own. */
  boolean virtual() {
    return !(main instanceof ThreadPoolExecutor);
  }

  /** @param inFlight counts each exchange from {@link #execute} until its task ends */
  Workers(int threads, int queueCapacity, InFlight inFlight) {
    this(threads, queueCapacity, inFlight, null);
  }

  /** As above, with the pool's threads made by {@code threads} (null: daemon workers); for tests. */
  Workers(int threads, int queueCapacity, InFlight inFlight, ThreadFactory factory) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (queueCapacity < 0) {
      throw new IllegalArgumentException("queueCapacity must be >= 0, got " + queueCapacity);
    }
    this.inFlight = inFlight;
    HotFirstQueue queue = new HotFirstQueue(queueCapacity);
    AtomicInteger n = new AtomicInteger();
    // Core size 0: the queue makes the pool start a worker while none is idle (HotFirstQueue), and
    // every worker, not only those beyond a core, ends after 30 s idle.
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            0,
            threads,
            30,
            TimeUnit.SECONDS,
            queue,
            factory != null
                ? factory
                : r -> daemon(new Thread(r, "appupdate-worker-" + n.incrementAndGet())));
    queue.growing(pool);
    main = pool;
    overflow = overflowPool();
  }

  private static ThreadPoolExecutor overflowPool() {
    AtomicInteger m = new AtomicInteger();
    ThreadPoolExecutor overflow =
        new ThreadPoolExecutor(
            OVERFLOW_THREADS,
            OVERFLOW_THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(OVERFLOW_QUEUE),
            r -> daemon(new OverflowThread(r, "appupdate-overflow-" + m.incrementAndGet())));
    overflow.allowCoreThreadTimeOut(true);
    return overflow;
  }

  private static Thread daemon(Thread t) {
    // Shutdown is explicit (AppUpdateServer.stop); a forgotten server must not keep a JVM alive.
    t.setDaemon(true);
    return t;
  }

  /**
   * Runs {@code task} on a worker, or on the overflow pool when all workers are busy and the queue
   * is full.
   *
   * @throws RejectedExecutionException when the overflow pool is full too, or after shutdown
   */
  @Override
  public void execute(Runnable task) {
    // Counted from here, not from the handler: an exchange waiting in the queue or still reading
    // its headers is in flight too, and a shutdown drain must wait for it.
    inFlight.enter();
    Runnable counted =
        () -> {
          try {
            Watchdog w = watchdog;
            if (w == null) {
              task.run();
            } else {
              w.runExchange(task);
            }
          } finally {
            inFlight.exit();
          }
        };
    try {
      main.execute(counted);
    } catch (RejectedExecutionException e) {
      // The queue may have refused it to make the pool grow while the pool reached its maximum
      // meanwhile: offered again, the queue keeps it if there is room. Not kept here directly:
      // the pool rechecks after its queue accepts a task whether it was shut down meanwhile or has
      // no worker left to take it; a task kept behind its back could wait for ever.
      if (!virtual() && !main.isShutdown()) {
        try {
          main.execute(counted);
          return;
        } catch (RejectedExecutionException again) {
          // Full, or no worker could be started: the overflow pool answers 503.
        }
      }
      try {
        overflow.execute(counted);
      } catch (RejectedExecutionException full) {
        inFlight.exit();
        throw full;
      }
    }
  }

  /** Sets the watchdog that limits each exchange's time to send its request line and headers. */
  Workers watchedBy(Watchdog watchdog) {
    this.watchdog = watchdog;
    return this;
  }

  /** Returns the most threads the pool has had at once; 0 on virtual threads. */
  int largestPoolSize() {
    return main instanceof ThreadPoolExecutor ? ((ThreadPoolExecutor) main).getLargestPoolSize() : 0;
  }

  /** Returns true on an overflow thread: the current exchange is to be answered 503. */
  static boolean inOverflow() {
    return Thread.currentThread() instanceof OverflowThread;
  }

  /** Stops taking tasks and waits up to {@code timeout} for the running ones. */
  void shutdown(Duration timeout) throws InterruptedException {
    main.shutdown();
    overflow.shutdown();
    long deadline = System.nanoTime() + timeout.toNanos();
    main.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    overflow.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private static final class OverflowThread extends Thread {
    OverflowThread(Runnable r, String name) {
      super(r, name);
    }
  }
}
