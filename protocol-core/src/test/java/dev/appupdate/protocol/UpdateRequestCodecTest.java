package dev.appupdate.protocol;

import static dev.appupdate.protocol.TestDocs.assertRejected;
import static dev.appupdate.protocol.TestDocs.doc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/** ClientCodec writes and ServerCodec reads the body of {@code POST /v1/update}. */
class UpdateRequestCodecTest {
  private final ServerCodec server = ServerCodec.create();
  private final ClientCodec client = ClientCodec.create();

  /** A valid request with {@code extra} members appended, in single-quote notation. */
  private static byte[] request(String extra) {
    return doc(
        "{'product':'your_app','version':'1.0','platform':'macOS','locale':'en-US'" + extra + "}");
  }

  /** A request whose required member {@code name} is replaced by {@code value}. */
  private static byte[] requestWith(String name, String value) {
    String base = "{'product':'your_app','version':'1.0','platform':'macOS','locale':'en-US'}";
    String replaced =
        base.replaceFirst(
            "'" + name + "':'[^']*'", Matcher.quoteReplacement("'" + name + "':" + value));
    if (replaced.equals(base)) {
      throw new IllegalArgumentException(name);
    }
    return doc(replaced);
  }

  private UpdateRequest decode(byte[] body) {
    return server.decodeUpdateRequest(body);
  }

  @Test
  void encodeThenDecode_everyField_roundTrips() {
    UpdateRequest request =
        UpdateRequest.builder("your_app", "60.0.1esr", "Windows", "de-CH")
            .channel("beta")
            .arch("x86_64")
            .osVersion("10.0.19045")
            .installationId("3f1c0a9e-5b7d-4c21-9e38-1a2b3c4d5e6f")
            .installed("blocklist", "2024.1")
            .installed("gecko_media_plugins", "4.10")
            .build();

    UpdateRequest decoded = decode(client.encodeUpdateRequest(request));

    assertThat(decoded).isEqualTo(request);
    assertThat(decoded.installed().keySet())
        .containsExactly("blocklist", "gecko_media_plugins");
  }

  @Test
  void encode_requiredFieldsOnly_writesSnakeCaseStringsAndTheDefaultChannel() {
    byte[] body = client.encodeUpdateRequest(UpdateRequest.of("your_app", "1.0", "macOS", "en-US"));

    assertThat(new String(body, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"product\":\"your_app\",\"version\":\"1.0\",\"platform\":\"macOS\","
                + "\"locale\":\"en-US\",\"channel\":\"release\"}");
  }

  @Test
  void encode_everyField_writesSnakeCaseNames() {
    UpdateRequest request =
        UpdateRequest.builder("p", "1", "Linux", "en")
            .arch("aarch64")
            .osVersion("6.1")
            .installationId("id-1")
            .installed("t", "2")
            .build();

    assertThat(new String(client.encodeUpdateRequest(request), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"product\":\"p\",\"version\":\"1\",\"platform\":\"Linux\",\"locale\":\"en\","
                + "\"channel\":\"release\",\"arch\":\"aarch64\",\"os_version\":\"6.1\","
                + "\"installation_id\":\"id-1\",\"installed\":{\"t\":\"2\"}}");
  }

  @Test
  void decode_withoutChannel_usesRelease() {
    assertThat(decode(request("")).channel()).isEqualTo("release");
  }

  @Test
  void decode_unknownMembers_areIgnored() {
    UpdateRequest r =
        decode(request(",'future_field':{'nested':[1,2,{'x':null}]},'another':3.25,'flag':true"));

    assertThat(r).isEqualTo(UpdateRequest.of("your_app", "1.0", "macOS", "en-US"));
  }

  @Test
  void decode_nullOptionalMembers_readAsAbsent() {
    UpdateRequest r =
        decode(
            request(
                ",'channel':null,'arch':null,'os_version':null,'installation_id':null,"
                    + "'installed':null"));

    assertThat(r).isEqualTo(UpdateRequest.of("your_app", "1.0", "macOS", "en-US"));
  }

  @Test
  void decode_integerVersion_readsItsDecimalText() {
    assertThat(decode(requestWith("version", "666")).version()).isEqualTo("666");
    assertThat(decode(requestWith("version", "99999999999999999999999")).version())
        .isEqualTo("99999999999999999999999");
  }

  @Test
  void decode_integerOsVersionAndInstalledVersions_readTheirDecimalText() {
    UpdateRequest r = decode(request(",'os_version':14,'installed':{'blocklist':7}"));

    assertThat(r.osVersion()).isEqualTo("14");
    assertThat(r.installed()).isEqualTo(Map.of("blocklist", "7"));
  }

  @Test
  void decode_everyBadField_isListedInDocumentOrder() {
    assertThatThrownBy(() -> decode(doc("{'version':1.5,'locale':'en_US','channel':''}")))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> {
              assertThat(e.document()).isEqualTo("update request");
              assertThat(e.errors())
                  .containsExactly(
                      new FieldError("product", "is required"),
                      new FieldError("version", "must be a string or an integer, got 1.5"),
                      new FieldError("platform", "is required"),
                      new FieldError(
                          "locale", "must be a BCP 47 language tag such as en-US, got \"en_US\""),
                      new FieldError("channel", "must not be empty"));
              assertThat(e.getMessage())
                  .startsWith(
                      "invalid update request: product: is required; version: must be a string");
            });
  }

  // ---- one test per rejection rule ----

  @Test
  void decode_missingProduct_isRejected() {
    assertRejected(
        () -> decode(doc("{'version':'1.0','platform':'macOS','locale':'en-US'}")),
        "product",
        "is required");
  }

  @Test
  void decode_nullRequiredMember_isRejectedAsWrongType() {
    assertRejected(
        () -> decode(requestWith("product", "null")), "product", "must be a string, got null");
  }

  @Test
  void decode_productNotAString_isRejected() {
    assertRejected(
        () -> decode(requestWith("product", "5")), "product", "must be a string, got 5");
  }

  @Test
  void decode_productWithSpace_isRejected() {
    assertRejected(
        () -> decode(requestWith("product", "'your app'")),
        "product",
        "must start with a letter or digit and hold only letters, digits, '.', '_' and '-',"
            + " got \"your app\"");
  }

  @Test
  void decode_productStartingWithDot_isRejected() {
    assertRejected(
        () -> decode(requestWith("product", "'.hidden'")),
        "product",
        "must start with a letter or digit and hold only letters, digits, '.', '_' and '-',"
            + " got \".hidden\"");
  }

  @Test
  void decode_emptyProduct_isRejected() {
    assertRejected(() -> decode(requestWith("product", "''")), "product", "must not be empty");
  }

  @Test
  void decode_productOver128Characters_isRejected() {
    assertRejected(
        () -> decode(requestWith("product", "'" + "p".repeat(129) + "'")),
        "product",
        "must be at most 128 characters, got 129");
  }

  @Test
  void decode_versionFraction_isRejected() {
    assertRejected(
        () -> decode(requestWith("version", "1.5")),
        "version",
        "must be a string or an integer, got 1.5");
  }

  @Test
  void decode_versionExponent_isRejectedQuotingTheNumberAsWritten() {
    assertRejected(
        () -> decode(requestWith("version", "1e3")),
        "version",
        "must be a string or an integer, got 1e3");
  }

  @Test
  void decode_versionWithFractionAndExponent_isQuotedAsWritten() {
    assertRejected(
        () -> decode(requestWith("version", "12.50E-1")),
        "version",
        "must be a string or an integer, got 12.50E-1");
  }

  @Test
  void decode_versionWithZeroFraction_isRejected() {
    assertRejected(
        () -> decode(requestWith("version", "1.0")),
        "version",
        "must be a string or an integer, got 1.0");
  }

  @Test
  void decode_versionBoolean_isRejected() {
    assertRejected(
        () -> decode(requestWith("version", "true")),
        "version",
        "must be a string or an integer, got true");
  }

  @Test
  void decode_versionObject_isRejected() {
    assertRejected(
        () -> decode(requestWith("version", "{'major':1}")),
        "version",
        "must be a string or an integer, got an object");
  }

  @Test
  void decode_emptyVersion_isRejected() {
    assertRejected(() -> decode(requestWith("version", "''")), "version", "must not be empty");
  }

  @Test
  void decode_versionWithSpace_isRejected() {
    assertRejected(
        () -> decode(requestWith("version", "'1.0 beta'")),
        "version",
        "must hold only printable ASCII characters without spaces, got \"1.0 beta\""
            + " with U+0020 at offset 3");
  }

  @Test
  void decode_versionNonAscii_isRejected() {
    assertRejected(
        () -> decode(requestWith("version", "'1.0\u03b2'")),
        "version",
        "must hold only printable ASCII characters without spaces, got \"1.0\u03b2\""
            + " with U+03B2 at offset 3");
  }

  @Test
  void decode_versionOver256Characters_isRejected() {
    assertRejected(
        () -> decode(requestWith("version", "'" + "1".repeat(257) + "'")),
        "version",
        "must be at most 256 characters, got 257");
  }

  @Test
  void decode_platformOnlySpaces_isRejected() {
    assertRejected(
        () -> decode(requestWith("platform", "'   '")), "platform", "must not be only spaces");
  }

  @Test
  void decode_platformWithControlCharacter_isRejected() {
    assertRejected(
        () -> decode(requestWith("platform", "'mac\\tOS'")),
        "platform",
        "must not contain control characters, got U+0009 at offset 3");
  }

  @Test
  void decode_platformWithUnpairedSurrogate_isRejected() {
    assertRejected(
        () -> decode(requestWith("platform", "'mac\\ud800'")),
        "platform",
        "must not contain an unpaired surrogate, got U+D800 at offset 3");
  }

  @Test
  void decode_platformOver128Characters_countsCodePoints() {
    String ok = "\ud83d\ude00".repeat(128);
    assertThat(decode(requestWith("platform", "'" + ok + "'")).platform()).isEqualTo(ok);
    assertRejected(
        () -> decode(requestWith("platform", "'" + ok + "x'")),
        "platform",
        "must be at most 128 characters, got 129");
  }

  @Test
  void decode_localeWithUnderscore_isRejected() {
    assertRejected(
        () -> decode(requestWith("locale", "'en_US'")),
        "locale",
        "must be a BCP 47 language tag such as en-US, got \"en_US\"");
  }

  @Test
  void decode_localeOver64Characters_isRejected() {
    String tag = "en" + "-abcdefgh".repeat(7);
    assertRejected(
        () -> decode(requestWith("locale", "'" + tag + "'")),
        "locale",
        "must be a BCP 47 language tag such as en-US, got \"" + tag + "\"");
  }

  @Test
  void decode_channelWithSpace_isRejected() {
    assertRejected(
        () -> decode(request(",'channel':'beta channel'")),
        "channel",
        "must start with a letter or digit and hold only letters, digits, '.', '_' and '-',"
            + " got \"beta channel\"");
  }

  @Test
  void decode_channelNotAString_isRejected() {
    assertRejected(
        () -> decode(request(",'channel':['beta']")), "channel", "must be a string, got an array");
  }

  @Test
  void decode_archNotAString_isRejected() {
    assertRejected(() -> decode(request(",'arch':true")), "arch", "must be a string, got true");
  }

  @Test
  void decode_osVersionFraction_isRejected() {
    assertRejected(
        () -> decode(request(",'os_version':14.5")),
        "os_version",
        "must be a string or an integer, got 14.5");
  }

  @Test
  void decode_installationIdWithSpace_isRejected() {
    assertRejected(
        () -> decode(request(",'installation_id':'my id'")),
        "installation_id",
        "must start with a letter or digit and hold only letters, digits, '.', '_' and '-',"
            + " got \"my id\"");
  }

  @Test
  void decode_installedNotAnObject_isRejected() {
    assertRejected(
        () -> decode(request(",'installed':['blocklist']")),
        "installed",
        "must be a JSON object, got an array");
  }

  @Test
  void decode_installedVersionBoolean_isRejected() {
    assertRejected(
        () -> decode(request(",'installed':{'blocklist':true}")),
        "installed.blocklist",
        "must be a string or an integer, got true");
  }

  @Test
  void decode_installedVersionNull_isRejected() {
    assertRejected(
        () -> decode(request(",'installed':{'blocklist':null}")),
        "installed.blocklist",
        "must be a string or an integer, got null");
  }

  @Test
  void decode_installedVersionInvalid_isRejected() {
    assertRejected(
        () -> decode(request(",'installed':{'blocklist':''}")),
        "installed.blocklist",
        "must not be empty");
  }

  @Test
  void decode_installedKeyInvalid_isRejectedWithTheKeyQuotedInItsPath() {
    assertRejected(
        () -> decode(request(",'installed':{'bad key':'1.0'}")),
        "installed[\"bad key\"]",
        "key must start with a letter or digit and hold only letters, digits, '.', '_' and '-',"
            + " got \"bad key\"");
  }

  @Test
  void decode_installedKeyWithDot_isQuotedSoThePathIsUnambiguous() {
    assertRejected(
        () -> decode(request(",'installed':{'org.blocklist':true}")),
        "installed[\"org.blocklist\"]",
        "must be a string or an integer, got true");
  }

  @Test
  void decode_installedKeyWithControlCharacter_isEscapedInItsPath() {
    assertRejected(
        () -> decode(request(",'installed':{'a\\u0000b':'1'}")),
        "installed[\"a\\u0000b\"]",
        "key must start with a letter or digit and hold only letters, digits, '.', '_' and '-',"
            + " got \"a\\u0000b\"");
  }

  @Test
  void decode_installedKeyOfThousandCharacters_isCutInItsPath() {
    String key = "k".repeat(999) + " ";
    ProtocolException e =
        catchThrowableOfType(
            ProtocolException.class,
            () -> decode(request(",'installed':{'" + key + "':'1'}")));

    assertThat(e.errors().get(0).field())
        .isEqualTo("installed[\"" + "k".repeat(77) + "...\"]");
  }

  @Test
  void decode_plainInstalledKey_keepsTheDottedPath() {
    assertRejected(
        () -> decode(request(",'installed':{'my_data-2':true}")),
        "installed.my_data-2",
        "must be a string or an integer, got true");
  }

  @Test
  void decode_localePrivateUseTag_isAccepted() {
    assertThat(decode(requestWith("locale", "'x-klingon'")).locale()).isEqualTo("x-klingon");
  }

  @Test
  void decode_localeIrregularGrandfatheredTag_isAccepted() {
    assertThat(decode(requestWith("locale", "'i-default'")).locale()).isEqualTo("i-default");
  }

  @Test
  void decode_localeWithPrivateUseSubtags_isAccepted() {
    assertThat(decode(requestWith("locale", "'en-US-x-twain'")).locale())
        .isEqualTo("en-US-x-twain");
  }

  @Test
  void decode_localeSingletonWithoutSubtag_isRejected() {
    assertRejected(
        () -> decode(requestWith("locale", "'x-'")),
        "locale",
        "must be a BCP 47 language tag such as en-US, got \"x-\"");
  }

  @Test
  void decode_localeOtherSingletonFirst_isRejected() {
    assertRejected(
        () -> decode(requestWith("locale", "'a-bc'")),
        "locale",
        "must be a BCP 47 language tag such as en-US, got \"a-bc\"");
  }

  @Test
  void decode_localePrivateUseSubtagOverEightCharacters_isRejected() {
    assertRejected(
        () -> decode(requestWith("locale", "'x-abcdefghi'")),
        "locale",
        "must be a BCP 47 language tag such as en-US, got \"x-abcdefghi\"");
  }

  @Test
  void decode_unknownMemberWithHugeExponent_isRejectedAsOutOfRange() {
    assertRejected(
        () -> decode(request(",'x':1e99999999999")),
        "x",
        "number out of range at line 1, column 79");
  }

  @Test
  void decode_versionWithTinyExponent_isRejectedAsOutOfRange() {
    assertRejected(
        () -> decode(requestWith("version", "1E-99999999999")),
        "version",
        "number out of range at line 1, column 33");
  }

  @Test
  void decode_numberWithLargeButRepresentableExponent_isAWrongTypeNotACrash() {
    assertRejected(
        () -> decode(requestWith("version", "1e999999999")),
        "version",
        "must be a string or an integer, got 1e999999999");
  }
}
