package dev.appupdate.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

class BodyReaderTest {
  /** A publisher stand-in: records demand and cancellation. */
  private static final class Subscription implements Flow.Subscription {
    long requested;
    boolean cancelled;

    @Override
    public void request(long n) {
      requested += n;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  /** Never waits: an empty queue is an idle timeout at once. */
  private static final BodyReader.Poller NO_WAIT = (queue, nanos) -> queue.poll();

  private static BodyReader reader() {
    return new BodyReader(Duration.ofSeconds(30), null, NO_WAIT);
  }

  private static List<ByteBuffer> list(int... sizes) {
    List<ByteBuffer> l = new ArrayList<>();
    for (int size : sizes) {
      l.add(ByteBuffer.wrap(new byte[size]).asReadOnlyBuffer());
    }
    return List.copyOf(l);
  }

  /**
   * Reads {@code lists} lists of {@code bytes} each, the publisher delivering all it may before
   * each read, as a fast network does; returns the fewest and the most lists that were requested
   * and not yet taken, after each read.
   */
  private static long[] demandWhileReading(int lists, int bytes) throws IOException {
    BodyReader r = reader();
    Subscription s = new Subscription();
    r.onSubscribe(s);
    long delivered = 0;
    long fewest = Long.MAX_VALUE;
    long most = 0;
    for (int taken = 1; taken <= lists; taken++) {
      while (delivered < s.requested) {
        r.onNext(list(bytes));
        delivered++;
      }
      assertThat(r.next()).isNotNull();
      fewest = Math.min(fewest, s.requested - taken);
      most = Math.max(most, s.requested - taken);
    }
    assertThat(s.cancelled).isFalse();
    return new long[] {fewest, most};
  }

  @Test
  void next_slowReaderOfDefaultBuffers_keepsAboutTwoMebibytesRequestedAhead() throws IOException {
    long[] ahead = demandWhileReading(10 * BodyReader.MAX_AHEAD, 16_384);

    assertThat(ahead[0]).isGreaterThanOrEqualTo(BodyReader.MAX_AHEAD / 2);
    assertThat(ahead[1]).isEqualTo(BodyReader.MAX_AHEAD);
    assertThat(BodyReader.MAX_AHEAD * 16_384L).isEqualTo(2 * 1024 * 1024);
  }

  @Test
  void next_largerBuffers_fewerListsAheadSoTheBytesStayBounded() throws IOException {
    long[] ahead = demandWhileReading(300, 262_144);

    // The initial demand, one list taken; from then on 2 MiB of 256 KiB lists, renewed at half.
    assertThat(ahead[1]).isEqualTo(BodyReader.INITIAL_AHEAD - 1);
    assertThat(ahead[0]).isBetween(4L, 8L);
    long[] huge = demandWhileReading(300, 4 * 1_048_576);
    assertThat(huge[0]).isBetween(1L, (long) BodyReader.MIN_AHEAD);
  }

  @Test
  void next_listsOfSeveralBuffers_returnsEachNonEmptyBufferThenNullAtTheEnd()
      throws IOException {
    BodyReader r = reader();
    r.onSubscribe(new Subscription());
    r.onNext(list(3, 0, 5));
    r.onNext(list(7));
    r.onComplete();

    List<Integer> sizes = new ArrayList<>();
    for (ByteBuffer b; (b = r.next()) != null; ) {
      sizes.add(b.remaining());
    }

    assertThat(sizes).containsExactly(3, 5, 7);
    assertThat(r.next()).isNull();
  }

  @Test
  void read_smallerThanTheBuffers_copiesThemPieceByPiece() throws IOException {
    BodyReader r = reader();
    r.onSubscribe(new Subscription());
    r.onNext(List.of(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5})));
    r.onNext(List.of(ByteBuffer.wrap(new byte[] {6})));
    r.onComplete();
    byte[] b = new byte[3];

    assertThat(r.read(b, 0, 3)).isEqualTo(3);
    assertThat(b).containsExactly(1, 2, 3);
    assertThat(r.read(b, 0, 3)).isEqualTo(2);
    assertThat(r.read(b, 2, 1)).isEqualTo(1);
    assertThat(b).containsExactly(4, 5, 6);
    assertThat(r.read(b, 0, 3)).isEqualTo(-1);
  }

  @Test
  void next_nothingQueuedForTheIdleTimeout_failsAndCancels() {
    BodyReader r = reader();
    Subscription s = new Subscription();
    r.onSubscribe(s);

    assertThatThrownBy(r::next)
        .isInstanceOf(HttpTimeoutException.class)
        .hasMessage("no data received for PT30S");
    assertThat(s.cancelled).isTrue();
  }
}
