package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CompletionKeysTest {
  private static final long EXPIRY = 1_750_000_000L;

  private static CompletionKeys.Key key(int i) {
    return CompletionKeys.key("request-" + i, "my_important_data");
  }

  @Test
  void add_thenContains_andASecondAddIsARepeat() {
    CompletionKeys keys = new CompletionKeys(10);

    assertThat(keys.add(key(1), EXPIRY)).isTrue();

    assertThat(keys.contains(key(1))).isTrue();
    assertThat(keys.contains(key(2))).isFalse();
    assertThat(keys.add(key(1), EXPIRY)).isFalse();
    assertThat(keys.size()).isEqualTo(1);
  }

  @Test
  void key_dependsOnBothRequestIdAndUpdateType() {
    assertThat(CompletionKeys.key("a", "b")).isEqualTo(CompletionKeys.key("a", "b"));
    assertThat(CompletionKeys.key("a", "b")).isNotEqualTo(CompletionKeys.key("a", "c"));
    assertThat(CompletionKeys.key("a\nb", "c")).isNotEqualTo(CompletionKeys.key("a", "b\nc"));
  }

  @Test
  void manyKeys_growTheTableAtMostToTwiceTheirNumber() {
    CompletionKeys keys = new CompletionKeys(100_000);

    for (int i = 0; i < 100_000; i++) {
      assertThat(keys.add(key(i), EXPIRY)).isTrue();
    }

    assertThat(keys.size()).isEqualTo(100_000);
    assertThat(keys.slots()).isEqualTo(262_144).isLessThanOrEqualTo(4 * 100_000);
    for (int i = 0; i < 100_000; i++) {
      assertThat(keys.contains(key(i))).isTrue();
    }
    assertThat(keys.contains(key(100_000))).isFalse();
  }

  @Test
  void add_atTheCap_isRefusedButARepeatIsStillRecognized() {
    CompletionKeys keys = new CompletionKeys(2);
    keys.add(key(1), EXPIRY);
    keys.add(key(2), EXPIRY);

    assertThat(keys.room()).isZero();
    assertThat(keys.add(key(1), EXPIRY)).isFalse();
    assertThatThrownBy(() -> keys.add(key(3), EXPIRY))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the cap of 2 keys is reached");
  }

  @Test
  void removeExpiredBefore_forgetsOnlyKeysExpiredBeforeThatSecondAndFreesRoom() {
    CompletionKeys keys = new CompletionKeys(3);
    keys.add(key(1), EXPIRY);
    keys.add(key(2), EXPIRY + 3600);
    keys.add(key(3), EXPIRY + 7200);

    keys.removeExpiredBefore(EXPIRY + 3600);

    assertThat(keys.contains(key(1))).isFalse();
    assertThat(keys.contains(key(2))).isTrue();
    assertThat(keys.contains(key(3))).isTrue();
    assertThat(keys.room()).isEqualTo(1);
  }

  @Test
  void removeExpiredBefore_keepsAKeyUntilTheEndOfItsExpiryMinute() {
    CompletionKeys keys = new CompletionKeys(3);
    keys.add(key(1), EXPIRY + 1); // rounded up to the next minute, never down

    keys.removeExpiredBefore(EXPIRY + 1);

    assertThat(keys.contains(key(1))).isTrue();
  }

  @Test
  void removeExpiredBefore_shrinksTheTable() {
    CompletionKeys keys = new CompletionKeys(10_000);
    for (int i = 0; i < 10_000; i++) {
      keys.add(key(i), i < 9_990 ? EXPIRY : EXPIRY + 3600);
    }

    keys.removeExpiredBefore(EXPIRY + 60);

    assertThat(keys.size()).isEqualTo(10);
    assertThat(keys.slots()).isEqualTo(1024);
    for (int i = 9_990; i < 10_000; i++) {
      assertThat(keys.contains(key(i))).isTrue();
    }
  }

  @Test
  void cap_outOfRange_isRefused() {
    assertThatThrownBy(() -> new CompletionKeys(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max must be 1-536870912, got 0");
  }
}
