package dev.appupdate.examples.cli;

import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Turns exceptions into the short texts the CLI prints after "cannot ...:". */
final class Failures {
  private Failures() {}

  /**
   * Returns a one-line description of {@code t}, for example {@code Connection refused
   * (ConnectException)} or {@code no such file}.
   */
  static String describe(Throwable t) {
    // The JDK's network exceptions often carry no message of their own; a cause has it.
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
      if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
        return "unknown host (" + c.getClass().getSimpleName() + ")";
      }
      if (c instanceof FileSystemException) {
        String reason = ((FileSystemException) c).getReason();
        if (reason != null) {
          return oneLine(reason);
        }
      }
      String message = c.getMessage();
      // new IOException(cause) takes cause.toString() as its message: the cause says it better.
      boolean wrapper = c.getCause() != null && c.getCause().toString().equals(message);
      if (message != null && !message.isBlank() && !wrapper) {
        return oneLine(message) + " (" + c.getClass().getSimpleName() + ")";
      }
    }
    return t.getClass().getSimpleName();
  }

  /** Returns {@code text} with every run of whitespace and control characters made one space. */
  static String oneLine(String text) {
    return text.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
  }
}
