package dev.appupdate.client;

import dev.appupdate.client.DownloadException.Disposition;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * The one rule of which failures are worth another attempt, for update checks, completion reports
 * and downloads alike: not reaching the server or not receiving its whole answer (connection
 * failures, timeouts, stalled transfers), and the statuses 408, 429 and 5xx. An interrupt, any
 * other status, a refused URL, bytes that do not verify and local failures are not retried. The
 * {@link Retrier} asks {@link #decision} after every failed attempt; the {@link RetryPolicy} says
 * how often and for how long.
 */
final class Retryable {
  private Retryable() {}

  /**
   * Whether to try again after a failure, and the wait the server asked for.
   *
   * @param retry true when another attempt is worth it
   * @param retryAfter the wait the server asked for with {@code Retry-After}, or null
   */
  record Decision(boolean retry, Duration retryAfter) {
    static final Decision STOP = new Decision(false, null);

    static Decision retry(Duration retryAfter) {
      return new Decision(true, retryAfter);
    }
  }

  /** True for the statuses worth another attempt: 408, 429 and 5xx. */
  static boolean status(int status) {
    return status == 408 || status == 429 || (status >= 500 && status <= 599);
  }

  /** What a download does after its URL answered {@code status}: that URL again, or the next. */
  static Disposition afterStatus(int status) {
    return status(status) ? Disposition.RETRY : Disposition.NEXT_URL;
  }

  /**
   * Whether to try again after {@code failure}. A download failure carries its {@link Disposition};
   * an error answer of the update server is retried by {@link #status}; any other {@link
   * IOException} is a failure to reach the server and retried, unless it is an interrupt.
   */
  static Decision decision(IOException failure) {
    if (failure instanceof DownloadException d) {
      return d.disposition() == Disposition.RETRY
          ? Decision.retry(d.requestedDelay())
          : Decision.STOP;
    }
    if (failure instanceof UpdateServerException s) {
      return status(s.status()) ? Decision.retry(s.retryAfter().orElse(null)) : Decision.STOP;
    }
    if (failure instanceof InterruptedIOException) {
      return Decision.STOP;
    }
    return Decision.retry(null);
  }
}
