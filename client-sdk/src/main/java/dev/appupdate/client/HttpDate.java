package dev.appupdate.client;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an HTTP-date (RFC 9110 5.6.7) in each of the three formats a recipient must accept: the
 * IMF-fixdate {@code Sun, 06 Nov 1994 08:49:37 GMT} that servers send today, and the obsolete RFC
 * 850 {@code Sunday, 06-Nov-94 08:49:37 GMT} and asctime {@code Sun Nov  6 08:49:37 1994} formats.
 * The three are read alike: exactly their grammar (two-digit day and seconds, {@code GMT}, no
 * numeric zone), names in any case, the weekday required but not compared with the date (a server
 * that gets it wrong still means the date), and a leap second {@code 60} read as {@code 59}.
 */
final class HttpDate {
  private static final String MONTHS = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
  private static final List<String> MONTH_NAMES =
      List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
  private static final String TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
  private static final Pattern IMF_FIXDATE =
      Pattern.compile(
          "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) " + MONTHS + " (\\d{4}) " + TIME + " GMT",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern RFC_850 =
      Pattern.compile(
          "(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, (\\d{2})-" + MONTHS + "-(\\d{2}) " + TIME
              + " GMT",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern ASCTIME =
      Pattern.compile(
          "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) " + MONTHS + " ( \\d|\\d{2}) " + TIME + " (\\d{4})",
          Pattern.CASE_INSENSITIVE);

  private HttpDate() {}

  /**
   * Returns the instant {@code text} (without surrounding whitespace) names, or null when it is no
   * HTTP-date. A two-digit RFC 850 year is the latest year with those last two digits that is at
   * most 50 years after the year of {@code now}, as RFC 9110 requires.
   */
  static Instant parse(String text, Instant now) {
    if (text == null) {
      return null;
    }
    try {
      Matcher m = IMF_FIXDATE.matcher(text);
      if (m.matches()) {
        return at(Integer.parseInt(m.group(3)), m.group(2), m.group(1), m, 4);
      }
      m = RFC_850.matcher(text);
      if (m.matches()) {
        int nowYear = now.atOffset(ZoneOffset.UTC).getYear();
        int year = nowYear - Math.floorMod(nowYear, 100) + Integer.parseInt(m.group(3));
        if (year > nowYear + 50) {
          year -= 100;
        } else if (year + 100 <= nowYear + 50) {
          year += 100;
        }
        return at(year, m.group(2), m.group(1), m, 4);
      }
      m = ASCTIME.matcher(text);
      if (m.matches()) {
        return at(Integer.parseInt(m.group(6)), m.group(1), m.group(2).trim(), m, 3);
      }
    } catch (DateTimeException e) {
      // A day or time out of range, such as Feb 30 or 25:00.
    }
    return null;
  }

  /** Reads {@link #parse(String, Instant)} with two-digit years placed relative to today. */
  static Instant parse(String text) {
    return parse(text, Instant.now());
  }

  private static Instant at(int year, String month, String day, Matcher m, int timeGroup) {
    int second = Integer.parseInt(m.group(timeGroup + 2));
    return LocalDateTime.of(
            year,
            MONTH_NAMES.indexOf(month.toLowerCase(Locale.ROOT)) + 1,
            Integer.parseInt(day),
            Integer.parseInt(m.group(timeGroup)),
            Integer.parseInt(m.group(timeGroup + 1)),
            // A leap second (RFC 5322 3.3); java.time has none, and a second early is near enough.
            second == 60 ? 59 : second)
        .toInstant(ZoneOffset.UTC);
  }
}
