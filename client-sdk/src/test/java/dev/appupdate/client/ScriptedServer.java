package dev.appupdate.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 server on a plain socket, for the transfers WireMock cannot script: a body
 * cut off by a TCP reset in the middle, a body without end, headers followed by silence. Request i
 * is answered by step i of the script (later requests by the last step); one request per
 * connection. Request headers are recorded.
 */
final class ScriptedServer implements AutoCloseable {

  /** Answers one request on its socket. */
  @FunctionalInterface
  interface Step {
    void answer(Socket socket, OutputStream out) throws IOException;
  }

  private final ServerSocket server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger next = new AtomicInteger();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile List<Step> script = List.of();

  ScriptedServer() {
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    executor.execute(this::acceptLoop);
  }

  /** Sets the script. */
  ScriptedServer answer(Step... steps) {
    this.script = List.of(steps);
    return this;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
  }

  /** The headers of each request so far, names in lower case. */
  List<Map<String, String>> requests() {
    return requests;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return;
      }
      executor.execute(() -> serve(socket));
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      requests.add(readHead(socket.getInputStream()));
      List<Step> steps = script;
      int i = next.getAndIncrement();
      OutputStream out = socket.getOutputStream();
      steps.get(Math.min(i, steps.size() - 1)).answer(socket, out);
      out.flush();
    } catch (IOException e) {
      // The client hung up, which several scripts provoke on purpose.
    }
  }

  private static Map<String, String> readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0 || head.size() > 64 * 1024) {
        throw new IOException("incomplete request head");
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    Map<String, String> headers = new HashMap<>();
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    headers.put(":request-line", lines[0]);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    return headers;
  }

  private static void head(OutputStream out, String statusLine, String... headers)
      throws IOException {
    StringBuilder sb = new StringBuilder("HTTP/1.1 ").append(statusLine).append("\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    sb.append("Connection: close\r\n\r\n");
    out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Announces all of {@code body}, sends its first {@code n} bytes, then resets the connection. */
  static Step resetAfter(byte[] body, int n, String etag) {
    return (socket, out) -> {
      head(out, "200 OK", "Content-Length: " + body.length, "ETag: " + etag);
      out.write(body, 0, n);
      out.flush();
      socket.setSoLinger(true, 0);
      socket.close();
    };
  }

  /** Sends {@code 206} with bytes {@code from..end} of {@code body}. */
  static Step partial(byte[] body, int from, String etag) {
    return (socket, out) -> {
      head(
          out,
          "206 Partial Content",
          "Content-Length: " + (body.length - from),
          "Content-Range: bytes " + from + "-" + (body.length - 1) + "/" + body.length,
          "ETag: " + etag);
      out.write(body, from, body.length - from);
    };
  }

  /** Sends 200 with {@code body} in chunks of {@code chunkSize} bytes, without a length. */
  static Step chunked(byte[] body, int chunkSize) {
    return (socket, out) -> {
      head(out, "200 OK", "Transfer-Encoding: chunked", "ETag: \"c1\"");
      for (int i = 0; i < body.length; i += chunkSize) {
        int n = Math.min(chunkSize, body.length - i);
        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(body, i, n);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      }
      out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    };
  }

  /** Sends 200 without a length, then zeros until the client hangs up. */
  static Step endless() {
    return (socket, out) -> {
      head(out, "200 OK");
      byte[] chunk = new byte[16 * 1024];
      while (true) {
        out.write(chunk);
        out.flush();
      }
    };
  }

  /** Sends the headers of a {@code length}-byte 200, then nothing until the server closes. */
  Step silentAfterHeaders(long length) {
    return (socket, out) -> {
      head(out, "200 OK", "Content-Length: " + length);
      out.flush();
      try {
        closed.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  @Override
  public void close() {
    closed.countDown();
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    executor.shutdownNow();
  }
}
