package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class WriteBehindTest {
  private static final int CHUNK = 16_384;

  /** Collects what is written, checking that every write follows the one before. */
  private static final class Recorder implements WriteBehind.Sink {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final long start;
    final CountDownLatch gate;

    Recorder(long start, CountDownLatch gate) {
      this.start = start;
      this.gate = gate;
    }

    @Override
    public synchronized int write(ByteBuffer src, long position) throws IOException {
      try {
        // A bound for a broken test, never reached when the test works.
        if (!gate.await(30, TimeUnit.SECONDS)) {
          throw new IOException("test never opened the gate");
        }
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
      if (position != start + bytes.size()) {
        throw new IOException("write at " + position + ", expected " + (start + bytes.size()));
      }
      // Some bytes only, as a file system may do.
      int n = Math.min(src.remaining(), 100_000);
      byte[] b = new byte[n];
      src.get(b);
      bytes.write(b, 0, n);
      return n;
    }

    synchronized byte[] written() {
      return bytes.toByteArray();
    }
  }

  private static CountDownLatch open() {
    return new CountDownLatch(0);
  }

  private static ByteBuffer slice(byte[] b, int from, int to) {
    return ByteBuffer.wrap(Arrays.copyOfRange(b, from, to)).asReadOnlyBuffer();
  }

  @Test
  void flush_buffersOfAnySize_reachTheSinkInOrderFromTheFirstPosition() throws IOException {
    byte[] data = Fixtures.payload(3 * WriteBehind.BATCH + 5_000, 1);
    int[] cuts = {0, 1, 700, 700 + 2 * WriteBehind.BATCH + 7, data.length};
    Recorder sink = new Recorder(1_000, open());
    WriteBehind w = new WriteBehind(sink, "test-writer");

    for (int i = 0; i + 1 < cuts.length; i++) {
      w.write(slice(data, cuts[i], cuts[i + 1]), 1_000 + cuts[i]);
    }
    w.flush();

    assertThat(sink.written()).isEqualTo(data);
    w.stop();
  }

  @Test
  void write_whileTheSinkIsStuck_holdsNoMoreThanTheLimit() throws Exception {
    byte[] data = Fixtures.payload(2 * WriteBehind.LIMIT, 2);
    CountDownLatch gate = new CountDownLatch(1);
    Recorder sink = new Recorder(0, gate);
    WriteBehind w = new WriteBehind(sink, "test-writer");
    AtomicInteger accepted = new AtomicInteger();
    AtomicReference<Throwable> failed = new AtomicReference<>();
    Thread producer =
        new Thread(
            () -> {
              try {
                for (int from = 0; from < data.length; from += CHUNK) {
                  w.write(slice(data, from, from + CHUNK), from);
                  accepted.addAndGet(CHUNK);
                }
              } catch (Throwable t) {
                failed.set(t);
              }
            });
    producer.start();

    // Were the queue unbounded, the producer would get through all of it and end.
    awaitBlocked(producer, () -> accepted.get() >= WriteBehind.LIMIT);
    assertThat(accepted.get()).isEqualTo(WriteBehind.LIMIT);

    gate.countDown();
    producer.join(30_000);
    assertThat(failed.get()).isNull();
    w.flush();
    assertThat(sink.written()).isEqualTo(data);
    w.stop();
  }

  @Test
  void write_interruptedWhileWaitingForRoom_failsAndKeepsTheFlag() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    WriteBehind w = new WriteBehind(new Recorder(0, gate), "test-writer");
    AtomicReference<Throwable> failed = new AtomicReference<>();
    AtomicReference<Boolean> flag = new AtomicReference<>();
    byte[] data = Fixtures.payload(CHUNK, 3);
    Thread producer =
        new Thread(
            () -> {
              try {
                for (long at = 0; ; at += CHUNK) {
                  w.write(ByteBuffer.wrap(data), at);
                }
              } catch (Throwable t) {
                failed.set(t);
                flag.set(Thread.currentThread().isInterrupted());
              }
            });
    producer.start();
    awaitBlocked(producer, () -> true);

    producer.interrupt();
    producer.join(30_000);

    assertThat(failed.get()).isInstanceOf(InterruptedIOException.class);
    assertThat(flag.get()).isTrue();
    gate.countDown();
    w.stop();
  }

  @Test
  void flush_afterAFailedWrite_reportsItAndSoDoesTheNextWrite() {
    WriteBehind w =
        new WriteBehind(
            (src, position) -> {
              throw new IOException("No space left on device");
            },
            "test-writer");

    assertThatThrownBy(
            () -> {
              w.write(ByteBuffer.wrap(new byte[10]), 0);
              w.flush();
            })
        .isInstanceOf(IOException.class)
        .hasMessage("No space left on device");
    assertThatThrownBy(() -> w.write(ByteBuffer.wrap(new byte[10]), 10))
        .isInstanceOf(IOException.class)
        .hasMessage("No space left on device");
    w.stop();
  }

  @Test
  void discard_queuedBytes_areNeverWrittenAndTheFailureIsForgotten() throws IOException {
    Recorder sink = new Recorder(0, open());
    WriteBehind w = new WriteBehind(sink, "test-writer");
    w.write(ByteBuffer.wrap(Fixtures.payload(1_000, 4)), 0);

    w.discard();
    byte[] fresh = Fixtures.payload(500, 5);
    w.write(ByteBuffer.wrap(fresh), 0);
    w.flush();

    assertThat(sink.written()).isEqualTo(fresh);
    w.stop();
  }

  @Test
  void write_notFollowingTheQueuedBytes_isRejected() throws IOException {
    WriteBehind w = new WriteBehind(new Recorder(0, open()), "test-writer");
    w.write(ByteBuffer.wrap(new byte[100]), 0);

    assertThatThrownBy(() -> w.write(ByteBuffer.wrap(new byte[100]), 200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("write at 200 does not follow the queued bytes, which end at 100");
    w.stop();
  }

  /** Waits, bounded, until {@code t} is blocked once {@code reached} holds. */
  private static void awaitBlocked(Thread t, BooleanSupplier reached) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!reached.getAsBoolean() || t.getState() != Thread.State.WAITING) {
      assertThat(System.nanoTime()).as("producer never blocked").isLessThan(end);
      assertThat(t.isAlive()).as("producer ended without blocking").isTrue();
      Thread.onSpinWait();
    }
  }
}
