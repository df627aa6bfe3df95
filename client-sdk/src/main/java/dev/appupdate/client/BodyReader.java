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
 * slowly the data keeps coming. It requests one buffer list at a time, so at most two lists are
 * held however large the body is.
 */
final class BodyReader implements Flow.Subscriber<List<ByteBuffer>>, AutoCloseable {
  private static final Object END = new Object();

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
      s.request(1);
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
    while (true) {
      if (current != null && current.hasRemaining()) {
        int n = Math.min(len, current.remaining());
        current.get(b, off, n);
        return n;
      }
      if (buffers != null && buffers.hasNext()) {
        current = buffers.next();
        continue;
      }
      if (finished) {
        return -1;
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
        return -1;
      }
      if (item instanceof Failure) {
        finished = true;
        Throwable t = ((Failure) item).error();
        throw new IOException(Reasons.describe(t), t);
      }
      buffers = ((Chunk) item).buffers().iterator();
      subscription.request(1);
    }
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
