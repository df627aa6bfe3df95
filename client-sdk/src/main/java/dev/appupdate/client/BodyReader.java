package dev.appupdate.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Reads a response body as a blocking stream with an idle timeout and, optionally, a deadline. The
 * JDK's own input stream body blocks forever when a server stops sending after the headers; this
 * reader gives up after {@code idleTimeout} without data, and once the deadline has passed however
 * slowly the data keeps coming.
 *
 * <p>It keeps about {@value #AHEAD_BYTES} bytes of buffer lists requested ahead of the reader,
 * and renews the demand once half of it was taken. The HTTP client then goes on reading the socket
 * while the reader works on earlier bytes, and the reader finds the next list already queued
 * instead of waiting for the client's threads for each one: with one list requested at a time,
 * every list (one buffer of 16 KiB, with the JDK's defaults) was a round trip between the threads,
 * and each time the client stopped and restarted reading the socket. Measured on two cores, a
 * larger window also costs the client's threads less CPU per byte, up to about 2 MiB. The number
 * of lists is that budget divided by the largest list seen so far, between {@value #MIN_AHEAD} and
 * {@value #MAX_AHEAD}; before the first list shows their size, {@value #INITIAL_AHEAD} are
 * requested. So the memory stays bounded, about {@value #AHEAD_BYTES} bytes however large the body
 * is, also when an application sets larger buffers ({@code jdk.httpclient.bufsize}).
 */
final class BodyReader implements Flow.Subscriber<List<ByteBuffer>>, AutoCloseable {
  private static final Object END = new Object();

  /** About how many bytes are requested ahead of the reader. */
  static final int AHEAD_BYTES = 2 * 1024 * 1024;

  /** Lists requested before their size is known. */
  static final int INITIAL_AHEAD = 16;

  static final int MIN_AHEAD = 2;

  /** {@link #AHEAD_BYTES} in lists of one buffer of the JDK's default size, 16 KiB. */
  static final int MAX_AHEAD = AHEAD_BYTES / (16 * 1024);

  /** Waits for the next item of the body; a seam so that tests need not wait for real. */
  @FunctionalInterface
  interface Poller {
    /** Waits with {@link BlockingQueue#poll(long, TimeUnit)}. */
    Poller BLOCKING = (queue, nanos) -> queue.poll(nanos, TimeUnit.NANOSECONDS);

    /** Returns the head of {@code queue}, waiting up to {@code nanos}; null if none came. */
    Object poll(BlockingQueue<Object> queue, long nanos) throws InterruptedException;
  }

  /** When the whole body must have been read. */
  record Deadline(long atNanos, Duration limit, LongSupplier ticker) {
    long remainingNanos() {
      return atNanos - ticker.getAsLong();
    }
  }

  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Duration idleTimeout;
  private final Deadline deadline;
  private final Poller poller;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Flow.Subscription subscription;
  private Iterator<ByteBuffer> buffers;
  private ByteBuffer current;
  private boolean finished;

  /** Lists requested and not yet taken from the queue. */
  private long outstanding;

  /** The most bytes seen in one list. */
  private long largestList = 1;

  /**
   * @param deadline when the body must be complete, or null for no deadline
   */
  BodyReader(Duration idleTimeout, Deadline deadline, Poller poller) {
    this.idleTimeout = idleTimeout;
    this.deadline = deadline;
    this.poller = poller;
  }

  private record Chunk(List<ByteBuffer> buffers) {}

  private record Failure(Throwable error) {}

  @Override
  public void onSubscribe(Flow.Subscription s) {
    if (subscription != null) {
      s.cancel();
      return;
    }
    subscription = s;
    if (closed.get()) {
      s.cancel();
    } else {
      outstanding = INITIAL_AHEAD;
      s.request(outstanding);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    queue.add(new Chunk(item));
  }

  @Override
  public void onError(Throwable error) {
    queue.add(new Failure(error));
  }

  @Override
  public void onComplete() {
    queue.add(END);
  }

  /**
   * Reads up to {@code len} bytes.
   *
   * @return the number of bytes read, or -1 at the end of the body
   * @throws HttpTimeoutException if no data arrived for the idle timeout, or the deadline passed
   * @throws InterruptedIOException if the thread was interrupted (the flag is set again)
   * @throws IOException if the transfer failed
   */
  int read(byte[] b, int off, int len) throws IOException {
    if (current == null || !current.hasRemaining()) {
      current = next();
      if (current == null) {
        return -1;
      }
    }
    int n = Math.min(len, current.remaining());
    current.get(b, off, n);
    return n;
  }

  /**
   * Takes the next bytes of the body, not copied: a read-only buffer that the caller may keep, as
   * the HTTP client never writes to a buffer again once it delivered it (the JDK's own body
   * subscribers keep them too). Bytes left unread in a buffer returned earlier are not returned
   * again.
   *
   * @return a buffer with at least one byte, or null at the end of the body
   * @throws HttpTimeoutException if no data arrived for the idle timeout, or the deadline passed
   * @throws InterruptedIOException if the thread was interrupted (the flag is set again)
   * @throws IOException if the transfer failed
   */
  ByteBuffer next() throws IOException {
    while (true) {
      while (buffers != null && buffers.hasNext()) {
        ByteBuffer b = buffers.next();
        if (b.hasRemaining()) {
          return b;
        }
      }
      if (finished) {
        return null;
      }
      long wait = idleTimeout.toNanos();
      boolean byDeadline = false;
      if (deadline != null) {
        long left = deadline.remainingNanos();
        if (left <= 0) {
          close();
          throw pastDeadline();
        }
        if (left < wait) {
          wait = left;
          byDeadline = true;
        }
      }
      Object item;
      try {
        item = poller.poll(queue, wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new InterruptedIOException("interrupted while reading a response body");
      }
      if (item == null) {
        close();
        throw byDeadline
            ? pastDeadline()
            : new HttpTimeoutException("no data received for " + idleTimeout);
      }
      if (item == END) {
        finished = true;
        return null;
      }
      if (item instanceof Failure) {
        finished = true;
        Throwable t = ((Failure) item).error();
        throw new IOException(Reasons.describe(t), t);
      }
      List<ByteBuffer> list = ((Chunk) item).buffers();
      buffers = list.iterator();
      long bytes = 0;
      for (ByteBuffer b : list) {
        bytes += b.remaining();
      }
      largestList = Math.max(largestList, bytes);
      outstanding--;
      long window = window();
      if (outstanding <= window / 2) {
        subscription.request(window - outstanding);
        outstanding = window;
      }
    }
  }

  /** How many lists to keep requested: {@link #AHEAD_BYTES} of the largest seen. */
  private long window() {
    return Math.max(MIN_AHEAD, Math.min(MAX_AHEAD, AHEAD_BYTES / largestList));
  }

  private HttpTimeoutException pastDeadline() {
    return new HttpTimeoutException("response not complete within " + deadline.limit());
  }

  /**
   * Reads the whole body if it has at most {@code limit} bytes.
   *
   * @return the body, or null when it is longer than {@code limit} (the rest is not read)
   */
  byte[] readAtMost(int limit) throws IOException {
    byte[] out = new byte[Math.min(limit + 1, 8192)];
    int size = 0;
    while (true) {
      if (size == out.length) {
        if (size > limit) {
          close();
          return null;
        }
        out = Arrays.copyOf(out, Math.min(limit + 1, out.length * 2));
      }
      int n = read(out, size, out.length - size);
      if (n < 0) {
        return Arrays.copyOf(out, size);
      }
      size += n;
    }
  }

  /** Stops the transfer; the rest of the body is discarded. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }
}
