package dev.appupdate.protocol.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.appupdate.protocol.HashFunction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CatalogTest {
  static final String SHA512 = "0123456789abcdef".repeat(8);
  static final String SHA256 = "0123456789abcdef".repeat(4);

  static final List<String> BASE =
      List.of(
          "\"product\":\"your_app\"",
          "\"update_type\":\"data\"",
          "\"version\":\"1.0\"",
          "\"url\":\"https://cdn.example.com/data-1.0.json\"",
          "\"hash_function\":\"sha512\"",
          "\"hash_value\":\"" + SHA512 + "\"",
          "\"size\":1234");

  /** A valid release with {@code extra} members added or replacing the defaults. */
  static String release(String extra) {
    // A key may appear only once, so drop the default of each key that extra sets.
    List<String> members =
        BASE.stream()
            .filter(m -> !extra.contains(m.substring(0, m.indexOf(':') + 1)))
            .collect(Collectors.toList());
    if (!extra.isEmpty()) {
      members.add(extra);
    }
    return "{" + String.join(",", members) + "}";
  }

  /** A valid release without {@code key}. */
  static String releaseWithout(String key) {
    return "{"
        + BASE.stream()
            .filter(m -> !m.startsWith("\"" + key + "\":"))
            .collect(Collectors.joining(","))
        + "}";
  }

  static String catalog(String... releases) {
    return "{\"releases\":[" + String.join(",", releases) + "]}";
  }

  static Catalog parse(String json) {
    return Catalog.parse(json.getBytes(StandardCharsets.UTF_8), "test.json");
  }

  static List<String> problems(String json) {
    CatalogException e = catchThrowableOfType(CatalogException.class, () -> parse(json));
    assertThat(e).as("expected a CatalogException for %s", json).isNotNull();
    return e.problems().stream().map(CatalogProblem::toString).collect(Collectors.toList());
  }

  @Test
  void parse_everyKeyGiven_readsEachIntoTheRelease() {
    Catalog catalog =
        parse(
            catalog(
                release(
                    "\"mirrors\":[\"https://mirror.example.com/d.json\",\"files/d.json\"],"
                        + "\"critical\":true,\"rollout_percent\":12.5,\"paused\":true,"
                        + "\"match\":{\"channels\":[\"beta*\"],\"platforms\":[\"macOS\"],"
                        + "\"locales\":[\"en-*\"],\"archs\":[\"arm64\"],"
                        + "\"app_version\":\">=1.0 <2.0\",\"min_os_version\":\"12\"}")));

    Release r = catalog.releases().get(0);
    assertThat(r)
        .isEqualTo(
            Release.builder()
                .product("your_app")
                .updateType("data")
                .version("1.0")
                .url("https://cdn.example.com/data-1.0.json")
                .hashFunction(HashFunction.SHA512)
                .hashValue(SHA512)
                .size(1234)
                .mirrors(List.of("https://mirror.example.com/d.json", "files/d.json"))
                .critical(true)
                .rolloutPercent(12.5)
                .paused(true)
                .match(new Match(
                    List.of("beta*"),
                    List.of("macOS"),
                    List.of("en-*"),
                    List.of("arm64"),
                    ">=1.0 <2.0",
                    "12")).build());
    assertThat(catalog.size()).isEqualTo(1);
    assertThat(catalog.source()).isEqualTo("test.json");
  }

  @Test
  void parse_optionalKeysLeftOut_takeTheirDefaults() {
    Release r = parse(catalog(release(""))).releases().get(0);

    assertThat(r.mirrors()).isEmpty();
    assertThat(r.critical()).isFalse();
    assertThat(r.rolloutPercent()).isEqualTo(100.0);
    assertThat(r.paused()).isFalse();
    assertThat(r.match()).isSameAs(Match.ANY);
  }

  @Test
  void parse_emptyMatchObject_matchesEverything() {
    Release r = parse(catalog(release("\"match\":{}"))).releases().get(0);

    assertThat(r.match()).isEqualTo(Match.ANY);
    assertThat(r.match().isAny()).isTrue();
  }

  @Test
  void parse_noReleases_givesAnEmptyCatalog() {
    assertThat(parse("{\"releases\":[]}").size()).isZero();
  }

  @Test
  void parse_releases_keepDocumentOrder() {
    Catalog catalog =
        parse(
            catalog(
                release("\"version\":\"2.0\""),
                release("\"version\":\"1.0\""),
                release("\"version\":\"3.0\"")));

    assertThat(catalog.releases())
        .extracting(Release::version)
        .containsExactly("2.0", "1.0", "3.0");
  }

  static Stream<Arguments> invalidReleases() {
    return Stream.of(
        Arguments.of(
            "\"hash_value\":\"abc123\"",
            "releases[0].hash_value: must be 128 lower-case hex digits for sha512, got 6"
                + " characters"),
        Arguments.of(
            "\"hash_value\":\"" + SHA512.toUpperCase() + "\"",
            "releases[0].hash_value: must be lower-case hex digits, got 'A' at offset 10"),
        Arguments.of(
            "\"hash_function\":\"sha256\"",
            "releases[0].hash_value: must be 64 lower-case hex digits for sha256, got 128"
                + " characters"),
        Arguments.of(
            "\"hash_function\":\"md5\"",
            "releases[0].hash_function: unsupported hash function \"md5\"; allowed: sha256,"
                + " sha384, sha512"),
        Arguments.of(
            "\"hash_function\":\"sha1\"",
            "releases[0].hash_function: unsupported hash function \"sha1\"; allowed: sha256,"
                + " sha384, sha512"),
        Arguments.of("\"size\":-1", "releases[0].size: must not be negative, got -1"),
        Arguments.of(
            "\"size\":1.5",
            "releases[0].size: must be an integer from 0 to 9223372036854775807, got 1.5"),
        Arguments.of(
            "\"url\":\"ftp://example.com/d.json\"",
            "releases[0].url: must be an absolute http or https URL or a relative path, got"
                + " scheme \"ftp\" in \"ftp://example.com/d.json\""),
        Arguments.of(
            "\"url\":\"javascript:alert(1)\"",
            "releases[0].url: must be an absolute http or https URL or a relative path, got"
                + " scheme \"javascript\" in \"javascript:alert(1)\""),
        Arguments.of(
            "\"url\":\"//evil.example.com/d.json\"",
            "releases[0].url: must be an absolute http or https URL or a relative path, got the"
                + " host-relative \"//evil.example.com/d.json\""),
        Arguments.of(
            "\"url\":\"https:///d.json\"",
            "releases[0].url: must name a host, got \"https:///d.json\""),
        Arguments.of(
            "\"url\":\"files/a b.json\"",
            "releases[0].url: must hold only printable ASCII characters (percent-encode others),"
                + " got U+0020 at offset 7"),
        Arguments.of(
            "\"url\":\"files/a|b.json\"",
            "releases[0].url: must be a valid URL (Illegal character in path at index 7), got"
                + " \"files/a|b.json\""),
        Arguments.of(
            "\"url\":\"files/d\u00fcnn.json\"",
            "releases[0].url: must hold only printable ASCII characters (percent-encode others),"
                + " got U+00FC at offset 7"),
        Arguments.of(
            "\"url\":\"https://cdn.example.com/d\u00fcnn.json\"",
            "releases[0].url: must hold only printable ASCII characters (percent-encode others),"
                + " got U+00FC at offset 25"),
        Arguments.of(
            "\"mirrors\":[\"m/\u00e9\"]",
            "releases[0].mirrors[0]: must hold only printable ASCII characters (percent-encode"
                + " others), got U+00E9 at offset 2"),
        Arguments.of(
            "\"url\":\"https://user:secret@cdn.example.com/d.json\"",
            "releases[0].url: must not hold user information (user:password@) before the host"),
        Arguments.of(
            "\"url\":\"https://my_host.example.com/d.json\"",
            "releases[0].url: must have a host that is a DNS name, an IPv4 address or an IPv6"
                + " address in brackets, got \"my_host.example.com\""),
        Arguments.of(
            "\"url\":\"https://cdn.example.com:80:81/d.json\"",
            "releases[0].url: must have a port of digits only, got \"80:81\""),
        Arguments.of(
            "\"url\":\"files/d.json?v=[1]\"",
            "releases[0].url: must percent-encode '[' and ']' outside an IPv6 host, got '[' in"
                + " \"files/d.json?v=[1]\""),
        Arguments.of(
            "\"rollout_percent\":12.3456789",
            "releases[0].rollout_percent: must have at most 6 digits after the decimal point, got"
                + " 12.3456789"),
        Arguments.of(
            "\"rollout_percent\":1e-7",
            "releases[0].rollout_percent: must have at most 6 digits after the decimal point, got"
                + " 1e-7"),
        Arguments.of(
            "\"rollout_percent\":1e-999999999",
            "releases[0].rollout_percent: must have at most 6 digits after the decimal point, got"
                + " 1e-999999999"),
        Arguments.of(
            "\"rollout_percent\":12.50000000000000000001",
            "releases[0].rollout_percent: must have at most 6 digits after the decimal point, got"
                + " 12.50000000000000000001"),
        Arguments.of(
            "\"rollout_percent\":100.00000000000000001",
            "releases[0].rollout_percent: must be a number from 0 to 100, got"
                + " 100.00000000000000001"),
        Arguments.of(
            "\"rollout_percent\":1e999999999",
            "releases[0].rollout_percent: must be a number from 0 to 100, got 1e999999999"),
        Arguments.of(
            "\"rollout-percent\":5",
            "releases[0].rollout-percent: unknown key; allowed: critical, halt, hash_function,"
                + " hash_value, match, mirrors, patches, paused, product, rollout_percent, signatures,"
                + " size, update_type, url, version"),
        Arguments.of(
            "\"match.channels\":[\"beta\"]",
            "releases[0][\"match.channels\"]: unknown key; allowed: critical, halt, hash_function,"
                + " hash_value, match, mirrors, patches, paused, product, rollout_percent, signatures,"
                + " size, update_type, url, version"),
        Arguments.of(
            "\"match\":{\"app version\":\"1.*\"}",
            "releases[0].match[\"app version\"]: unknown key; allowed: app_version, archs,"
                + " channels, locales, min_os_version, platforms"),
        Arguments.of("\"url\":\"\"", "releases[0].url: must not be empty"),
        Arguments.of(
            "\"mirrors\":[\"https://m.example.com/d.json\",\"ftp://m.example.com/d.json\"]",
            "releases[0].mirrors[1]: must be an absolute http or https URL or a relative path,"
                + " got scheme \"ftp\" in \"ftp://m.example.com/d.json\""),
        Arguments.of(
            "\"mirrors\":\"https://m.example.com/d.json\"",
            "releases[0].mirrors: must be a JSON array, got \"https://m.example.com/d.json\""),
        Arguments.of("\"mirrors\":[7]", "releases[0].mirrors[0]: must be a string, got 7"),
        Arguments.of(
            "\"rollout_percent\":100.5",
            "releases[0].rollout_percent: must be a number from 0 to 100, got 100.5"),
        Arguments.of(
            "\"rollout_percent\":-1",
            "releases[0].rollout_percent: must be a number from 0 to 100, got -1"),
        Arguments.of(
            "\"rollout_percent\":\"50\"",
            "releases[0].rollout_percent: must be a number from 0 to 100, got \"50\""),
        Arguments.of(
            "\"critical\":\"yes\"", "releases[0].critical: must be true or false, got \"yes\""),
        Arguments.of("\"paused\":1", "releases[0].paused: must be true or false, got 1"),
        Arguments.of("\"version\":2", "releases[0].version: must be a string, got 2"),
        Arguments.of(
            "\"version\":\"1.0 beta\"",
            "releases[0].version: must hold only printable ASCII characters without spaces, got"
                + " \"1.0 beta\" with U+0020 at offset 3"),
        Arguments.of("\"product\":\"\"", "releases[0].product: must not be empty"),
        Arguments.of(
            "\"update_type\":\"my data\"",
            "releases[0].update_type: must start with a letter or digit and hold only letters,"
                + " digits, '.', '_' and '-', got \"my data\""),
        Arguments.of(
            "\"rollout\":50",
            "releases[0].rollout: unknown key; allowed: critical, halt, hash_function, hash_value,"
                + " match, mirrors, patches, paused, product, rollout_percent, signatures, size,"
                + " update_type, url, version"),
        Arguments.of(
            "\"match\":{\"chanels\":[\"beta\"]}",
            "releases[0].match.chanels: unknown key; allowed: app_version, archs, channels,"
                + " locales, min_os_version, platforms"),
        Arguments.of(
            "\"match\":[\"beta\"]", "releases[0].match: must be a JSON object, got an array"),
        Arguments.of(
            "\"match\":{\"channels\":\"beta\"}",
            "releases[0].match.channels: must be a JSON array, got \"beta\""),
        Arguments.of(
            "\"match\":{\"channels\":[]}",
            "releases[0].match.channels: must not be empty; leave the key out to match"
                + " everything"),
        Arguments.of(
            "\"match\":{\"platforms\":[\"macOS\",3]}",
            "releases[0].match.platforms[1]: must be a string, got 3"),
        Arguments.of(
            "\"match\":{\"channels\":[\"be ta*\"]}",
            "releases[0].match.channels[0]: must be a channel name or a name followed by * (such"
                + " as beta*), got \"be ta*\""),
        Arguments.of(
            "\"match\":{\"channels\":[\"*beta\"]}",
            "releases[0].match.channels[0]: must be a channel name or a name followed by * (such"
                + " as beta*), got \"*beta\""),
        Arguments.of(
            "\"match\":{\"locales\":[\"en_US\"]}",
            "releases[0].match.locales[0]: must be a language tag such as de or en-US, a tag"
                + " followed by -* (such as en-*), or *, got \"en_US\""),
        Arguments.of(
            "\"match\":{\"archs\":[\" \"]}", "releases[0].match.archs[0]: must not be only spaces"),
        Arguments.of(
            "\"match\":{\"min_os_version\":\"\"}",
            "releases[0].match.min_os_version: must not be empty"),
        Arguments.of(
            "\"match\":{\"app_version\":\">=\"}",
            "releases[0].match.app_version: comparator \">=\" has no version; write it without a"
                + " space, such as \">=1.0\""),
        Arguments.of(
            "\"match\":{\"app_version\":\">= 1.0\"}",
            "releases[0].match.app_version: comparator \">=\" has no version; write it without a"
                + " space, such as \">=1.0\""),
        Arguments.of(
            "\"match\":{\"app_version\":\"=>1.0\"}",
            "releases[0].match.app_version: \"=>1.0\" is not a comparator; use <, <=, >, >=, ="
                + " or nothing before a version, or a prefix such as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\"!=1.0\"}",
            "releases[0].match.app_version: \"!=1.0\" is not a comparator; use <, <=, >, >=, ="
                + " or nothing before a version, or a prefix such as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\".*\"}",
            "releases[0].match.app_version: \".*\" has no version before .*, such as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\"*\"}",
            "releases[0].match.app_version: \"*\" is not a range; leave out app_version to match"
                + " every version"),
        Arguments.of(
            "\"match\":{\"app_version\":\"^1.0\"}",
            "releases[0].match.app_version: \"^1.0\" is not a comparator; use <, <=, >, >=, ="
                + " or nothing before a version, or a prefix such as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\"~1.0\"}",
            "releases[0].match.app_version: \"~1.0\" is not a comparator; use <, <=, >, >=, ="
                + " or nothing before a version, or a prefix such as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\"!1.0\"}",
            "releases[0].match.app_version: \"!1.0\" is not a comparator; use <, <=, >, >=, ="
                + " or nothing before a version, or a prefix such as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\">=1.0 || <0.5\"}",
            "releases[0].match.app_version: \"||\" is not a comparator; use <, <=, >, >=, ="
                + " or nothing before a version, or a prefix such as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\">=1.0,<2.0\"}",
            "releases[0].match.app_version: \">=1.0,<2.0\" is not a comparator; use <, <=, >,"
                + " >=, = or nothing before a version, or a prefix such as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\"`1.0`\"}",
            "releases[0].match.app_version: \"`1.0`\" is not a comparator; use <, <=, >, >=, ="
                + " or nothing before a version, or a prefix such as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\"1.0 - 2.0\"}",
            "releases[0].match.app_version: \"-\" is not a comparator; use <, <=, >, >=, ="
                + " or nothing before a version, or a prefix such as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\"1.x\"}",
            "releases[0].match.app_version: \"1.x\": x is no wildcard here; write a prefix such"
                + " as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\"<2.X.1\"}",
            "releases[0].match.app_version: \"<2.X.1\": x is no wildcard here; write a prefix"
                + " such as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\">=1.*\"}",
            "releases[0].match.app_version: \">=1.*\": * is allowed only as the last part of a"
                + " prefix without an operator, such as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\"=1.*\"}",
            "releases[0].match.app_version: \"=1.*\": * is allowed only as the last part of a"
                + " prefix without an operator, such as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\"<1.1.*\"}",
            "releases[0].match.app_version: \"<1.1.*\": * is allowed only as the last part of a"
                + " prefix without an operator, such as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\"1.*.*\"}",
            "releases[0].match.app_version: \"1.*.*\": * is allowed only as the last part of a"
                + " prefix without an operator, such as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\"1*\"}",
            "releases[0].match.app_version: \"1*\": * is allowed only as the last part of a"
                + " prefix without an operator, such as 1.*"),
        Arguments.of(
            "\"match\":{\"app_version\":\"beta\"}",
            "releases[0].match.app_version: \"beta\": the version must start with a digit, such"
                + " as 1.0, got \"beta\""),
        Arguments.of(
            "\"match\":{\"app_version\":\"<pre1\"}",
            "releases[0].match.app_version: \"<pre1\": the version must start with a digit,"
                + " such as 1.0, got \"pre1\""),
        Arguments.of(
            "\"match\":{\"app_version\":\".5.*\"}",
            "releases[0].match.app_version: \".5.*\": the version must start with a digit, such"
                + " as 1.0, got \".5\""),
        Arguments.of(
            "\"match\":{\"locales\":[\"x-klingon\",\"i-default\",\"x-twain-*\"]}",
            null),
        Arguments.of(
            "\"match\":{\"app_version\":\"  \"}",
            "releases[0].match.app_version: must hold at least one comparator, such as \">=1.0"
                + " <2.0\", \"=1.2\" or \"1.*\""),
        Arguments.of(
            "\"match\":{\"app_version\":1}",
            "releases[0].match.app_version: must be a string, got 1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidReleases")
  void parse_invalidValue_reportsReleaseIndexFieldAndReason(String member, String expected) {
    if (expected == null) {
      assertThat(parse(catalog(release(member))).size()).isEqualTo(1);
      return;
    }
    assertThat(problems(catalog(release(member)))).containsExactly(expected);
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "-1.0", "+2", ">=1.0 <2.0pre", "1.* >1.5", "<=1.0b2", "1.0.*", "=2.0", "1-2", "1.+"
      })
  void parse_validRanges_load(String range) {
    assertThat(parse(catalog(release("\"match\":{\"app_version\":\"" + range + "\"}"))).size())
        .isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {"0", "0.000001", "12.5", "12.500000000", "99.999999", "100", "1e2", "2.5E1", "0e-9"})
  void parse_rolloutPercentWithAtMostSixDecimals_loads(String percent) {
    assertThat(parse(catalog(release("\"rollout_percent\":" + percent))).size()).isEqualTo(1);
  }

  @Test
  void parse_releasesNull_isRequiredAsIfAbsent() {
    assertThat(problems("{\"releases\":null}")).containsExactly("releases: is required");
  }

  @Test
  void parse_numberOutOfRange_isAProblemNamingItsPath() {
    assertThat(problems(catalog(release("\"rollout_percent\":1e99999999999"))))
        .containsExactly(
            "releases[0].rollout_percent: number out of range at line 1, column 318");
  }

  @Test
  void parse_utf16Catalog_isAProblem() {
    byte[] json = catalog().getBytes(StandardCharsets.UTF_16LE);

    assertThatThrownBy(() -> Catalog.parse(json, "wide.json"))
        .isInstanceOf(CatalogException.class)
        .hasMessage(
            "invalid catalog wide.json: 1 problem\n  $: NUL byte at byte offset 1: the document"
                + " must be UTF-8, not UTF-16 or UTF-32");
  }

  @Test
  void parse_unknownTopLevelKeyThatIsNotAPlainName_isQuoted() {
    assertThat(problems("{\"releases\":[],\"a.b\":1}"))
        .containsExactly("[\"a.b\"]: unknown key; a catalog holds only \"releases\"");
  }

  static Stream<Arguments> missingKeys() {
    return Stream.of(
            "product", "update_type", "version", "url", "hash_function", "hash_value", "size")
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("missingKeys")
  void parse_requiredKeyMissing_reportsItRequired(String key) {
    assertThat(problems(catalog(releaseWithout(key))))
        .containsExactly("releases[0]." + key + ": is required");
  }

  @Test
  void parse_releaseNotAnObject_reportsTheRelease() {
    assertThat(problems(catalog(release(""), "5")))
        .containsExactly("releases[1]: must be a JSON object, got 5");
  }

  @Test
  void parse_manyProblems_reportsEveryOneInDocumentOrder() {
    String json =
        catalog(
            release("\"hash_value\":\"abc123\",\"size\":-5,\"match\":{\"chanels\":[\"beta\"]}"),
            release("\"version\":\"2.0\""),
            release(
                "\"version\":\"3.0\",\"url\":\"ftp://x.example.com/a\",\"rollout_percent\":101"));

    CatalogException e = catchThrowableOfType(CatalogException.class, () -> parse(json));

    assertThat(e.problems())
        .extracting(CatalogProblem::toString)
        .containsExactly(
            "releases[0].size: must not be negative, got -5",
            "releases[0].match.chanels: unknown key; allowed: app_version, archs, channels,"
                + " locales, min_os_version, platforms",
            "releases[0].hash_value: must be 128 lower-case hex digits for sha512, got 6"
                + " characters",
            "releases[2].url: must be an absolute http or https URL or a relative path, got"
                + " scheme \"ftp\" in \"ftp://x.example.com/a\"",
            "releases[2].rollout_percent: must be a number from 0 to 100, got 101");
    assertThat(e.source()).isEqualTo("test.json");
    assertThat(e.getMessage())
        .startsWith("invalid catalog test.json: 5 problems\n  releases[0].size: must not be")
        .contains("\n  releases[2].rollout_percent: must be a number from 0 to 100, got 101");
  }

  @Test
  void parse_problemsInEveryField_reportsEachNotJustTheFirst() {
    String json =
        catalog(
            release(
                "\"product\":\"\",\"update_type\":\"a b\",\"version\":\"\","
                    + "\"url\":\"ftp://x.example.com/a\",\"hash_value\":\"xyz\","
                    + "\"mirrors\":[\"//h/x\"],\"rollout_percent\":-2"));

    assertThat(problems(json))
        .extracting(p -> p.substring(0, p.indexOf(':')))
        .containsExactly(
            "releases[0].product",
            "releases[0].update_type",
            "releases[0].version",
            "releases[0].url",
            "releases[0].hash_value",
            "releases[0].mirrors[0]",
            "releases[0].rollout_percent");
  }

  @Test
  void parse_versionsThatCompareEqual_areDuplicates() {
    String json =
        catalog(
            release("\"version\":\"1\""),
            release("\"version\":\"2.0\""),
            release("\"version\":\"1.0\""));

    assertThat(problems(json))
        .containsExactly(
            "releases[2].version: duplicates releases[0] (your_app data 1): 1.0 and 1 are the"
                + " same version");
  }

  @Test
  void parse_sameVersionThreeTimes_pointsEachLaterOneAtTheFirst() {
    String json =
        catalog(
            release("\"version\":\"1.0\""),
            release("\"version\":\"1.0\""),
            release("\"version\":\"1.0.0\""));

    assertThat(problems(json))
        .containsExactly(
            "releases[1].version: duplicates releases[0] (your_app data 1.0)",
            "releases[2].version: duplicates releases[0] (your_app data 1.0): 1.0.0 and 1.0 are"
                + " the same version");
  }

  @Test
  void parse_sameVersionOfOtherProductOrUpdateType_isNoDuplicate() {
    Catalog catalog =
        parse(
            catalog(
                release(""),
                release("\"product\":\"other_app\""),
                release("\"update_type\":\"binary\"")));

    assertThat(catalog.size()).isEqualTo(3);
  }

  @Test
  void parse_duplicateAndInvalidReleases_reportsBoth() {
    String json =
        catalog(release(""), release("\"size\":-1,\"version\":\"2\""), release(""));

    assertThat(problems(json))
        .containsExactly(
            "releases[1].size: must not be negative, got -1",
            "releases[2].version: duplicates releases[0] (your_app data 1.0)");
  }

  @Test
  void parse_unknownTopLevelKey_isAProblem() {
    assertThat(problems("{\"releases\":[],\"relases\":[]}"))
        .containsExactly("relases: unknown key; a catalog holds only \"releases\"");
  }

  @Test
  void parse_releasesMissing_isAProblem() {
    assertThat(problems("{}")).containsExactly("releases: is required");
  }

  @Test
  void parse_releasesNotAnArray_isAProblem() {
    assertThat(problems("{\"releases\":{\"a\":1}}"))
        .containsExactly("releases: must be a JSON array, got an object");
  }

  @Test
  void parse_documentNotAnObject_isAProblem() {
    assertThat(problems("[]")).containsExactly("$: must be a JSON object, got an array");
  }

  @Test
  void parse_malformedJson_reportsWhere() {
    assertThat(problems("{\"releases\":[\n{\"product\" \"x\"}]}"))
        .containsExactly("$: malformed JSON at line 2, column 12");
  }

  @Test
  void parse_duplicateKeyInARelease_isAProblem() {
    assertThat(problems(catalog("{\"size\":1,\"size\":2}")))
        .containsExactly("$: duplicate key \"size\" at line 1, column 30");
  }

  @Test
  void parse_contentAfterTheDocument_isAProblem() {
    assertThat(problems("{\"releases\":[]} {}"))
        .containsExactly("$: unexpected content after the JSON document at line 1, column 18");
  }

  @Test
  void parse_emptyDocument_isAProblem() {
    assertThat(problems("")).containsExactly("$: document is empty; expected a JSON object");
  }

  @Test
  void parse_invalidUtf8_isAProblem() {
    byte[] json = {'{', '"', (byte) 0xc3, '"', ':', '1', '}'};

    assertThatThrownBy(() -> Catalog.parse(json, "bad.json"))
        .isInstanceOf(CatalogException.class)
        .hasMessage("invalid catalog bad.json: 1 problem\n  $: invalid UTF-8 at byte offset 2");
  }

  @Test
  void parse_catalogLargerThanTheRequestLimit_isRead() {
    String[] releases =
        IntStream.range(0, 5000)
            .mapToObj(i -> release("\"version\":\"" + i + "\""))
            .toArray(String[]::new);
    byte[] json = catalog(releases).getBytes(StandardCharsets.UTF_8);

    assertThat(json.length).isGreaterThan(1 << 20);
    assertThat(Catalog.parse(json, "big.json").size()).isEqualTo(5000);
  }

  @Test
  void parse_nestingDeeperThanSixteen_isAProblem() {
    String deep = "[".repeat(14) + "]".repeat(14);

    assertThat(problems(catalog(release("\"mirrors\":" + deep))))
        .containsExactly("$: nested deeper than 16 levels");
  }

  @Test
  void exceptionMessage_ofManyProblems_spellsOutTheFirstHundred() {
    String[] releases =
        IntStream.range(0, 150).mapToObj(i -> release("\"size\":-1")).toArray(String[]::new);

    CatalogException e =
        catchThrowableOfType(CatalogException.class, () -> parse(catalog(releases)));

    assertThat(e.problems()).hasSize(150);
    assertThat(e.getMessage())
        .startsWith("invalid catalog test.json: 150 problems\n")
        .endsWith("\n  releases[99].size: must not be negative, got -1\n  ... and 50 more");
    assertThat(e.getMessage().lines().count()).isEqualTo(1 + 100 + 1);
  }

  @Test
  void read_file_namesThePathInProblems(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("catalog.json");
    Files.writeString(file, catalog(release("\"size\":-1")));

    assertThatThrownBy(() -> Catalog.read(file))
        .isInstanceOf(CatalogException.class)
        .hasMessage(
            "invalid catalog " + file + ": 1 problem\n  releases[0].size: must not be negative,"
                + " got -1");
  }

  @Test
  void read_validFile_givesItsReleases(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("catalog.json");
    Files.writeString(file, catalog(release(""), release("\"version\":\"2.0\"")));

    Catalog catalog = Catalog.read(file);

    assertThat(catalog.size()).isEqualTo(2);
    assertThat(catalog.source()).isEqualTo(file.toString());
  }

  static Stream<Arguments> documentsReadFromFiles() {
    String valid = catalog(release(""));
    byte[] big =
        catalog(
                IntStream.range(0, 3000)
                    .mapToObj(i -> release("\"version\":\"1." + i + "\""))
                    .toArray(String[]::new))
            .getBytes(StandardCharsets.UTF_8);
    byte[] badLate = big.clone();
    // Invalid UTF-8 well past the first buffers the parser reads.
    badLate[big.length - 40] = (byte) 0xc0;
    byte[] syntaxThenBad =
        (catalog(release("")) + "x" + "\u00e9".repeat(20000)).getBytes(StandardCharsets.UTF_8);
    syntaxThenBad[syntaxThenBad.length - 1] = (byte) 0xff;
    byte[] cut = (valid + " \u00e9").getBytes(StandardCharsets.UTF_8);
    return Stream.of(
        Arguments.of("valid", valid.getBytes(StandardCharsets.UTF_8)),
        Arguments.of("empty", new byte[0]),
        Arguments.of(
            "problems", catalog(release("\"size\":-1"), "7").getBytes(StandardCharsets.UTF_8)),
        Arguments.of("bad UTF-8 late", badLate),
        Arguments.of("syntax error, then bad UTF-8", syntaxThenBad),
        Arguments.of("sequence cut at the end", java.util.Arrays.copyOf(cut, cut.length - 1)),
        Arguments.of("surrogate", (valid + " \ud800").getBytes(StandardCharsets.UTF_8)),
        Arguments.of("UTF-16", valid.getBytes(StandardCharsets.UTF_16LE)),
        Arguments.of("NUL", (valid + "\u0000").getBytes(StandardCharsets.UTF_8)),
        Arguments.of("trailing content", (valid + "{}").getBytes(StandardCharsets.UTF_8)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("documentsReadFromFiles")
  void read_fileStreamed_reportsWhatParsingItsBytesReports(
      String name, byte[] bytes, @TempDir Path dir) throws IOException {
    Path file = dir.resolve("catalog.json");
    Files.write(file, bytes);

    Object fromFile;
    Object fromBytes;
    try {
      fromFile = Catalog.read(file).releases();
    } catch (CatalogException e) {
      fromFile = e.problems();
    }
    try {
      fromBytes = Catalog.parse(bytes, file.toString()).releases();
    } catch (CatalogException e) {
      fromBytes = e.problems();
    }

    assertThat(fromFile).isEqualTo(fromBytes);
  }

  @Test
  void read_missingFile_throwsIOException(@TempDir Path dir) {
    assertThatThrownBy(() -> Catalog.read(dir.resolve("absent.json")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void of_releasesBuiltInCode_areCheckedForDuplicates() {
    Release one =
        Release.builder()
            .product("app")
            .updateType("data")
            .version("1")
            .url("a.json")
            .hashFunction(HashFunction.SHA256)
            .hashValue(SHA256)
            .size(1)
            .build();
    Release same =
        Release.builder()
            .product("app")
            .updateType("data")
            .version("1.0.0")
            .url("b.json")
            .hashFunction(HashFunction.SHA256)
            .hashValue(SHA256)
            .size(1)
            .build();

    assertThatThrownBy(() -> Catalog.of(List.of(one, same)))
        .isInstanceOf(CatalogException.class)
        .hasMessage(
            "invalid catalog (in memory): 1 problem\n  releases[1].version: duplicates"
                + " releases[0] (app data 1): 1.0.0 and 1 are the same version");
  }
}
