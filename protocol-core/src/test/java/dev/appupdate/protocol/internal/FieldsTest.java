package dev.appupdate.protocol.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.protocol.Version;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The character rules of {@link Fields} are hand-written loops; the regular expressions they
 * stand for serve here as the oracle over generated values.
 */
class FieldsTest {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._~-]+");
  private static final Pattern LOCALE = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*");

  private static final long SEED = 0x5eed_f1e1dL;
  /** The characters at the edges of the classes, plus a few outside ASCII. */
  private static final String ALPHABET = "azAZ09._-~-- /:@[`{\u00e9\u0130\u212a";

  /** Short strings from {@link #ALPHABET}, so that the interesting boundaries come up often. */
  private static String[] generated(int count) {
    Random random = new Random(SEED);
    String[] values = new String[count];
    for (int i = 0; i < count; i++) {
      int length = random.nextInt(14);
      StringBuilder sb = new StringBuilder(length);
      for (int k = 0; k < length; k++) {
        sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      values[i] = sb.toString();
    }
    return values;
  }

  @Test
  void name_generatedValues_acceptsExactlyWhatItsExpressionMatches() {
    int accepted = 0;
    for (String v : generated(50_000)) {
      boolean expected = !v.isEmpty() && NAME.matcher(v).matches();
      assertThat(Fields.name(v) == null).as("name %s, seed %x", Fields.quote(v), SEED)
          .isEqualTo(expected);
      accepted += expected ? 1 : 0;
    }
    assertThat(accepted).isGreaterThan(500);
  }

  @Test
  void requestId_generatedValues_acceptsExactlyWhatItsExpressionMatches() {
    int accepted = 0;
    for (String v : generated(50_000)) {
      boolean expected = REQUEST_ID.matcher(v).matches();
      assertThat(Fields.requestId(v) == null).as("request id %s, seed %x", Fields.quote(v), SEED)
          .isEqualTo(expected);
      accepted += expected ? 1 : 0;
    }
    assertThat(accepted).isGreaterThan(500);
  }

  @Test
  void locale_generatedTags_acceptsExactlyWhatItsExpressionMatches() {
    // Tags built from subtags of 0 to 9 characters, so that both length limits are crossed.
    Random random = new Random(SEED);
    String letters = "aZq";
    String alnum = "aZ09";
    int accepted = 0;
    for (int i = 0; i < 50_000; i++) {
      StringBuilder sb = new StringBuilder();
      int primary = random.nextInt(10);
      for (int k = 0; k < primary; k++) {
        sb.append(
            random.nextInt(20) == 0
                ? ALPHABET.charAt(random.nextInt(ALPHABET.length()))
                : letters.charAt(random.nextInt(letters.length())));
      }
      int subtags = random.nextInt(4);
      for (int s = 0; s < subtags; s++) {
        sb.append(random.nextInt(20) == 0 ? "_" : "-");
        int length = random.nextInt(10);
        for (int k = 0; k < length; k++) {
          sb.append(alnum.charAt(random.nextInt(alnum.length())));
        }
      }
      String v = sb.toString();
      boolean expected = LOCALE.matcher(v).matches();
      assertThat(Fields.locale(v) == null).as("locale %s, seed %x", Fields.quote(v), SEED)
          .isEqualTo(expected);
      accepted += expected ? 1 : 0;
    }
    assertThat(accepted).isGreaterThan(500);
  }

  @ParameterizedTest
  @ValueSource(strings = {"e", "abcdefghi", "en-", "en--US", "en-abcdefghi", "-en", "en_US", "é"})
  void locale_malformedTag_isRefusedWithTheValue(String tag) {
    assertThat(Fields.locale(tag))
        .isEqualTo("must be a BCP 47 language tag such as en-US, got " + Fields.quote(tag));
  }

  @ParameterizedTest
  @ValueSource(strings = {"en", "abcdefgh", "en-US", "zh-Hant-TW", "de-CH-1901", "sgn-abcdefgh"})
  void locale_wellFormedTag_isAccepted(String tag) {
    assertThat(Fields.locale(tag)).isNull();
  }

  @Test
  void name_startingWithPunctuation_isRefusedWithTheValue() {
    assertThat(Fields.name("-app"))
        .isEqualTo(
            "must start with a letter or digit and hold only letters, digits, '.', '_' and '-',"
                + " got \"-app\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1.0 beta", "1.0\u00e9", "1\u0000"})
  void version_sameProblemAsVersionParseReports(String text) {
    String problem = Fields.version(text);
    assertThat(problem).isNotNull();
    try {
      Version.parse(text);
      throw new AssertionError("parsed " + text);
    } catch (IllegalArgumentException e) {
      assertThat(e).hasMessage("version " + problem);
    }
  }

  @Test
  void version_longestTextAndOneMore_areAcceptedAndRefused() {
    assertThat(Fields.version("1".repeat(Version.MAX_LENGTH))).isNull();
    assertThat(Fields.version("1".repeat(Version.MAX_LENGTH + 1)))
        .isEqualTo("must be at most 256 characters, got 257");
  }
}
