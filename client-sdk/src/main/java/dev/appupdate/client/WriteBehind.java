package dev.appupdate.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes the bytes of a {@link PartialFile} on a thread of its own, so that the downloading thread
 * spends its time hashing: on two cores, writing into the page cache costs about a quarter of what
 * hashing SHA-512 costs, and done on the hashing thread it would take that share off the download
 * rate. The buffers are queued as they come from the HTTP client (they are immutable, see {@link
 * BodyReader#next}), and the thread is woken once {@value #BATCH} bytes are queued, not for every
 * buffer, so that it wakes up a few thousand times per GiB, not tens of thousands. It copies them
 * into one direct buffer and writes that with one call.
 *
 * <p>Memory stays bounded: {@link #write} waits while {@value #LIMIT} bytes are queued or being
 * written. A failed write is reported by the next call that can report it; the bytes after it are
 * not written.
 */
final class WriteBehind {
  /** Where the bytes go: {@link FileChannel#write(ByteBuffer, long)}, or a test's stand-in. */
  @FunctionalInterface
  interface Sink {
    /** Writes some of the bytes of {@code src} at {@code position}; returns how many. */
    int write(ByteBuffer src, long position) throws IOException;
  }

  /** Queued bytes at which the thread is woken. */
  static final int BATCH = 256 * 1024;

  /** Queued and in-flight bytes above which {@link #write} waits. */
  static final int LIMIT = 4 * BATCH;

  private final Sink sink;
  private final String name;
  private final ReentrantLock lock = new ReentrantLock();

  /** Signalled to the thread: there is something to write, or to stop. */
  private final Condition work = lock.newCondition();

  /** Signalled by the thread: bytes were written, or writing failed. */
  private final Condition written = lock.newCondition();

  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();

  /** The file position of the first queued byte. */
  private long queueStart;

  private long queuedBytes;
  private long inFlightBytes;

  /** Set while {@link #flush} waits: the thread then writes what is queued, batch or not. */
  private boolean draining;

  private boolean stopped;
  private IOException failure;
  private Thread thread;

  /**
   * @param name the thread's name
   */
  WriteBehind(Sink sink, String name) {
    this.sink = sink;
    this.name = name;
  }

  /**
   * Queues {@code src} to be written at {@code position}, which follows the bytes queued before.
   * The buffer is the writer's from now on: the caller must not change it or its position.
   *
   * @throws InterruptedIOException if interrupted while waiting for room (the flag is set again)
   * @throws IOException if an earlier write failed
   * @throws IllegalArgumentException if {@code position} does not follow the queued bytes
   */
  void write(ByteBuffer src, long position) throws IOException {
    lock.lock();
    try {
      throwIfFailed();
      if (stopped) {
        throw new IllegalStateException("closed");
      }
      while (queuedBytes + inFlightBytes >= LIMIT && failure == null) {
        wakeWriter();
        try {
          written.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting to write");
        }
      }
      throwIfFailed();
      if (queue.isEmpty()) {
        queueStart = position;
      } else if (position != queueStart + queuedBytes) {
        throw new IllegalArgumentException(
            "write at "
                + position
                + " does not follow the queued bytes, which end at "
                + (queueStart + queuedBytes));
      }
      queue.add(src);
      queuedBytes += src.remaining();
      if (queuedBytes >= BATCH) {
        wakeWriter();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until every queued byte is written. It does not give up on an interrupt (the flag stays
   * set): at most {@value #LIMIT} bytes are waited for, and the caller goes on to force the file or
   * to keep it for resuming, which needs them written.
   *
   * @throws IOException if a write failed
   */
  void flush() throws IOException {
    lock.lock();
    try {
      draining = true;
      try {
        while ((queuedBytes > 0 || inFlightBytes > 0) && failure == null) {
          wakeWriter();
          written.awaitUninterruptibly();
        }
      } finally {
        draining = false;
      }
      throwIfFailed();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Drops the queued bytes and a failure, and waits for a write under way to end, so that the
   * caller can change the file (truncate it, close it) without a write landing afterwards.
   */
  void discard() {
    lock.lock();
    try {
      queue.clear();
      queuedBytes = 0;
      while (inFlightBytes > 0) {
        written.awaitUninterruptibly();
      }
      failure = null;
    } finally {
      lock.unlock();
    }
  }

  /** Drops what is still queued and lets the thread end; nothing is written after this returns. */
  void stop() {
    discard();
    lock.lock();
    try {
      stopped = true;
      work.signal();
    } finally {
      lock.unlock();
    }
  }

  private void throwIfFailed() throws IOException {
    if (failure != null) {
      throw new IOException(failure.getMessage(), failure);
    }
  }

  /** Called with the lock held. */
  private void wakeWriter() {
    if (thread == null) {
      thread = new Thread(this::run, name);
      // A download that the application abandons must not keep the JVM alive.
      thread.setDaemon(true);
      thread.start();
    } else {
      work.signal();
    }
  }

  private void run() {
    ByteBuffer direct = ByteBuffer.allocateDirect(BATCH);
    ArrayDeque<ByteBuffer> batch = new ArrayDeque<>();
    while (true) {
      long position;
      lock.lock();
      try {
        while (!stopped && (queue.isEmpty() || (queuedBytes < BATCH && !draining))) {
          work.awaitUninterruptibly();
        }
        if (stopped) {
          return;
        }
        position = queueStart;
        inFlightBytes = queuedBytes;
        queueStart += queuedBytes;
        queuedBytes = 0;
        batch.addAll(queue);
        queue.clear();
      } finally {
        lock.unlock();
      }
      IOException error = null;
      try {
        writeAll(batch, direct, position);
      } catch (IOException e) {
        error = e;
      } catch (RuntimeException | Error e) {
        // Whoever waits for these bytes must hear of it rather than wait forever.
        error = new IOException("writing failed: " + e, e);
      }
      batch.clear();
      lock.lock();
      try {
        inFlightBytes = 0;
        if (error != null && failure == null) {
          failure = error;
          queue.clear();
          queuedBytes = 0;
        }
        written.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Copies the buffers into {@code direct} as often as needed and writes it out each time. */
  private void writeAll(ArrayDeque<ByteBuffer> batch, ByteBuffer direct, long position)
      throws IOException {
    while (!batch.isEmpty()) {
      direct.clear();
      while (direct.hasRemaining() && !batch.isEmpty()) {
        ByteBuffer src = batch.peek();
        int n = Math.min(src.remaining(), direct.remaining());
        direct.put(src.slice(src.position(), n));
        src.position(src.position() + n);
        if (!src.hasRemaining()) {
          batch.poll();
        }
      }
      direct.flip();
      while (direct.hasRemaining()) {
        position += sink.write(direct, position);
      }
    }
  }
}
