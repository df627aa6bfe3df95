package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArgsTest {
  private static Args parse(String... args) throws UsageException {
    return Args.parse(List.of(args), Set.of("--server"), Set.of("--installed"), Set.of("--json"));
  }

  @Test
  void valueAsNextArgumentOrAfterEquals_readTheSame() throws UsageException {
    assertThat(parse("--server", "http://a").value("--server")).isEqualTo("http://a");
    assertThat(parse("--server=http://a").value("--server")).isEqualTo("http://a");
  }

  @Test
  void valueAfterEquals_mayItselfContainEquals() throws UsageException {
    assertThat(parse("--installed=data=1.0").values("--installed")).containsExactly("data=1.0");
  }

  @Test
  void repeatableOption_keepsEveryValueInOrder() throws UsageException {
    Args args = parse("--installed", "a=1", "--installed", "b=2");

    assertThat(args.values("--installed")).containsExactly("a=1", "b=2");
  }

  @Test
  void singleOptionGivenTwice_isRefusedWithBothValues() {
    assertThatThrownBy(() -> parse("--server", "http://a", "--server=http://b"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--server given twice (\"http://a\" and \"http://b\")");
  }

  @Test
  void optionWithoutValueAtTheEnd_isRefused() {
    assertThatThrownBy(() -> parse("--server"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--server needs a value");
  }

  @Test
  void optionFollowedByAnotherOption_isRefusedAsMissingItsValue() {
    assertThatThrownBy(() -> parse("--server", "--json"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--server needs a value");
  }

  @Test
  void unknownOption_isRefusedByName() {
    assertThatThrownBy(() -> parse("--sever=http://a"))
        .isInstanceOf(UsageException.class)
        .hasMessage("unknown option \"--sever\"");
  }

  @Test
  void flagWithValue_isRefused() {
    assertThatThrownBy(() -> parse("--json=yes"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--json takes no value, got \"--json=yes\"");
  }

  @Test
  void flags_areSetOnlyWhenGiven() throws UsageException {
    assertThat(parse("--json").flag("--json")).isTrue();
    assertThat(parse().flag("--json")).isFalse();
  }

  @Test
  void doubleDash_endsTheOptions() throws UsageException {
    Args args = parse("--json", "--", "--server", "-x");

    assertThat(args.positionals()).containsExactly("--server", "-x");
    assertThat(args.value("--server")).isNull();
  }

  @Test
  void expectPositionals_namesWhatIsMissingOrUnexpected() throws UsageException {
    assertThatThrownBy(() -> parse().expectPositionals("FILE"))
        .isInstanceOf(UsageException.class)
        .hasMessage("missing FILE");
    assertThatThrownBy(() -> parse("a", "b").expectPositionals("FILE"))
        .isInstanceOf(UsageException.class)
        .hasMessage("unexpected argument \"b\"");
    assertThat(parse("a").expectPositionals("FILE")).containsExactly("a");
  }

  @Test
  void wantHelp_seesHelpOnlyBeforeDoubleDash() {
    assertThat(Args.wantHelp(List.of("FILE", "--help"))).isTrue();
    assertThat(Args.wantHelp(List.of("-h"))).isTrue();
    assertThat(Args.wantHelp(List.of("--", "--help"))).isFalse();
  }

  @Test
  void required_namesTheMissingOption() {
    assertThatThrownBy(() -> parse().required("--server"))
        .isInstanceOf(UsageException.class)
        .hasMessage("--server is required");
  }

  @Test
  void quote_escapesQuotesAndControlCharactersAndShortensLongValues() {
    assertThat(Args.quote("a\"b\n")).isEqualTo("\"a\\\"b\\u000a\"");
    assertThat(Args.quote("x".repeat(100))).isEqualTo("\"" + "x".repeat(80) + "...\"");
  }
}
