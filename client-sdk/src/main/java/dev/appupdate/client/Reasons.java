package dev.appupdate.client;

/**
 * Turns failure texts into reasons fit for a completion report and for log lines: one line, no
 * control characters, bounded length. Server texts and installer messages pass through here, so
 * neither can inject line breaks into logs or push a report past the protocol's limits.
 */
final class Reasons {
  /** In Unicode code points; well under the protocol's 1024-code-point limit for {@code reason}. */
  static final int MAX_LENGTH = 200;

  private static final String ELLIPSIS = "...";

  private Reasons() {}

  /**
   * Returns {@code text} on one line, without control characters and unpaired surrogates, at most
   * 200 code points long (longer texts are cut to 197 and end in {@code ...}; a surrogate pair is
   * never split). The result is always valid protocol text.
   */
  static String clean(String text) {
    if (text == null) {
      return "unknown error";
    }
    StringBuilder sb = new StringBuilder(Math.min(text.length(), 2 * MAX_LENGTH));
    int length = 0;
    // Where the text has to be cut if more than MAX_LENGTH code points follow.
    int cut = -1;
    boolean space = false;
    boolean truncated = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isWhitespace(cp) || Character.isISOControl(cp)) {
        space = length > 0;
        continue;
      }
      if (Character.getType(cp) == Character.SURROGATE) {
        // codePointAt only returns a surrogate when it has no partner: not valid text.
        continue;
      }
      int needed = space ? 2 : 1;
      if (length + needed > MAX_LENGTH) {
        truncated = true;
        break;
      }
      if (space) {
        sb.append(' ');
        length++;
        space = false;
        if (length == MAX_LENGTH - ELLIPSIS.length()) {
          cut = sb.length();
        }
      }
      sb.appendCodePoint(cp);
      length++;
      if (length == MAX_LENGTH - ELLIPSIS.length()) {
        cut = sb.length();
      }
    }
    if (length == 0) {
      return "unknown error";
    }
    if (truncated) {
      sb.setLength(cut);
      sb.append(ELLIPSIS);
    }
    return sb.toString();
  }

  /** Returns a short description of {@code t}: its message, or its class name when it has none. */
  static String describe(Throwable t) {
    String m = t.getMessage();
    return clean(m == null || m.isBlank() ? t.getClass().getSimpleName() : m);
  }
}
