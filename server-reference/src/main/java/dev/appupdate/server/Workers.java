package dev.appupdate.server;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded pool that runs the HTTP server's exchanges. When its threads are busy and its queue
 * is full, an exchange goes to a small overflow pool whose only job is to answer 503 (see {@link
 * #inOverflow()}), so overload is answered rather than queued without bound; when that is full too,
 * the JDK server closes the connection.
 */
final class Workers implements Executor {
  private static final int OVERFLOW_THREADS = 2;
  private static final int OVERFLOW_QUEUE = 32;

  private final ThreadPoolExecutor main;
  private final ThreadPoolExecutor overflow;
  private final InFlight inFlight;

  /** @param inFlight counts each exchange from {@link #execute} until its task ends */
  Workers(int threads, int queueCapacity, InFlight inFlight) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (queueCapacity < 0) {
      throw new IllegalArgumentException("queueCapacity must be >= 0, got " + queueCapacity);
    }
    this.inFlight = inFlight;
    BlockingQueue<Runnable> queue =
        queueCapacity == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queueCapacity);
    AtomicInteger n = new AtomicInteger();
    main =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            queue,
            r -> daemon(new Thread(r, "appupdate-worker-" + n.incrementAndGet())));
    main.allowCoreThreadTimeOut(true);
    AtomicInteger m = new AtomicInteger();
    overflow =
        new ThreadPoolExecutor(
            OVERFLOW_THREADS,
            OVERFLOW_THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(OVERFLOW_QUEUE),
            r -> daemon(new OverflowThread(r, "appupdate-overflow-" + m.incrementAndGet())));
    overflow.allowCoreThreadTimeOut(true);
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
            task.run();
          } finally {
            inFlight.exit();
          }
        };
    try {
      main.execute(counted);
    } catch (RejectedExecutionException e) {
      try {
        overflow.execute(counted);
      } catch (RejectedExecutionException full) {
        inFlight.exit();
        throw full;
      }
    }
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
