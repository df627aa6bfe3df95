package dev.appupdate.server;

/**
 * Counts the exchanges the HTTP server has handed to {@link Workers}, from the moment they are
 * accepted (queued, or reading their request line and headers) until their task ends, so that a
 * shutdown drain waits for all of them and not only for those already in {@link Router}.
 */
final class InFlight {
  private int count;

  synchronized void enter() {
    count++;
  }

  synchronized void exit() {
    if (--count == 0) {
      notifyAll();
    }
  }

  /** Returns the number of exchanges accepted and not yet finished. */
  synchronized int count() {
    return count;
  }

  /**
   * Waits until no exchange is in flight, for at most {@code timeoutNanos}.
   *
   * @return whether all exchanges finished in time
   */
  synchronized boolean awaitIdle(long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    while (count > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
