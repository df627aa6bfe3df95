package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watchdog's limits on slow clients, and what the access log makes of hostile methods. */
class SlowClientTest {
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path dir;

  @Test
  void watchdog_deadline_interruptsABlockedChannelRead_andClearsTheInterruptOnClose()
      throws Exception {
    AtomicLong ticker = new AtomicLong();
    Watchdog watchdog = Watchdog.manual(ticker::get);
    try (ServerSocketChannel listener = ServerSocketChannel.open()) {
      listener.bind(new InetSocketAddress("127.0.0.1", 0));
      try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
          SocketChannel accepted = listener.accept()) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> interruptedAfterClose = new AtomicReference<>();
        CompletableFuture<Void> opened = new CompletableFuture<>();
        Thread reader =
            new Thread(
                () -> {
                  Watchdog.Watch w = watchdog.deadline(Duration.ofSeconds(10));
                  opened.complete(null);
                  try {
                    accepted.read(ByteBuffer.allocate(16));
                  } catch (IOException e) {
                    failure.set(e);
                  } finally {
                    w.close();
                    interruptedAfterClose.set(Thread.currentThread().isInterrupted());
                  }
                });
        reader.start();
        opened.get(10, TimeUnit.SECONDS);

        ticker.set(9 * SECOND);
        watchdog.check();
        assertThat(reader.isAlive()).isTrue();
        ticker.set(10 * SECOND);
        watchdog.check();
        reader.join(10_000);

        assertThat(failure.get()).isInstanceOf(ClosedByInterruptException.class);
        assertThat(interruptedAfterClose.get()).isFalse();
        assertThat(accepted.isOpen()).isFalse();
        assertThat(watchdog.open()).isZero();
        assertThat(client.isOpen()).isTrue();
      }
    }
  }

  @Test
  void watchdog_minRate_firesOnlyForAWindowBelowTheRate() {
    AtomicLong ticker = new AtomicLong();
    Watchdog watchdog = Watchdog.manual(ticker::get);
    try (Watchdog.Watch w = watchdog.minRate(100, Duration.ofSeconds(10))) {
      w.progress(5_000); // a burst at the start does not pay for later windows
      ticker.set(10 * SECOND);
      watchdog.check();
      assertThat(w.fired()).isFalse();

      w.progress(999);
      ticker.set(20 * SECOND);
      watchdog.check();

      assertThat(w.fired()).isTrue();
    }
    assertThat(Thread.interrupted()).isFalse();
  }

  @Test
  void watchdog_closedWatch_neverInterrupts() {
    AtomicLong ticker = new AtomicLong();
    Watchdog watchdog = Watchdog.manual(ticker::get);
    Watchdog.Watch w = watchdog.deadline(Duration.ofSeconds(1));
    w.close();

    ticker.set(5 * SECOND);
    watchdog.check();

    assertThat(w.fired()).isFalse();
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void accessLog_hostileMethods_areLoggedAsShortPrintableAscii() throws Exception {
    try (LogCapture capture = new LogCapture("dev.appupdate.server.access");
        AppUpdateServer server = Fixtures.demoServer(dir).build()) {
      server.start();
      // About the longest request line the JDK server takes under maxReqHeaderSize=32768.
      String huge = "G".repeat(32_000);
      for (String method : List.of("\u001b[31mGET\u001b[0m", "GE\u0000T", huge)) {
        try (Socket socket = RawHttp.connect(server.port())) {
          OutputStream out = socket.getOutputStream();
          out.write(
              (method + " /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
          RawHttp.read(socket.getInputStream(), false);
        }
      }

      List<String> lines = capture.await(3);

      assertThat(lines)
          .allSatisfy(
              line -> {
                assertThat(line.length()).isLessThan(200);
                assertThat(line.chars()).allMatch(c -> c >= 0x20 && c < 0x7f);
              });
      // Logged after each answer: not necessarily in the order sent.
      assertThat(lines)
          .anyMatch(line -> line.contains(" ?[31mGET?[0m \"/healthz\" "))
          .anyMatch(line -> line.contains(" GE?T "))
          .anyMatch(line -> line.contains(" " + "G".repeat(32) + "... "));
    }
  }

  @Test
  void slowBody_isCutOff_whileOtherRequestsAreAnswered() throws Exception {
    try (AppUpdateServer server = Fixtures.demoServer(dir).build()) {
      server.start();
      try (Socket slow = RawHttp.connect(server.port())) {
        slow.getOutputStream()
            .write(
                RawHttp.head(
                    "POST /v1/update HTTP/1.1\nHost: x\nContent-Type: application/json\n"
                        + "Content-Length: 60000"));
        slow.getOutputStream().write('{');
        slow.getOutputStream().flush();

        assertThat(Fixtures.get(server, "/healthz").statusCode()).isEqualTo(200);
        // The body watch's first window ends with 1 of the 5 KiB it needs: the connection goes.
        long start = System.nanoTime();
        assertThatThrownBy(() -> RawHttp.read(slow.getInputStream(), false))
            .isInstanceOf(IOException.class);
        assertThat(System.nanoTime() - start).isLessThan(9 * SECOND);
      }
    }
  }
}
