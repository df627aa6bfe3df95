package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar as integrators run it: flags, exit codes, the listening line, signals. */
class ServerJarIT {
  @TempDir Path dir;

  @Test
  void help_listsEveryOptionAndExits0() throws Exception {
    try (ServerProcess p = ServerProcess.start(dir, "--help")) {
      assertThat(p.awaitExit()).isZero();
      assertThat(String.join("\n", p.stdoutLines()))
          .contains(
              "--port",
              "--bind",
              "--public-url",
              "--catalog",
              "--files",
              "--data",
              "--retention",
              "--help");
    }
  }

  @Test
  void badFlag_exits2WithAOneLineReason() throws Exception {
    try (ServerProcess p = ServerProcess.start(dir, "--port", "0", "--frobnicate")) {
      assertThat(p.awaitExit()).isEqualTo(2);
      assertThat(p.stdoutLines()).isEmpty();
      assertThat(p.stderr())
          .isEqualTo(
              "appupdate-server: unknown option \"--frobnicate\" (see --help)"
                  + System.lineSeparator());
    }
  }

  @Test
  void start_printsExactlyOneListeningLine_andSigtermExits0() throws Exception {
    try (ServerProcess p = ServerProcess.start(dir, "--port", "0")) {
      int port = p.awaitPort();
      assertThat(RawHttp.send(port, "GET /healthz HTTP/1.1\nHost: x").status()).isEqualTo(200);
      assertThat(RawHttp.send(port, "GET /files/important_binary_v2.zip HTTP/1.1\nHost: x").body())
          .hasSize(1312);

      p.process().destroy(); // SIGTERM

      assertThat(p.awaitExit()).isZero();
      assertThat(p.stdoutLines())
          .containsExactly("appupdate server listening on http://127.0.0.1:" + port);
      assertThat(dir.resolve("appupdate-data").resolve("request-id.key")).exists();
    }
  }

  @Test
  void sigterm_finishesTheRequestInFlightAnswering503MeanwhileThenExits0() throws Exception {
    try (ServerProcess p = ServerProcess.start(dir, "--port", "0")) {
      int port = p.awaitPort();
      byte[] body = Fixtures.SEED_REQUEST.getBytes(StandardCharsets.UTF_8);
      try (Socket inFlight = RawHttp.connect(port)) {
        OutputStream out = inFlight.getOutputStream();
        out.write(
            RawHttp.head("POST /v1/update HTTP/1.1\nHost: x\nContent-Length: " + body.length));
        out.write(body, 0, 5);
        out.flush();
        // Once the server answers, the request above is surely in flight.
        assertThat(RawHttp.send(port, "GET /healthz HTTP/1.1\nHost: x").status()).isEqualTo(200);

        p.process().destroy();
        Await.until("the drain answers 503", () -> status(port) == 503);
        out.write(body, 5, body.length - 5);
        out.flush();

        assertThat(RawHttp.read(inFlight.getInputStream(), false).status()).isEqualTo(204);
      }
      assertThat(p.awaitExit()).isZero();
    }
  }

  private static int status(int port) {
    try {
      return RawHttp.send(port, "GET /healthz HTTP/1.1\nHost: x").status();
    } catch (IOException e) {
      return -1;
    }
  }

  @Test
  void corruptKey_exits1SayingWhy() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.write(data.resolve("request-id.key"), new byte[7]);

    try (ServerProcess p = ServerProcess.start(dir, "--port", "0", "--data", data.toString())) {
      assertThat(p.awaitExit()).isEqualTo(1);
      assertThat(p.stdoutLines()).isEmpty();
      assertThat(p.stderr())
          .contains("appupdate-server: cannot start: request-id key file")
          .contains("is corrupt: it holds 7 bytes, not 32");
    }
  }

  @Test
  void portInUse_exits1SayingWhy() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerProcess p =
            ServerProcess.start(dir, "--port", Integer.toString(taken.getLocalPort()))) {
      assertThat(p.awaitExit()).isEqualTo(1);
      assertThat(p.stderr())
          .contains(
              "appupdate-server: cannot start: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void slowClient_isCutOffByTheRequestTimeout() throws Exception {
    try (ServerProcess p =
        ServerProcess.start(dir, List.of("-Dsun.net.httpserver.maxReqTime=1"), "--port", "0")) {
      int port = p.awaitPort();
      try (Socket slow = RawHttp.connect(port)) {
        slow.getOutputStream()
            .write(RawHttp.head("POST /v1/update HTTP/1.1\nHost: x\nContent-Length: 100"));
        slow.getOutputStream().write('{');
        slow.getOutputStream().flush();

        // The rest of the body never comes: within a second or two the server hangs up.
        assertThat(readToEnd(slow.getInputStream())).isEmpty();
      }
      assertThat(RawHttp.send(port, "GET /healthz HTTP/1.1\nHost: x").status()).isEqualTo(200);
    }
  }

  @Test
  void silentClient_isCutOffByTheRequestTimeout() throws Exception {
    try (ServerProcess p =
        ServerProcess.start(dir, List.of("-Dsun.net.httpserver.maxReqTime=1"), "--port", "0")) {
      int port = p.awaitPort();
      try (Socket silent = RawHttp.connect(port)) {
        assertThat(silent.getInputStream().read()).isEqualTo(-1);
      }
    }
  }

  private static byte[] readToEnd(InputStream in) throws IOException {
    try {
      return in.readAllBytes();
    } catch (java.net.SocketException e) {
      return new byte[0]; // reset by the server: cut off all the same
    }
  }
}
