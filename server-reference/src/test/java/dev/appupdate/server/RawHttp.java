package dev.appupdate.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** HTTP/1.1 over a plain socket, for requests no well-behaved client would send. */
final class RawHttp {
  private RawHttp() {}

  /** A response as read off the wire; header names lower-cased. */
  record Response(int status, Map<String, String> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  static Socket connect(int port) throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(10_000);
    return socket;
  }

  /** Sends {@code head} (CRLF line ends added) and {@code body} on a new connection. */
  static Response send(int port, String head, byte[] body) throws IOException {
    try (Socket socket = connect(port)) {
      OutputStream out = socket.getOutputStream();
      out.write(head(head));
      out.write(body);
      out.flush();
      return read(socket.getInputStream(), head.startsWith("HEAD "));
    }
  }

  static Response send(int port, String head) throws IOException {
    return send(port, head, new byte[0]);
  }

  /** Returns the request head with CRLF line ends and the blank line after the headers. */
  static byte[] head(String head) {
    String h = head.replace("\r\n", "\n").replace("\n", "\r\n");
    if (!h.endsWith("\r\n")) {
      h += "\r\n";
    }
    return (h + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Reads one response: status line, headers, and a body of Content-Length bytes. */
  static Response read(InputStream in, boolean head) throws IOException {
    String statusLine = line(in);
    if (statusLine == null) {
      throw new IOException("connection closed before a response");
    }
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
          line.substring(colon + 1).trim());
    }
    if (status == 100) {
      return read(in, head);
    }
    String length = headers.get("content-length");
    byte[] body =
        head || status == 204 || status == 304 || length == null
            ? new byte[0]
            : in.readNBytes(Integer.parseInt(length));
    return new Response(status, headers, body);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }
}
