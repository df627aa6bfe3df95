package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UsageTest {
  @Test
  void closest_transposedOrMistypedName_isFound() {
    List<String> names = List.of("--server", "--product", "--platform", "--port");

    assertThat(Usage.closest("--prot", names)).isEqualTo("--port");
    assertThat(Usage.closest("--sever", names)).isEqualTo("--server");
    assertThat(Usage.closest("--platfrom", names)).isEqualTo("--platform");
  }

  @Test
  void closest_abbreviation_isTheShortestNameItStarts() {
    List<String> names = List.of("--max-completion-keys", "--installation-id", "--installed");

    assertThat(Usage.closest("--max", names)).isEqualTo("--max-completion-keys");
    assertThat(Usage.closest("--instal", names)).isEqualTo("--installed");
    assertThat(Usage.closest("-", names)).isNull();
  }

  @Test
  void closest_nothingAlike_isNull() {
    assertThat(Usage.closest("--frobnicate", List.of("--server", "--json"))).isNull();
  }

  @Test
  void quote_escapesQuotesAndControlCharactersAndShortensLongValues() {
    assertThat(Usage.quote("a\"b\n")).isEqualTo("\"a\\\"b\\u000a\"");
    assertThat(Usage.quote("x".repeat(100))).isEqualTo("\"" + "x".repeat(80) + "...\"");
  }
}
