package dev.appupdate.protocol;

import static dev.appupdate.protocol.TestDocs.assertRejected;
import static dev.appupdate.protocol.TestDocs.doc;
import static dev.appupdate.protocol.TestDocs.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/** ServerCodec writes and ClientCodec reads the {@code 200} answer to {@code POST /v1/update}. */
class UpdateResponseCodecTest {
  private static final String SHA512 = hex(HashFunction.SHA512, "important data v1");
  private static final String SHA256 = hex(HashFunction.SHA256, "important binary v2");

  private final ServerCodec server = ServerCodec.create();
  private final ClientCodec client = ClientCodec.create();

  /** A valid offer object, in single-quote notation, with {@code extra} members appended. */
  private static String offer(String type, String extra) {
    return "{'update_type':'" + type + "','url':'https://updates.example.com/" + type + "',"
        + "'hash_function':'sha512','hash_value':'" + SHA512 + "','size':1234,'version':'1.0'"
        + extra + "}";
  }

  /** A valid offer whose member {@code name} is replaced by {@code value}. */
  private static String offerWith(String name, String value) {
    String base = offer("data", "");
    String replaced =
        base.replaceFirst(
            "'" + name + "':('[^']*'|[0-9]+)", Matcher.quoteReplacement("'" + name + "':" + value));
    if (replaced.equals(base)) {
      throw new IllegalArgumentException(name);
    }
    return replaced;
  }

  private static byte[] response(String... offers) {
    return doc("{'available_updates':[" + String.join(",", offers) + "],'request_id':'r1'}");
  }

  private UpdateResponse decode(byte[] body) {
    return client.decodeUpdateResponse(body);
  }

  /** Decodes a response holding only {@code offer} and returns the one rejection it must cause. */
  private RejectedOffer rejectedAlone(String offer) {
    UpdateResponse r = decode(response(offer));
    assertThat(r.availableUpdates()).isEmpty();
    assertThat(r.rejected()).hasSize(1);
    return r.rejected().get(0);
  }

  private void assertOfferRejected(String offer, String field, String message) {
    assertThat(rejectedAlone(offer).errors()).containsExactly(new FieldError(field, message));
  }

  @Test
  void encodeThenDecode_offersWithEveryField_roundTrip() {
    AvailableUpdate data =
        AvailableUpdate.builder()
            .updateType("my_important_data")
            .url(URI.create("https://updates.example.com/data-1.0.json"))
            .hashFunction(HashFunction.SHA512)
            .hashValue(SHA512)
            .size(1234)
            .version("1.0")
            .mirrors(List.of(URI.create("https://mirror.example.net/data-1.0.json")))
            .critical(true)
            .build();
    AvailableUpdate blob =
        AvailableUpdate.builder()
            .updateType("my_important_binary_blob")
            .url(URI.create("http://127.0.0.1:8000/files/blob-2.0.zip"))
            .hashFunction(HashFunction.SHA256)
            .hashValue(SHA256)
            .size(0)
            .version("2.0b3")
            .build();

    UpdateResponse decoded =
        decode(server.encodeUpdateResponse(UpdateResponse.of(List.of(data, blob), "xyz321")));

    assertThat(decoded.requestId()).isEqualTo("xyz321");
    assertThat(decoded.availableUpdates()).containsExactly(data, blob);
    assertThat(decoded.rejected()).isEmpty();
  }

  @Test
  void encode_writesSnakeCaseNamesAndJsonTypes() {
    AvailableUpdate u =
        AvailableUpdate.builder()
            .updateType("t")
            .url(URI.create("https://a.example/x"))
            .hashFunction(HashFunction.SHA256)
            .hashValue(SHA256)
            .size(42)
            .version("1.0")
            .mirrors(List.of(URI.create("https://b.example/x")))
            .critical(true)
            .build();

    String json =
        new String(
            server.encodeUpdateResponse(UpdateResponse.of(List.of(u), "r-1")),
            StandardCharsets.UTF_8);

    assertThat(json)
        .isEqualTo(
            "{\"available_updates\":[{\"update_type\":\"t\",\"url\":\"https://a.example/x\","
                + "\"hash_function\":\"sha256\",\"hash_value\":\"" + SHA256 + "\",\"size\":42,"
                + "\"version\":\"1.0\",\"mirrors\":[\"https://b.example/x\"],\"critical\":true}],"
                + "\"request_id\":\"r-1\"}");
  }

  @Test
  void encode_withoutMirrorsAndNotCritical_omitsBoth() {
    AvailableUpdate u =
        AvailableUpdate.builder()
            .updateType("t")
            .url(URI.create("https://a.example/x"))
            .hashFunction(HashFunction.SHA256)
            .hashValue(SHA256)
            .size(1)
            .version("1")
            .build();

    String json =
        new String(
            server.encodeUpdateResponse(UpdateResponse.of(List.of(u), "r")),
            StandardCharsets.UTF_8);

    assertThat(json).doesNotContain("mirrors").doesNotContain("critical");
  }

  @Test
  void decode_unknownMembers_areIgnored() {
    UpdateResponse r =
        decode(
            doc(
                "{'available_updates':[" + offer("data", ",'signature':{'alg':'ed25519'}")
                    + "],'request_id':'r1','server_time':1700000000}"));

    assertThat(r.availableUpdates()).hasSize(1);
    assertThat(r.rejected()).isEmpty();
  }

  @Test
  void decode_nullMirrorsAndCritical_readAsDefaults() {
    AvailableUpdate u =
        decode(response(offer("data", ",'mirrors':null,'critical':null"))).availableUpdates().get(0);

    assertThat(u.mirrors()).isEmpty();
    assertThat(u.critical()).isFalse();
  }

  @Test
  void decode_oneInvalidOffer_keepsTheValidOnesAndReportsItSeparately() {
    UpdateResponse r =
        decode(
            response(
                offer("first", ""),
                offer("second", "").replace("'size':1234", "'size':-5"),
                offer("third", "")));

    assertThat(r.availableUpdates()).extracting(AvailableUpdate::updateType).containsExactly("first", "third");
    assertThat(r.rejected()).hasSize(1);
    RejectedOffer bad = r.rejected().get(0);
    assertThat(bad.index()).isEqualTo(1);
    assertThat(bad.updateType()).isEqualTo("second");
    assertThat(bad.version()).isEqualTo("1.0");
    assertThat(bad.errors())
        .containsExactly(new FieldError("available_updates[1].size", "must not be negative, got -5"));
    assertThat(bad.reason())
        .isEqualTo("invalid offer: available_updates[1].size: must not be negative, got -5");
  }

  @Test
  void decode_rejectedOfferReason_isAValidCompletionReason() {
    RejectedOffer bad = rejectedAlone(offerWith("url", "'" + "h".repeat(2100) + "'"));

    Outcome outcome = Outcome.failed("1.0", FailureCode.OTHER, bad.reason());

    assertThat(outcome.reason()).startsWith("invalid offer: available_updates[0].url: ");
  }

  @Test
  void decode_offerNotAnObject_isRejectedWithoutType() {
    UpdateResponse r = decode(response(offer("a", ""), "'just text'"));

    assertThat(r.availableUpdates()).hasSize(1);
    RejectedOffer bad = r.rejected().get(0);
    assertThat(bad.updateType()).isNull();
    assertThat(bad.version()).isNull();
    assertThat(bad.errors())
        .containsExactly(
            new FieldError("available_updates[1]", "must be a JSON object, got \"just text\""));
  }

  @Test
  void decode_updateTypeOfferedTwice_keepsTheFirstAndRejectsTheSecond() {
    UpdateResponse r = decode(response(offer("data", ""), offer("data", "")));

    assertThat(r.availableUpdates()).hasSize(1);
    assertThat(r.rejected()).hasSize(1);
    assertThat(r.rejected().get(0).index()).isEqualTo(1);
    assertThat(r.rejected().get(0).errors())
        .containsExactly(
            new FieldError(
                "available_updates[1].update_type",
                "update type data is offered more than once"));
  }

  @Test
  void decode_updateTypeOfferedTwiceFirstInvalid_rejectsBoth() {
    UpdateResponse r =
        decode(response(offer("data", "").replace("'size':1234", "'size':'big'"), offer("data", "")));

    assertThat(r.availableUpdates()).isEmpty();
    assertThat(r.rejected()).extracting(RejectedOffer::index).containsExactly(0, 1);
  }

  // ---- document-level rejections: the whole response is unusable ----

  @Test
  void decode_missingMembers_areAllListed() {
    assertThatThrownBy(() -> decode(doc("{}")))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e ->
                assertThat(e.errors())
                    .containsExactly(
                        new FieldError("available_updates", "is required"),
                        new FieldError("request_id", "is required")));
  }

  @Test
  void decode_availableUpdatesNotAnArray_isRejected() {
    assertRejected(
        () -> decode(doc("{'available_updates':{},'request_id':'r'}")),
        "available_updates",
        "must be a JSON array, got an object");
  }

  @Test
  void decode_availableUpdatesEmpty_isRejected() {
    assertRejected(
        () -> decode(doc("{'available_updates':[],'request_id':'r'}")),
        "available_updates",
        "must not be empty; a server with nothing to offer answers 204");
  }

  @Test
  void decode_requestIdWithUnsafeCharacters_isRejected() {
    assertRejected(
        () -> decode(doc("{'available_updates':[" + offer("a", "") + "],'request_id':'a/b'}")),
        "request_id",
        "must hold only URL-safe characters (letters, digits, '.', '_', '~', '-'), got \"a/b\"");
  }

  @Test
  void decode_requestIdOver200Characters_isRejected() {
    String id = "r".repeat(201);
    assertRejected(
        () -> decode(doc("{'available_updates':[" + offer("a", "") + "],'request_id':'" + id + "'}")),
        "request_id",
        "must be at most 200 characters, got 201");
  }

  // ---- offer-level rejections: one entry becomes a RejectedOffer ----

  @Test
  void decode_offerMissingMembers_areAllListed() {
    assertThat(rejectedAlone("{'critical':false}").errors())
        .extracting(FieldError::field)
        .containsExactly(
            "available_updates[0].update_type",
            "available_updates[0].url",
            "available_updates[0].hash_function",
            "available_updates[0].hash_value",
            "available_updates[0].size",
            "available_updates[0].version");
  }

  @Test
  void decode_offerInvalidUpdateType_isRejected() {
    assertOfferRejected(
        offerWith("update_type", "'my data'"),
        "available_updates[0].update_type",
        "must start with a letter or digit and hold only letters, digits, '.', '_' and '-',"
            + " got \"my data\"");
  }

  @Test
  void decode_offerRelativeUrl_isRejected() {
    assertOfferRejected(
        offerWith("url", "'/files/data.json'"),
        "available_updates[0].url",
        "must be an absolute http or https URL with a host, got \"/files/data.json\"");
  }

  @Test
  void decode_offerFtpUrl_isRejected() {
    assertOfferRejected(
        offerWith("url", "'ftp://example.com/data.json'"),
        "available_updates[0].url",
        "must be an absolute http or https URL with a host, got \"ftp://example.com/data.json\"");
  }

  @Test
  void decode_offerUrlWithoutHost_isRejected() {
    assertOfferRejected(
        offerWith("url", "'https:///data.json'"),
        "available_updates[0].url",
        "must be an absolute http or https URL with a host, got \"https:///data.json\"");
  }

  @Test
  void decode_offerUrlWithNonAsciiCharacter_isRejected() {
    assertOfferRejected(
        offerWith("url", "'https://example.com/d\u00fcnn.json'"),
        "available_updates[0].url",
        "must hold only printable ASCII characters (percent-encode others), got U+00FC at offset 21");
  }

  @Test
  void decode_offerUrlWithInvalidSyntax_isRejected() {
    assertOfferRejected(
        offerWith("url", "'https://example.com/a|b'"),
        "available_updates[0].url",
        "must be a valid URL (Illegal character in path at offset 21), got"
            + " \"https://example.com/a|b\"");
  }

  @Test
  void decode_offerUrlWithUnderscoreHost_isRejectedNamingTheHost() {
    assertOfferRejected(
        offerWith("url", "'https://my_host.example.com/d.json'"),
        "available_updates[0].url",
        "must have a host that is a DNS name, an IPv4 address or an IPv6 address in brackets, got"
            + " \"my_host.example.com\"");
  }

  @Test
  void decode_offerUrlWithUserInformation_isRejectedWithoutEchoingIt() {
    assertOfferRejected(
        offerWith("url", "'https://user:secret@example.com/d.json'"),
        "available_updates[0].url",
        "must not hold user information (user:password@) before the host");
  }

  @Test
  void decode_offerUrlWithPortNotDigits_isRejected() {
    assertOfferRejected(
        offerWith("url", "'https://example.com:8o/d.json'"),
        "available_updates[0].url",
        "must have a port of digits only, got \"8o\"");
  }

  @Test
  void decode_offerUrlWithBracketInQuery_isRejected() {
    assertOfferRejected(
        offerWith("url", "'https://example.com/d.json?a[]=1'"),
        "available_updates[0].url",
        "must percent-encode '[' and ']' outside an IPv6 host, got '[' in"
            + " \"https://example.com/d.json?a[]=1\"");
  }

  @Test
  void decode_offerUrlWithIpv6AndIpv4Hosts_isAccepted() {
    UpdateResponse r =
        decode(
            response(
                offer("a", "").replace("https://updates.example.com/a", "https://[::1]:8443/a"),
                offer("b", "").replace("https://updates.example.com/b", "http://10.0.0.1/b")));

    assertThat(r.rejected()).isEmpty();
    assertThat(r.availableUpdates()).extracting(u -> u.url().getHost()).containsExactly("[::1]", "10.0.0.1");
  }

  @Test
  void decode_offerUrlOver2048Characters_isRejected() {
    String url = "https://example.com/" + "a".repeat(2029);
    assertOfferRejected(
        offerWith("url", "'" + url + "'"),
        "available_updates[0].url",
        "must be at most 2048 characters, got 2049");
  }

  @Test
  void decode_offerHashFunctionMd5_isRejectedNamingTheAllowedOnes() {
    assertOfferRejected(
        offerWith("hash_function", "'md5'").replace(SHA512, hex(HashFunction.SHA256, "x")),
        "available_updates[0].hash_function",
        "unsupported hash function \"md5\"; allowed: sha256, sha384, sha512");
  }

  @Test
  void decode_offerHashFunctionSha1_isRejected() {
    assertOfferRejected(
        offerWith("hash_function", "'sha1'"),
        "available_updates[0].hash_function",
        "unsupported hash function \"sha1\"; allowed: sha256, sha384, sha512");
  }

  @Test
  void decode_offerHashValueOfWrongLength_isRejected() {
    assertOfferRejected(
        offerWith("hash_value", "'abc123'"),
        "available_updates[0].hash_value",
        "must be 128 lower-case hex digits for sha512, got 6 characters");
  }

  @Test
  void decode_offerHashValueUpperCase_isRejected() {
    String upper = "A" + SHA512.substring(1);
    assertOfferRejected(
        offerWith("hash_value", "'" + upper + "'"),
        "available_updates[0].hash_value",
        "must be lower-case hex digits, got 'A' at offset 0");
  }

  @Test
  void decode_offerHashValueOfAnotherFunction_isRejected() {
    assertOfferRejected(
        offerWith("hash_function", "'sha256'"),
        "available_updates[0].hash_value",
        "must be 64 lower-case hex digits for sha256, got 128 characters");
  }

  @Test
  void decode_offerNegativeSize_isRejected() {
    assertOfferRejected(
        offerWith("size", "-1"), "available_updates[0].size", "must not be negative, got -1");
  }

  @Test
  void decode_offerSizeWithFraction_isRejected() {
    assertOfferRejected(
        offerWith("size", "1234.0"),
        "available_updates[0].size",
        "must be an integer from 0 to 9223372036854775807, got 1234.0");
  }

  @Test
  void decode_offerSizeBeyondLong_isRejected() {
    assertOfferRejected(
        offerWith("size", "9223372036854775808"),
        "available_updates[0].size",
        "must be an integer from 0 to 9223372036854775807, got 9223372036854775808");
  }

  @Test
  void decode_offerSizeAsString_isRejected() {
    assertOfferRejected(
        offerWith("size", "'1234'"),
        "available_updates[0].size",
        "must be an integer from 0 to 9223372036854775807, got \"1234\"");
  }

  @Test
  void decode_offerIntegerVersion_isRejected() {
    assertOfferRejected(
        offerWith("version", "2"), "available_updates[0].version", "must be a string, got 2");
  }

  @Test
  void decode_offerInvalidVersion_isRejected() {
    assertOfferRejected(
        offerWith("version", "'2.0 final'"),
        "available_updates[0].version",
        "must hold only printable ASCII characters without spaces, got \"2.0 final\""
            + " with U+0020 at offset 3");
  }

  @Test
  void decode_offerMirrorsNotAnArray_isRejected() {
    assertOfferRejected(
        offer("data", ",'mirrors':'https://m.example/x'"),
        "available_updates[0].mirrors",
        "must be a JSON array, got \"https://m.example/x\"");
  }

  @Test
  void decode_offerMirrorNotAString_isRejected() {
    assertOfferRejected(
        offer("data", ",'mirrors':['https://m.example/x',7]"),
        "available_updates[0].mirrors[1]",
        "must be a string, got 7");
  }

  @Test
  void decode_offerMirrorInvalidUrl_isRejected() {
    assertOfferRejected(
        offer("data", ",'mirrors':['mirror.example/x']"),
        "available_updates[0].mirrors[0]",
        "must be an absolute http or https URL with a host, got \"mirror.example/x\"");
  }

  @Test
  void decode_offerCriticalNotBoolean_isRejected() {
    assertOfferRejected(
        offer("data", ",'critical':'yes'"),
        "available_updates[0].critical",
        "must be true or false, got \"yes\"");
  }

  @Test
  void encode_sameOffersAgain_givesTheBytesOfTheWholeTree() {
    AvailableUpdate plain =
        AvailableUpdate.builder()
            .updateType("data")
            .url(URI.create("https://updates.example.com/data"))
            .hashFunction(HashFunction.SHA512)
            .hashValue(SHA512)
            .size(1234)
            .version("1.0")
            .build();
    AvailableUpdate full =
        AvailableUpdate.builder()
            .updateType("binary")
            .url(URI.create("https://updates.example.com/b%C3%A4r?x=%22y%22&z=/"))
            .hashFunction(HashFunction.SHA256)
            .hashValue(SHA256)
            .size(1L << 40)
            .version("2.0b1")
            .mirrors(List.of(URI.create("https://mirror.example.com/binary")))
            .critical(true)
            .build();
    for (UpdateResponse r :
        List.of(
            UpdateResponse.of(List.of(plain, full), "id-1_a.b~c"),
            UpdateResponse.of(List.of(full), "id-2"),
            UpdateResponse.of(List.of(full, plain), "id-4"))) {
      byte[] first = server.encodeUpdateResponse(r);
      byte[] again = server.encodeUpdateResponse(r);

      assertThat(new String(first, StandardCharsets.UTF_8))
          .isEqualTo(new String(server.encodeTree(r), StandardCharsets.UTF_8));
      assertThat(again).isEqualTo(first);
      assertThat(decode(first).availableUpdates()).hasSameSizeAs(r.availableUpdates());
    }
  }
}
