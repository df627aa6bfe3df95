package dev.appupdate.server.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogManager;

/**
 * The {@code java.util.logging} manager of the command-line server. The JDK's own manager closes
 * every log handler from a shutdown hook of its own, which runs at the same time as the server's
 * graceful stop: the access lines of the requests drained after SIGTERM, the drain's warnings and
 * the final "stopped" were lost. This manager lets {@link dev.appupdate.server.Main} hold that
 * reset back until the stop has finished. Not an API: {@code java.util.logging.manager} names it.
 */
public final class ShutdownLogManager extends LogManager {
  /** A stop that takes longer than this is not waited for: the handlers close regardless. */
  private static final long MAX_HOLD_SECONDS = 60;

  private static final CountDownLatch RELEASED = new CountDownLatch(1);
  private static volatile boolean holding;

  /** Called by {@link LogManager} when {@code java.util.logging.manager} names this class. */
  public ShutdownLogManager() {}

  /**
   * From now on, a reset during JVM shutdown waits for {@link #release()}.
   *
   * @return false when the JVM's log manager is another one, so that nothing is held
   */
  public static boolean holdResetAtShutdown() {
    if (!(LogManager.getLogManager() instanceof ShutdownLogManager)) {
      return false;
    }
    holding = true;
    return true;
  }

  /** Lets a reset held by {@link #holdResetAtShutdown()} proceed. */
  public static void release() {
    RELEASED.countDown();
  }

  /** Closes the handlers, during JVM shutdown only once released. */
  @Override
  public void reset() {
    if (holding && shuttingDown()) {
      try {
        RELEASED.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    super.reset();
  }

  /** Whether the JVM runs its shutdown hooks: they can no longer be added then. */
  private static boolean shuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
    } catch (IllegalStateException e) {
      return true;
    }
    Runtime.getRuntime().removeShutdownHook(probe);
    return false;
  }
}
