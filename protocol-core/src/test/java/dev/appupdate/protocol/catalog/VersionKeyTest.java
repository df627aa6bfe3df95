package dev.appupdate.protocol.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.appupdate.protocol.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionKeyTest {
  private static final long SEED = 0x6b65_7973L;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1", "1.0", "10.0.19041", "5.7b1", "60.0esr", "1.0pre", "1.0pre01", "01.002", "1.2.3.4",
        "16777215", "1.0b262143", "1.0abc", "1.0ABC9", "0"
      })
  void encode_coveredForms_areEncoded(String text) {
    long[] keys = new long[VersionKey.PARTS];
    assertThat(VersionKey.encode(text, keys, 0)).isTrue();
    assertThat(keys[0]).isNotEqualTo(VersionKey.NONE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.2.3.4.5", "16777216", "1.0b262144", "1.0abcd", "1.0b1c", "1..2", ".1", "1.", "b1",
        "1.*", "1+", "-1", "1-1", "1.0_b", "1.0b-1", "1.0 ", "1.0ä", "1.0b1.x"
      })
  void encode_otherForms_areLeftToVersion(String text) {
    long[] keys = new long[VersionKey.PARTS];
    assertThat(VersionKey.encode(text, keys, 0)).isFalse();
    assertThat(keys[0]).isEqualTo(VersionKey.NONE);
  }

  @Test
  void compare_generatedVersions_ordersAsVersionCompareTo() {
    Random random = new Random(SEED);
    List<String> texts = new ArrayList<>();
    String[] letters = {"a", "b", "B", "pre", "esr", "Esr", "rc", "z", "ab", "abc"};
    String[] numbers = {"0", "00", "1", "01", "2", "9", "10", "99", "262143", "16777215"};
    while (texts.size() < 600) {
      StringBuilder sb = new StringBuilder();
      int parts = 1 + random.nextInt(VersionKey.PARTS);
      for (int p = 0; p < parts; p++) {
        if (p > 0) {
          sb.append('.');
        }
        sb.append(numbers[random.nextInt(numbers.length)]);
        if (random.nextInt(3) == 0) {
          sb.append(letters[random.nextInt(letters.length)]);
          if (random.nextBoolean()) {
            String c = numbers[random.nextInt(numbers.length)];
            sb.append(c.equals("16777215") ? "262143" : c);
          }
        }
      }
      texts.add(sb.toString());
    }
    long[] keys = new long[texts.size() * VersionKey.PARTS];
    for (int i = 0; i < texts.size(); i++) {
      assertThat(VersionKey.encode(texts.get(i), keys, i * VersionKey.PARTS))
          .as(texts.get(i))
          .isTrue();
    }
    int equal = 0;
    for (int i = 0; i < texts.size(); i++) {
      Version a = Version.parse(texts.get(i));
      for (int j = 0; j < texts.size(); j++) {
        int expected = Integer.signum(a.compareTo(Version.parse(texts.get(j))));
        int actual =
            Integer.signum(
                VersionKey.compare(keys, i * VersionKey.PARTS, keys, j * VersionKey.PARTS));
        assertThat(actual).as("%s vs %s, seed %x", texts.get(i), texts.get(j), SEED)
            .isEqualTo(expected);
        equal += expected == 0 && i != j ? 1 : 0;
      }
    }
    // Equal pairs written differently (1.0 and 1.0.0, 01 and 1) must be among them.
    assertThat(equal).isGreaterThan(20);
  }
}
