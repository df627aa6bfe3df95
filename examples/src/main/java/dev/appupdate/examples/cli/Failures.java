package dev.appupdate.examples.cli;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Turns exceptions into the short texts the CLI prints after "cannot ...:", worded as a person
 * would say them and never naming a Java class.
 */
final class Failures {
  /** A class name as {@code Throwable.toString()} puts it before a message. */
  private static final Pattern CLASS_PREFIX =
      Pattern.compile("\\b(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");

  /** An ISO-8601 duration as {@code Duration.toString()} writes it, such as {@code PT30S}. */
  private static final Pattern ISO_DURATION = Pattern.compile("\\bPT[0-9HMS.]+\\b");

  private Failures() {}

  /**
   * Returns a one-line description of a failure to talk to a server, for example {@code connection
   * refused to 127.0.0.1:8000}, {@code timed out after 10 s connecting to updates.example.com:443},
   * {@code unknown host updates.example.invalid} or {@code TLS handshake failed: ...}; other
   * failures as {@link #describe(Throwable)} does.
   *
   * @param server the server talked to, for its host and port
   * @param connectTimeout how long connecting may take
   * @param requestTimeout how long an answer may take
   */
  static String describe(
      Throwable t, URI server, Duration connectTimeout, Duration requestTimeout) {
    String address = address(server);
    // Most specific first: the JDK reports an unknown host as a ConnectException caused by it.
    if (find(t, HttpConnectTimeoutException.class) != null) {
      return "timed out after " + seconds(connectTimeout) + " connecting to " + address;
    }
    Throwable timeout = find(t, HttpTimeoutException.class);
    if (timeout == null) {
      timeout = find(t, SocketTimeoutException.class);
    }
    if (timeout != null) {
      // The JDK's own text says no more than the sentence; the client's names the limit it hit.
      String message = timeout.getMessage();
      return message == null || message.equals("request timed out")
          ? "timed out after " + seconds(requestTimeout) + " waiting for " + address
          : "timed out: " + text(message);
    }
    if (find(t, UnresolvedAddressException.class) != null
        || find(t, UnknownHostException.class) != null) {
      return "unknown host " + server.getHost();
    }
    Throwable tls = find(t, SSLException.class);
    if (tls != null) {
      String message = firstMessage(tls);
      return "TLS handshake failed" + (message == null ? "" : ": " + message);
    }
    Throwable connect = find(t, ConnectException.class);
    if (connect != null) {
      String message = firstMessage(connect);
      if (message == null || message.toLowerCase(Locale.ROOT).contains("connection refused")) {
        return "connection refused to " + address;
      }
      return "cannot connect to " + address + ": " + lowerFirst(message);
    }
    return describe(t);
  }

  private static Throwable find(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return c;
      }
    }
    return null;
  }

  /**
   * Returns a one-line description of {@code t}, for example {@code no such file}: the first
   * message along its causes, without the class names Java puts in some.
   */
  static String describe(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof NoSuchFileException) {
        return "no such file";
      }
      if (c instanceof AccessDeniedException) {
        return "permission denied";
      }
      if (c instanceof NotDirectoryException) {
        return "not a directory";
      }
      if (c instanceof FileSystemException) {
        String reason = ((FileSystemException) c).getReason();
        if (reason != null) {
          return oneLine(reason);
        }
      }
    }
    String message = firstMessage(t);
    if (message != null) {
      return message;
    }
    return t instanceof IOException ? "input/output error" : "unexpected error";
  }

  /**
   * Returns the first message along the causes of {@code t}, made readable; null when none has one.
   * A wrapper whose message is only its cause's {@code toString()} is skipped.
   */
  private static String firstMessage(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String message = c.getMessage();
      boolean wrapper = c.getCause() != null && c.getCause().toString().equals(message);
      if (message != null && !message.isBlank() && !wrapper) {
        String text = text(message);
        if (!text.isEmpty()) {
          return text;
        }
      }
    }
    return null;
  }

  private static String text(String message) {
    String text = CLASS_PREFIX.matcher(oneLine(message)).replaceAll("");
    Matcher m = ISO_DURATION.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String replacement;
      try {
        replacement = seconds(Duration.parse(m.group()));
      } catch (RuntimeException e) {
        replacement = m.group();
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
    }
    return m.appendTail(sb).toString();
  }

  /** Returns {@code 10 s}, or {@code 1.5 s} for a duration that is not whole seconds. */
  static String seconds(Duration d) {
    if (d.toNanosPart() == 0) {
      return d.toSeconds() + " s";
    }
    return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
  }

  /** Returns {@code host:port}, with the scheme's port when the URI has none. */
  private static String address(URI server) {
    int port = server.getPort();
    if (port == -1) {
      port = "https".equalsIgnoreCase(server.getScheme()) ? 443 : 80;
    }
    String host = server.getHost();
    return (host != null && host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host)
        + ":"
        + port;
  }

  private static String lowerFirst(String text) {
    return text.isEmpty() || (text.length() > 1 && Character.isUpperCase(text.charAt(1)))
        ? text
        : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }

  /** Returns {@code text} with every run of whitespace and control characters made one space. */
  static String oneLine(String text) {
    return text.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
  }
}
