package dev.appupdate.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class VersionTest {

  /**
   * Strictly ascending groups; the versions within one group are equal. Built from Mozilla's own
   * documented example list, extended with '+', '*', padding and numbers beyond int and long.
   */
  private static final List<List<String>> ASCENDING =
      List.of(
          List.of("-1"),
          List.of("0", "0.0", "0.", "0.0.0", "00"),
          List.of("0.9"),
          List.of("+", "0+", "1pre", "1pre0", "+1pre"),
          List.of("1.-1"),
          List.of("1.0-1"),
          List.of("1.0a"),
          List.of("1.0b1"),
          List.of("1.0pre1"),
          List.of("1", "1.", "1.0", "1.0.0", "1.0.0.0", "1.00", "1..0", "+1"),
          List.of("1.0.1"),
          List.of("1.1a"),
          List.of("1.1aa"),
          List.of("1.1ab"),
          List.of("1.1b"),
          List.of("1.1c"),
          List.of("1.1pre", "1.1pre0", "1.0+", "1.0+foo"),
          List.of("1.1pre1a"),
          List.of("1.1pre1aa"),
          List.of("1.1pre1b"),
          List.of("1.1pre1"),
          List.of("1.1pre2"),
          List.of("1.1pre10"),
          List.of("1.1.-1"),
          List.of("1.1", "1.1.0", "1.1.00"),
          List.of("1.1.1"),
          List.of("1.1.99"),
          List.of("1.1.*", "1.1.*.0"),
          List.of("1.2pre"),
          List.of("1.10"),
          List.of("1.*", "1.*.0"),
          List.of("1.*.1"),
          List.of("2.0pre"),
          List.of("2", "2.0"),
          List.of("2.0.1esr"),
          List.of("2.0.1"),
          List.of("10"),
          List.of("2147483647"),
          List.of("2147483648"),
          List.of("9223372036854775807"),
          List.of("9223372036854775808"),
          List.of("99999999999999999999999"),
          List.of("100000000000000000000000", "100000000000000000000000.0"),
          List.of("*", "*.0"),
          List.of("*.1"));

  @Test
  void compareTo_documentedList_isStrictlyAscendingAcrossGroups() {
    for (int i = 0; i < ASCENDING.size(); i++) {
      for (int j = 0; j < ASCENDING.size(); j++) {
        for (String a : ASCENDING.get(i)) {
          for (String b : ASCENDING.get(j)) {
            int c = Version.parse(a).compareTo(Version.parse(b));
            assertThat(Integer.signum(c))
                .as("compare(%s, %s)", a, b)
                .isEqualTo(Integer.compare(i, j));
          }
        }
      }
    }
  }

  @Test
  void equalsAndHashCode_withinAGroup_agree() {
    for (List<String> group : ASCENDING) {
      Version first = Version.parse(group.get(0));
      for (String text : group) {
        Version v = Version.parse(text);
        assertThat(v).as(text).isEqualTo(first);
        assertThat(v.hashCode()).as(text).isEqualTo(first.hashCode());
      }
    }
  }

  @Test
  void compareTo_documentedList_agreesWithMozillaPort() {
    List<String> all = ASCENDING.stream().flatMap(List::stream).toList();
    for (String a : all) {
      for (String b : all) {
        assertThat(Integer.signum(Version.parse(a).compareTo(Version.parse(b))))
            .as("compare(%s, %s)", a, b)
            .isEqualTo(Integer.signum(MozillaVersionComparator.compare(a, b)));
      }
    }
  }

  @Test
  void padding_trailingZeroPartsAreEqual() {
    assertThat(Version.parse("1.0")).isEqualTo(Version.parse("1.0.0"));
    assertThat(Version.parse("1.0.0")).isEqualTo(Version.parse("1.0.0.0"));
    assertThat(Version.parse("1.0").compareTo(Version.parse("1.0.0.0"))).isZero();
  }

  @Test
  void plus_meansNextNumberPre() {
    assertThat(Version.parse("1.0+")).isEqualTo(Version.parse("1.1pre"));
    assertThat(Version.parse("1.0+")).isLessThan(Version.parse("1.1pre1"));
  }

  @Test
  void star_isGreaterThanAnyNumber() {
    assertThat(Version.parse("1.1.*")).isGreaterThan(Version.parse("1.1.99"));
    assertThat(Version.parse("1.1.*"))
        .isGreaterThan(Version.parse("1.1.99999999999999999999999999999"));
    assertThat(Version.parse("*")).isGreaterThan(Version.parse("100000000000000000000000"));
  }

  @Test
  void numbers_beyondLongRange_compareByValue() {
    assertThat(Version.parse("99999999999999999999999"))
        .isLessThan(Version.parse("100000000000000000000000"));
    assertThat(Version.parse("1.99999999999999999999999"))
        .isLessThan(Version.parse("1.100000000000000000000000"));
    assertThat(Version.parse("1.99999999999999999999999+"))
        .isEqualTo(Version.parse("1.100000000000000000000000pre"));
  }

  @Test
  void numbers_atTheLongBoundary_orderByValue() {
    List<String> ascending =
        List.of(
            "-9223372036854775810",
            "-9223372036854775809",
            "-9223372036854775808",
            "-9223372036854775807",
            "0",
            "9223372036854775806",
            "9223372036854775807",
            "9223372036854775808",
            "9223372036854775809",
            "*");
    for (int i = 0; i < ascending.size(); i++) {
      for (int j = 0; j < ascending.size(); j++) {
        for (String prefix : List.of("", "1.", "1a")) {
          String a = prefix + ascending.get(i);
          String b = prefix + ascending.get(j);
          if (prefix.equals("1a") && (a.endsWith("*") || b.endsWith("*"))) {
            continue; // '*' is a number only as a whole part
          }
          assertThat(Integer.signum(Version.parse(a).compareTo(Version.parse(b))))
              .as("compare(%s, %s)", a, b)
              .isEqualTo(Integer.compare(i, j));
        }
      }
    }
  }

  @Test
  void numbers_withLeadingZerosAcrossTheLongBoundary_areEqualWithEqualHashes() {
    List<List<String>> groups =
        List.of(
            List.of("7", "007", "0000000000000000000000000007", "+007"),
            List.of("9223372036854775807", "0009223372036854775807", "+9223372036854775807"),
            List.of("9223372036854775808", "0009223372036854775808", "+9223372036854775808"),
            List.of("-9223372036854775808", "-0009223372036854775808"),
            List.of("-9223372036854775809", "-0009223372036854775809"),
            List.of("1.2a9223372036854775808b", "1.2a000009223372036854775808b"));
    for (List<String> group : groups) {
      Version first = Version.parse(group.get(0));
      for (String text : group) {
        Version v = Version.parse(text);
        assertThat(v).as(text).isEqualTo(first);
        assertThat(v.hashCode()).as(text).isEqualTo(first.hashCode());
        assertThat(v.canonical()).as(text).isEqualTo(first.canonical());
      }
    }
    assertThat(Version.parse("9223372036854775807"))
        .isNotEqualTo(Version.parse("9223372036854775808"));
    assertThat(Version.parse("-9223372036854775808"))
        .isNotEqualTo(Version.parse("-9223372036854775809"));
  }

  @Test
  void plus_acrossTheLongBoundary_givesTheNumberAboveInEitherSpelling() {
    // Each pair reaches the same number once through '+' and once written out: values that fit
    // a long must end up held alike, whichever way they were computed.
    List<List<String>> pairs =
        List.of(
            List.of("9223372036854775807+", "9223372036854775808pre"),
            List.of("9223372036854775806+", "9223372036854775807pre"),
            List.of("-9223372036854775809+", "-9223372036854775808pre"),
            List.of("999999999999999999+", "1000000000000000000pre"),
            List.of("99999999999999999999+", "100000000000000000000pre"));
    for (List<String> pair : pairs) {
      Version plus = Version.parse(pair.get(0));
      Version written = Version.parse(pair.get(1));
      assertThat(plus).as(pair.get(0)).isEqualTo(written);
      assertThat(plus.hashCode()).as(pair.get(0)).isEqualTo(written.hashCode());
      assertThat(plus.canonical()).as(pair.get(0)).isEqualTo(pair.get(1));
    }
  }

  @ParameterizedTest
  @CsvSource({
    "09223372036854775807, 9223372036854775807",
    "+09223372036854775808, 9223372036854775808",
    "-09223372036854775809, -9223372036854775809",
    "1.0000000000000000000000.0, 1",
    "1-09223372036854775809x, 1-9223372036854775809x",
    "1a09223372036854775808, 1a9223372036854775808"
  })
  void canonical_numbersAtTheLongBoundary_areWrittenByValue(String text, String canonical) {
    assertThat(Version.parse(text).canonical()).isEqualTo(canonical);
  }

  @Test
  void compareTo_versionsNearTheLongBoundary_agreeWithMozillaPortAndEquals() {
    String[] pieces = {
      "9223372036854775807", "9223372036854775808", "09223372036854775807", "-9223372036854775808",
      "-9223372036854775809", "999999999999999999", "1000000000000000000", "0", "1", "+", "-",
      "*", "a", "pre"
    };
    Random random = new Random(SEED);
    List<Version> vs = new ArrayList<>();
    while (vs.size() < 300) {
      StringBuilder sb = new StringBuilder();
      int parts = 1 + random.nextInt(3);
      for (int p = 0; p < parts; p++) {
        if (p > 0) {
          sb.append('.');
        }
        int n = 1 + random.nextInt(3);
        for (int k = 0; k < n; k++) {
          sb.append(pieces[random.nextInt(pieces.length)]);
        }
      }
      vs.add(Version.parse(sb.toString()));
    }
    for (Version a : vs) {
      for (Version b : vs) {
        int c = Integer.signum(a.compareTo(b));
        assertThat(c)
            .as("compare(%s, %s), seed %x", a, b, SEED)
            .isEqualTo(Integer.signum(MozillaVersionComparator.compare(a.toString(), b.toString())));
        assertThat(a.equals(b)).as("equals %s vs %s", a, b).isEqualTo(c == 0);
        if (c == 0) {
          assertThat(a.hashCode()).as("hashCode %s vs %s", a, b).isEqualTo(b.hashCode());
        }
      }
      assertThat(Version.parse(a.canonical())).as("canonical of %s", a).isEqualTo(a);
    }
  }

  @Test
  void numbers_withLeadingZeros_compareByValue() {
    assertThat(Version.parse("1.010")).isEqualTo(Version.parse("1.10"));
    assertThat(Version.parse("1.010")).isGreaterThan(Version.parse("1.9"));
  }

  @Test
  void preRelease_sortsBeforeRelease() {
    assertThat(Version.parse("1.0pre1")).isLessThan(Version.parse("1.0"));
    assertThat(Version.parse("1.0a")).isLessThan(Version.parse("1.0b1"));
    assertThat(Version.parse("60.0.1esr")).isLessThan(Version.parse("60.0.1"));
  }

  @ParameterizedTest
  @CsvSource({
    // string b: by character code, letter by letter
    "1.0a, 1.0b",
    "1.0alpha, 1.0beta",
    "1.0b, 1.0c1",
    // a prefix sorts before its extensions, and the empty string before any
    "1.0b, 1.0ba",
    "1.0pr, 1.0pre",
    "1-1, 1a",
    // upper case before lower case (character codes), not case-blind
    "1.0B, 1.0a",
    "1.0Pre, 1.0pre",
    "1.0ESR, 1.0esr",
    "1.0b, 1.0b_",
    // a string before no string, in b and in d
    "1.0b, 1.0",
    "1.0b1x, 1.0b1",
    // string d: the same rules after the number c
    "1.0b1a, 1.0b1b",
    "1.0b1a, 1.0b1aa",
    "1.0b1A, 1.0b1a",
    // b decides before c and d; c before d
    "1.0a9z, 1.0b1a",
    "1.0b1z, 1.0b2a",
    // the string of an earlier part decides before a later part
    "1.0a.9, 1.0b.1",
    // strings longer than eight characters: the ninth and later decide
    "1.0abcdefg, 1.0abcdefgh",
    "1.0abcdefgh, 1.0abcdefgha",
    "1.0abcdefghi, 1.0abcdefghj",
    "1.0abcdefghZ, 1.0abcdefgha",
    "1.0abcdefghijklm, 1.0abcdefghijklmn",
    "1.0abcdefgh~, 1.0abcdefgi",
    "1.0b1abcdefghi, 1.0b1abcdefghj"
  })
  void compareTo_stringSlots_orderByCharacterCodeWithPrefixesFirst(String lower, String higher) {
    Version a = Version.parse(lower);
    Version b = Version.parse(higher);
    assertThat(a.compareTo(b)).as("%s < %s", lower, higher).isNegative();
    assertThat(b.compareTo(a)).as("%s > %s", higher, lower).isPositive();
    assertThat(Integer.signum(a.compareTo(b)))
        .isEqualTo(Integer.signum(MozillaVersionComparator.compare(lower, higher)));
  }

  @ParameterizedTest
  @CsvSource({
    "1.0b, 1.0b",
    "1.0pre1, 1.0pre01",
    "1.0b1esr, 1.0b1esr",
    "1-1, 1-1",
    "1.0abcdefgh, 1.0abcdefgh",
    "1.0abcdefghijk1, 1.0abcdefghijk01"
  })
  void compareTo_equalStrings_areEqual(String x, String y) {
    assertThat(Version.parse(x).compareTo(Version.parse(y))).isZero();
    assertThat(Version.parse(x)).isEqualTo(Version.parse(y));
  }

  @Test
  void toString_returnsTheOriginalText() {
    for (String text : List.of("1.0", "1.0.0", "01.000", "1.0+", "1.1.*", "+", "66.0a1", "1..2")) {
      assertThat(Version.parse(text)).hasToString(text);
    }
  }

  @Test
  void parse_emptyText_isRejected() {
    assertThatThrownBy(() -> Version.parse(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("version must not be empty");
  }

  @Test
  void parse_textLongerThanMax_isRejected() {
    assertThat(Version.parse("1".repeat(256))).hasToString("1".repeat(256));
    assertThatThrownBy(() -> Version.parse("1".repeat(257)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("version must be at most 256 characters, got 257");
  }

  @Test
  void parse_space_isRejectedWithOffset() {
    assertThatThrownBy(() -> Version.parse("1.0 beta"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "version must hold only printable ASCII characters without spaces, got \"1.0 beta\""
                + " with U+0020 at offset 3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.0\u00e9", "1.0\t", "\u00a01", "1.\u03b2", "1\u0000"})
  void parse_nonPrintableAscii_isRejected(String text) {
    assertThatThrownBy(() -> Version.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "version must hold only printable ASCII characters without spaces, got ");
  }

  @Test
  void parse_null_throwsNullPointerException() {
    assertThatThrownBy(() -> Version.parse(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("text == null");
  }

  @ParameterizedTest
  @CsvSource({
    "1.0.0, 1",
    "1.0, 1",
    "01.10, 1.10",
    "1.0+, 1.1pre",
    "1.1pre0, 1.1pre",
    "2.0b03, 2.0b3",
    "+1, 1",
    "0.0, 0",
    "1..2, 1.0.2",
    "pre, 0pre",
    "+, 1pre",
    "1.*.0, 1.*",
    "1-0, 1-0",
    "1-, 1-0-",
    "1a-x, 1a0-x",
    "60.0.1esr, 60.0.1esr",
    "007.-0, 7"
  })
  void canonical_spellsEachVersionOneWay(String text, String canonical) {
    assertThat(Version.parse(text).canonical()).isEqualTo(canonical);
  }

  @Test
  void canonical_documentedList_isSharedExactlyByEqualVersions() {
    List<String> all = ASCENDING.stream().flatMap(List::stream).toList();
    for (String a : all) {
      for (String b : all) {
        Version va = Version.parse(a);
        Version vb = Version.parse(b);
        assertThat(va.canonical().equals(vb.canonical()))
            .as("canonical %s vs %s", a, b)
            .isEqualTo(va.equals(vb));
      }
    }
  }

  @Test
  void canonical_generatedVersions_isSharedExactlyByEqualVersions() {
    samples()
        .forEach(
            vs -> {
              Map<String, Version> byCanonical = new HashMap<>();
              Map<Version, String> canonicalOf = new HashMap<>();
              for (Version v : vs) {
                String c = v.canonical();
                Version first = byCanonical.putIfAbsent(c, v);
                assertThat(first == null || first.equals(v))
                    .as("%s and %s share canonical %s, seed %x", first, v, c, SEED)
                    .isTrue();
                String earlier = canonicalOf.putIfAbsent(v, c);
                assertThat(earlier == null || earlier.equals(c))
                    .as("equal versions, canonical %s and %s, seed %x", earlier, c, SEED)
                    .isTrue();
              }
            });
  }

  @Test
  void canonical_generatedVersions_parsesBackToAnEqualVersionWithTheSameCanonical() {
    samples()
        .forEach(
            vs -> {
              for (Version v : vs) {
                Version back = Version.parse(v.canonical());
                assertThat(back).as("%s -> %s, seed %x", v, v.canonical(), SEED).isEqualTo(v);
                assertThat(back.canonical()).as("%s, seed %x", v, SEED).isEqualTo(v.canonical());
              }
            });
  }

  @Test
  void equals_nonVersion_isFalse() {
    assertThat(Version.parse("1.0")).isNotEqualTo("1.0");
  }

  // ---- property-style checks over generated versions (seeded, so failures reproduce) ----

  private static final long SEED = 0x5eed_2024L;

  /** Versions from a small alphabet, so that many of them are equal or nearly so. */
  private static List<Version> generated(int count, Random random) {
    String[] pieces = {
      "0", "1", "2", "10", "00", "a", "b", "pre", "esr", "+", "-", "*", "-1", "99999999999999999999",
      "100000000000000000000"
    };
    List<Version> versions = new ArrayList<>();
    while (versions.size() < count) {
      StringBuilder sb = new StringBuilder();
      int parts = 1 + random.nextInt(4);
      for (int p = 0; p < parts; p++) {
        if (p > 0) {
          sb.append('.');
        }
        int n = random.nextInt(4);
        for (int k = 0; k < n; k++) {
          sb.append(pieces[random.nextInt(pieces.length)]);
        }
      }
      String text = sb.toString();
      if (!text.isEmpty()) {
        versions.add(Version.parse(text));
      }
    }
    return versions;
  }

  /** Versions of random printable ASCII, biased towards the characters that matter. */
  private static List<Version> generatedNoise(int count, Random random) {
    String alphabet = "0123456789..+-*abpr";
    List<Version> versions = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int length = 1 + random.nextInt(10);
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < length; k++) {
        sb.append(
            random.nextInt(10) == 0
                ? (char) ('!' + random.nextInt('~' - '!' + 1))
                : alphabet.charAt(random.nextInt(alphabet.length())));
      }
      versions.add(Version.parse(sb.toString()));
    }
    return versions;
  }

  private static Stream<List<Version>> samples() {
    Random random = new Random(SEED);
    return Stream.of(generated(400, random), generatedNoise(400, random));
  }

  @Test
  void compareTo_generatedVersions_agreesWithMozillaPort() {
    samples()
        .forEach(
            vs -> {
              for (Version a : vs) {
                for (Version b : vs) {
                  assertThat(Integer.signum(a.compareTo(b)))
                      .as("compare(%s, %s), seed %x", a, b, SEED)
                      .isEqualTo(
                          Integer.signum(
                              MozillaVersionComparator.compare(a.toString(), b.toString())));
                }
              }
            });
  }

  @Test
  void compareTo_generatedVersions_isAntisymmetricAndConsistentWithEqualsAndHashCode() {
    samples()
        .forEach(
            vs -> {
              for (Version a : vs) {
                assertThat(a.compareTo(a)).isZero();
                for (Version b : vs) {
                  int ab = Integer.signum(a.compareTo(b));
                  assertThat(Integer.signum(b.compareTo(a)))
                      .as("antisymmetry %s vs %s, seed %x", a, b, SEED)
                      .isEqualTo(-ab);
                  assertThat(a.equals(b)).as("equals %s vs %s", a, b).isEqualTo(ab == 0);
                  if (ab == 0) {
                    assertThat(a.hashCode()).as("hashCode %s vs %s", a, b).isEqualTo(b.hashCode());
                  }
                }
              }
            });
  }

  @Test
  void compareTo_generatedVersions_isTransitive() {
    samples()
        .forEach(
            vs -> {
              List<Version> sorted = new ArrayList<>(vs);
              Collections.sort(sorted);
              // In a total order, sorting puts every pair in order, not just neighbours.
              for (int i = 0; i < sorted.size(); i++) {
                for (int j = i + 1; j < sorted.size(); j++) {
                  assertThat(sorted.get(i).compareTo(sorted.get(j)))
                      .as("sorted %s before %s, seed %x", sorted.get(i), sorted.get(j), SEED)
                      .isLessThanOrEqualTo(0);
                }
              }
              Random random = new Random(SEED);
              for (int n = 0; n < 20_000; n++) {
                Version a = vs.get(random.nextInt(vs.size()));
                Version b = vs.get(random.nextInt(vs.size()));
                Version c = vs.get(random.nextInt(vs.size()));
                if (a.compareTo(b) <= 0 && b.compareTo(c) <= 0) {
                  assertThat(a.compareTo(c))
                      .as("%s <= %s <= %s, seed %x", a, b, c, SEED)
                      .isLessThanOrEqualTo(0);
                }
              }
            });
  }

  @Test
  void generatedVersions_includeManyEqualPairs() {
    // Guards the property checks above: without equal pairs they would not test equals/hashCode.
    List<Version> vs = generated(400, new Random(SEED));
    long equalPairs = 0;
    for (int i = 0; i < vs.size(); i++) {
      for (int j = i + 1; j < vs.size(); j++) {
        if (vs.get(i).compareTo(vs.get(j)) == 0 && !vs.get(i).toString().equals(vs.get(j).toString())) {
          equalPairs++;
        }
      }
    }
    assertThat(equalPairs).isGreaterThan(50);
  }
}
