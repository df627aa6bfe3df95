package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.appupdate.protocol.ServerCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
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
  void slowBody_isCutOffAtTheEndOfItsFirstWindow_whileOtherRequestsAreAnswered() throws Exception {
    AtomicLong ticker = new AtomicLong();
    Watchdog watchdog = Watchdog.manual(ticker::get);
    try (AppUpdateServer server = Fixtures.demoServer(dir).watchdog(watchdog).build()) {
      server.start();
      try (Socket slow = RawHttp.connect(server.port())) {
        slow.getOutputStream()
            .write(
                RawHttp.head(
                    "POST /v1/update HTTP/1.1\nHost: x\nContent-Type: application/json\n"
                        + "Content-Length: 60000"));
        slow.getOutputStream().write('{');
        slow.getOutputStream().flush();
        awaitOpen(() -> watchdog.openMinRate() == 1);

        assertThat(Fixtures.get(server, "/healthz").statusCode()).isEqualTo(200);
        ticker.set(Watchdog.BODY_WINDOW.toNanos() - 1);
        watchdog.check();
        assertThat(watchdog.openMinRate()).isEqualTo(1);
        // The first window ends with 1 of the 5 KiB it needs: the connection goes, now.
        ticker.set(Watchdog.BODY_WINDOW.toNanos());
        watchdog.check();

        assertThatThrownBy(() -> RawHttp.read(slow.getInputStream(), false))
            .isInstanceOf(IOException.class)
            .isNotInstanceOf(SocketTimeoutException.class);
        awaitOpen(() -> watchdog.open() == 0);
        assertThat(Fixtures.get(server, "/healthz").statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void slowHeaders_areCutOffAtTheHeaderLimit() throws Exception {
    AtomicLong ticker = new AtomicLong();
    Watchdog watchdog = Watchdog.manual(ticker::get);
    try (AppUpdateServer server = Fixtures.demoServer(dir).watchdog(watchdog).build()) {
      server.start();
      try (Socket slow = RawHttp.connect(server.port())) {
        slow.getOutputStream()
            .write("GET /healthz HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
        slow.getOutputStream().flush();
        awaitOpen(() -> watchdog.open() == 1);

        ticker.set(Watchdog.HEADER_TIME.toNanos() - 1);
        watchdog.check();
        assertThat(watchdog.open()).isEqualTo(1);
        ticker.set(Watchdog.HEADER_TIME.toNanos());
        watchdog.check();

        assertThatThrownBy(() -> RawHttp.read(slow.getInputStream(), false))
            .isInstanceOf(IOException.class)
            .isNotInstanceOf(SocketTimeoutException.class);
      }
    }
  }

  @Test
  void slowReader_ofAFile_isCutOffInTheFirstWindowThatMovesTooLittle() throws Exception {
    Path files = Files.createDirectories(dir.resolve("files"));
    long size = 256L * 1024 * 1024;
    try (RandomAccessFile f = new RandomAccessFile(files.resolve("big.bin").toFile(), "rw")) {
      f.setLength(size); // sparse: nothing is written
    }
    AtomicLong ticker = new AtomicLong();
    Watchdog watchdog = Watchdog.manual(ticker::get);
    try (AppUpdateServer server =
        Fixtures.demoServer(dir).filesDir(files).watchdog(watchdog).build()) {
      server.start();
      try (Socket reader = new Socket()) {
        reader.setReceiveBufferSize(4096);
        reader.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        reader.setSoTimeout(10_000);
        reader.getOutputStream().write(RawHttp.head("GET /files/big.bin HTTP/1.1\nHost: x"));
        reader.getOutputStream().flush();
        awaitOpen(() -> watchdog.openMinRate() == 1);

        // A window at a time: the socket buffers take the first windows' bytes, then the server's
        // writes block, a window moves nothing, and the watch ends the answer.
        long deadline = System.nanoTime() + 10 * SECOND;
        while (watchdog.openMinRate() == 1 && System.nanoTime() - deadline < 0) {
          ticker.addAndGet(Watchdog.SEND_WINDOW.toNanos());
          watchdog.check();
          LockSupport.parkNanos(1_000_000);
        }
        long read = reader.getInputStream().transferTo(OutputStream.nullOutputStream());

        assertThat(read).as("bytes before the connection was closed").isLessThan(size);
      }
    }
  }

  @Test
  void router_answerCutShortByAnIoFailure_closesTheConnection() throws Exception {
    // What a watch's interrupt does when it lands in the file read rather than the socket write:
    // the file channel closes, the socket stays open, and only the handler can have it closed.
    Route failing =
        call -> {
          // Closed on the way out, as FileRoute does: that ends the exchange, not the connection.
          try (OutputStream out = call.startBody(200, 1000)) {
            out.write(new byte[10]);
            out.flush();
            throw new ClosedByInterruptException();
          }
        };
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    try (AccessLog accessLog = AccessLog.start()) {
      http.createContext(
          "/",
          new Router(
              ServerCodec.create(),
              Map.of(),
              Map.of(),
              failing,
              new InFlight(),
              accessLog,
              new Admission(null, null, List.of(), List.of(), false),
              Watchdog.manual(System::nanoTime),
              new Metrics()));
      http.start();
      try (Socket client = RawHttp.connect(http.getAddress().getPort())) {
        client.getOutputStream().write(RawHttp.head("GET /files/x HTTP/1.1\nHost: x"));
        client.getOutputStream().flush();

        // Before the fix: the 10 bytes, then nothing until the JDK's response time limit.
        assertThat(client.getInputStream().readAllBytes()).hasSizeLessThan(1000);
      }
    } finally {
      http.stop(0);
    }
  }

  @Test
  void workers_virtualThreads_onlyWhereABlockedSynchronizedReadKeepsItsCarrierFree() {
    // The JDK server's streams are synchronized: on 21 to 23 a slow client pins a carrier.
    assertThat(Workers.virtualThreadsOn(21)).isFalse();
    assertThat(Workers.virtualThreadsOn(23)).isFalse();
    assertThat(Workers.virtualThreadsOn(24)).isTrue();
    assertThat(Workers.describe(0))
        .isEqualTo(
            Runtime.version().feature() >= 24
                ? "virtual threads"
                : "a pool of " + Workers.DEFAULT_THREADS + " threads");
  }

  /** Waits for the server's threads to reach a state; a bound, not a timing. */
  private static void awaitOpen(BooleanSupplier condition) {
    long deadline = System.nanoTime() + 10 * SECOND;
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("state not reached within 10 s").isNegative();
      LockSupport.parkNanos(1_000_000);
    }
  }
}
