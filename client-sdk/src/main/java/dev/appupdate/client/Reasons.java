package dev.appupdate.client;

/**
 * Turns failure texts into reasons fit for a completion report and for log lines: one line, no
 * control characters, bounded length. Server texts and installer messages pass through here, so
 * neither can inject line breaks into logs or push a report past the protocol's limits.
 */
final class Reasons {
  /** Well under the protocol's 1024-character limit for {@code reason}. */
  static final int MAX_LENGTH = 200;

  private Reasons() {}

  /** Returns {@code text} on one line, without control characters, at most 200 characters. */
  static String clean(String text) {
    if (text == null) {
      return "unknown error";
    }
    StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_LENGTH + 1));
    boolean space = false;
    for (int i = 0; i < text.length() && sb.length() <= MAX_LENGTH; i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        space = sb.length() > 0;
        continue;
      }
      if (space) {
        sb.append(' ');
        space = false;
      }
      sb.append(c);
    }
    if (sb.length() == 0) {
      return "unknown error";
    }
    if (sb.length() > MAX_LENGTH) {
      sb.setLength(MAX_LENGTH - 3);
      sb.append("...");
    }
    return sb.toString();
  }

  /** Returns a short description of {@code t}: its message, or its class name when it has none. */
  static String describe(Throwable t) {
    String m = t.getMessage();
    return clean(m == null || m.isBlank() ? t.getClass().getSimpleName() : m);
  }
}
