package dev.appupdate.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteRangeTest {

  @Test
  void parse_forms() throws Exception {
    assertThat(ByteRange.parse("bytes=0-0", 10)).isEqualTo(new ByteRange(0, 0));
    assertThat(ByteRange.parse("bytes=3-", 10)).isEqualTo(new ByteRange(3, 9));
    assertThat(ByteRange.parse("bytes=-4", 10)).isEqualTo(new ByteRange(6, 9));
    assertThat(ByteRange.parse("bytes=-40", 10)).isEqualTo(new ByteRange(0, 9));
    assertThat(ByteRange.parse("BYTES = 2 - 4", 10)).isEqualTo(new ByteRange(2, 4));
    assertThat(ByteRange.parse("bytes=2-4", 10).contentRange(10)).isEqualTo("bytes 2-4/10");
    assertThat(ByteRange.parse("bytes=2-4", 10).length()).isEqualTo(3);
  }

  @Test
  void parse_ignored() throws Exception {
    assertThat(ByteRange.parse(null, 10)).isNull();
    assertThat(ByteRange.parse("items=0-1", 10)).isNull();
    assertThat(ByteRange.parse("bytes=0-1,3-4", 10)).isNull();
    assertThat(ByteRange.parse("bytes=4-2", 10)).isNull();
    assertThat(ByteRange.parse("bytes=a-b", 10)).isNull();
    assertThat(ByteRange.parse("bytes=-", 10)).isNull();
    assertThat(ByteRange.parse("bytes=1", 10)).isNull();
  }

  @Test
  void parse_hugeNumbers_saturate() throws Exception {
    assertThat(ByteRange.parse("bytes=0-99999999999999999999999999", 10))
        .isEqualTo(new ByteRange(0, 9));
    assertThatThrownBy(() -> ByteRange.parse("bytes=99999999999999999999999999-", 10))
        .isInstanceOf(HttpProblem.class);
  }

  @Test
  void parse_unsatisfiable_is416() {
    assertThatThrownBy(() -> ByteRange.parse("bytes=10-", 10))
        .isInstanceOfSatisfying(
            HttpProblem.class,
            p -> {
              assertThat(p.problem().status()).isEqualTo(416);
              assertThat(p.headers()).containsEntry("Content-Range", "bytes */10");
            });
    assertThatThrownBy(() -> ByteRange.parse("bytes=-0", 10)).isInstanceOf(HttpProblem.class);
    assertThatThrownBy(() -> ByteRange.parse("bytes=-5", 0)).isInstanceOf(HttpProblem.class);
  }
}
