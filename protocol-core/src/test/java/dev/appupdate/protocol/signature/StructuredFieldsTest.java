package dev.appupdate.protocol.signature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.signature.StructuredFields.InnerList;
import dev.appupdate.protocol.signature.StructuredFields.Item;
import dev.appupdate.protocol.signature.StructuredFields.ParseException;
import dev.appupdate.protocol.signature.StructuredFields.Token;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StructuredFieldsTest {

  @Test
  void parseDictionary_everyBareItemType_andParameters() throws Exception {
    Map<String, Object> d =
        StructuredFields.parseDictionary(
            "a=1, b=-2.5;x, c=\"q\\\"\\\\\", d=tok/en:1, e=:aGk=:, f=?0, g, h=(\"x\";req 1);p=?1");

    assertThat(((Item) d.get("a")).value).isEqualTo(1L);
    assertThat(((Item) d.get("b")).value).isEqualTo(new BigDecimal("-2.5"));
    assertThat(((Item) d.get("b")).params).containsEntry("x", Boolean.TRUE);
    assertThat(((Item) d.get("c")).value).isEqualTo("q\"\\");
    assertThat(((Item) d.get("d")).value).isEqualTo(new Token("tok/en:1"));
    assertThat((byte[]) ((Item) d.get("e")).value).isEqualTo("hi".getBytes());
    assertThat(((Item) d.get("f")).value).isEqualTo(Boolean.FALSE);
    assertThat(((Item) d.get("g")).value).isEqualTo(Boolean.TRUE);
    InnerList h = (InnerList) d.get("h");
    assertThat(h.items).hasSize(2);
    assertThat(h.items.get(0).params).containsEntry("req", Boolean.TRUE);
    assertThat(h.params).containsEntry("p", Boolean.TRUE);
    assertThat(StructuredFields.serializeDictionary(d))
        .isEqualTo(
            "a=1, b=-2.5;x, c=\"q\\\"\\\\\", d=tok/en:1, e=:aGk=:, f=?0, g, h=(\"x\";req 1);p");
  }

  @Test
  void parseDictionary_owsAroundMembers_andEmptyValue() throws Exception {
    assertThat(StructuredFields.parseDictionary(" \t a=1 ,\tb=2 \t")).containsOnlyKeys("a", "b");
    assertThat(StructuredFields.parseDictionary("")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a=1,|expected a member after ',' at offset 4, got the end",
        "a=1 b=2|expected ',' or the end at offset 4, got 'b'",
        "A=1|expected a key (a lower-case letter or '*') at offset 0, got 'A'",
        "a=1, a=2|member a appears twice, at offset 5",
        "a=1;p;p|parameter p appears twice, at offset 6",
        "a=\"x|string at offset 2 has no closing '\"'",
        "a=\"\\x\"|expected '\"' or '\\\\' after '\\\\' in a string at offset 4, got 'x'",
        "a=:aGk=|byte sequence at offset 2 has no closing ':'",
        "a=:a*k=:|expected base64 (A-Z, a-z, 0-9, '+', '/', '=') in a byte sequence at offset"
            + " 4, got '*'",
        "a=(1 2|expected ' ' or ')' in an inner list at offset 6, got the end",
        "a=(1,2)|expected ' ' or ')' in an inner list at offset 4, got ','",
        "a=?2|expected 0 or 1 after '?' at offset 3, got '2'",
        "a=1234567890123456|integer at offset 2 has more than 15 digits",
        "a=1.2345|decimal at offset 2 must have 1 to 3 digits after the point",
        "a=@|expected an item (a number, \"string\", token, :bytes: or ?boolean) at offset 2,"
            + " got '@'",
      })
  void parseDictionary_malformed_namesWhatAndWhere(String field, String message) {
    assertThatThrownBy(() -> StructuredFields.parseDictionary(field))
        .isInstanceOf(ParseException.class)
        .hasMessage(message);
  }

  @Test
  void parseDictionary_tooManyMembers_isRefused() {
    StringBuilder sb = new StringBuilder("m0=1");
    for (int i = 1; i <= StructuredFields.MAX_MEMBERS; i++) {
      sb.append(", m").append(i).append("=1");
    }

    assertThatThrownBy(() -> StructuredFields.parseDictionary(sb.toString()))
        .hasMessageStartingWith("more than 32 members");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a=\"tab\there\"", "a=\"é\""})
  void parseDictionary_stringWithNonPrintable_isRefused(String field) {
    assertThatThrownBy(() -> StructuredFields.parseDictionary(field))
        .hasMessageContaining("printable ASCII in a string");
  }
}
