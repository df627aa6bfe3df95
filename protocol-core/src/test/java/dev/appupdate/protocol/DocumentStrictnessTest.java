package dev.appupdate.protocol;

import static dev.appupdate.protocol.TestDocs.assertRejected;
import static dev.appupdate.protocol.TestDocs.doc;
import static dev.appupdate.protocol.TestDocs.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Rules every decoder applies to the document as a whole, before looking at its fields. */
class DocumentStrictnessTest {
  private static final String VALID =
      "{\"product\":\"your_app\",\"version\":\"1.0\",\"platform\":\"macOS\",\"locale\":\"en-US\"}";

  private final ServerCodec server = ServerCodec.create();

  private UpdateRequest decode(byte[] body) {
    return server.decodeUpdateRequest(body);
  }

  @Test
  void emptyBody_isRejected() {
    assertRejected(() -> decode(new byte[0]), "$", "body is empty; expected a JSON object");
  }

  @Test
  void whitespaceOnlyBody_isRejected() {
    assertRejected(
        () -> decode(utf8(" \r\n\t ")), "$", "body holds no JSON value; expected a JSON object");
  }

  @Test
  void rootArray_isRejected() {
    assertRejected(() -> decode(utf8("[" + VALID + "]")), "$", "must be a JSON object, got an array");
  }

  @Test
  void rootString_isRejected() {
    assertRejected(() -> decode(utf8("\"{}\"")), "$", "must be a JSON object, got \"{}\"");
  }

  @Test
  void rootNull_isRejected() {
    assertRejected(() -> decode(utf8("null")), "$", "must be a JSON object, got null");
  }

  @Test
  void documentOverTheByteLimit_isRejected() {
    ServerCodec small = ServerCodec.create(new CodecLimits(80, 1024, 16));
    byte[] body = utf8(VALID.replace("}", ",\"pad\":\"" + "x".repeat(20) + "\"}"));

    assertRejected(
        () -> small.decodeUpdateRequest(body),
        "$",
        "document is " + body.length + " bytes, more than the limit of 80");
  }

  @Test
  void documentAtTheByteLimit_isAccepted() {
    ServerCodec exact = ServerCodec.create(new CodecLimits(VALID.length(), 1024, 16));

    assertThat(exact.decodeUpdateRequest(utf8(VALID)).product()).isEqualTo("your_app");
  }

  static Stream<Arguments> invalidUtf8() {
    return Stream.of(
        Arguments.of("lone continuation byte", new byte[] {(byte) 0x80}),
        Arguments.of("overlong '/'", new byte[] {(byte) 0xc0, (byte) 0xaf}),
        Arguments.of("overlong 3-byte", new byte[] {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}),
        Arguments.of("UTF-16 surrogate", new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}),
        Arguments.of("above U+10FFFF", new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}),
        Arguments.of("truncated sequence", new byte[] {(byte) 0xe2, (byte) 0x82}),
        Arguments.of("Latin-1 e-acute", new byte[] {(byte) 0xe9}),
        Arguments.of("byte 0xff", new byte[] {(byte) 0xff}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidUtf8")
  void invalidUtf8_isRejectedWithItsOffset(String what, byte[] bad) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] head = utf8("{\"product\":\"your_app\",\"platform\":\"mac");
    body.writeBytes(head);
    body.writeBytes(bad);
    body.writeBytes(utf8("\",\"version\":\"1\",\"locale\":\"en\"}"));

    assertRejected(
        () -> decode(body.toByteArray()), "$", "invalid UTF-8 at byte offset " + head.length);
  }

  static Stream<Arguments> wideEncodings() {
    return Stream.of(
        Arguments.of("UTF-16BE", 0),
        Arguments.of("UTF-16LE", 1),
        Arguments.of("UTF-32BE", 0),
        Arguments.of("UTF-32LE", 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wideEncodings")
  void utf16Or32WithoutByteOrderMark_isRejectedAtItsFirstNulByte(String charset, int nulOffset) {
    byte[] body = VALID.getBytes(java.nio.charset.Charset.forName(charset));

    assertRejected(
        () -> decode(body),
        "$",
        "NUL byte at byte offset " + nulOffset
            + ": the document must be UTF-8, not UTF-16 or UTF-32");
  }

  @Test
  void nulByteAfterTheDocument_isRejected() {
    assertRejected(
        () -> decode(utf8(VALID + "\0")),
        "$",
        "NUL byte at byte offset " + VALID.length()
            + ": the document must be UTF-8, not UTF-16 or UTF-32");
  }

  @Test
  void utf8ByteOrderMark_isIgnored() {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
    body.writeBytes(utf8(VALID));

    assertThat(decode(body.toByteArray()).product()).isEqualTo("your_app");
  }

  @Test
  void everyDecoder_rejectsUtf16() {
    ClientCodec client = ClientCodec.create();
    byte[] utf16 = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
    String nul = "NUL byte at byte offset 1: the document must be UTF-8, not UTF-16 or UTF-32";

    assertRejected(() -> server.decodeCompletionReport(utf16), "$", nul);
    assertRejected(() -> client.decodeUpdateResponse(utf16), "$", nul);
    assertRejected(() -> client.decodeProblem(utf16, 400), "$", nul);
  }

  @Test
  void everyDecoder_rejectsANumberOutOfRangeInAnUnknownMember() {
    ClientCodec client = ClientCodec.create();

    assertRejected(
        () -> server.decodeCompletionReport(utf8("{\"x\":1e99999999999}")),
        "x",
        "number out of range at line 1, column 6");
    assertRejected(
        () -> client.decodeUpdateResponse(utf8("{\"x\":[-1E-99999999999]}")),
        "x[0]",
        "number out of range at line 1, column 7");
    assertRejected(
        () -> client.decodeProblem(utf8("{\"status\":4e99999999999}"), 400),
        "status",
        "number out of range at line 1, column 11");
  }

  @Test
  void duplicateKeyThatIsNotAPlainName_isQuotedInThePath() {
    assertRejected(
        () -> decode(utf8(VALID.replace("}", ",\"a.b\":1,\"a.b\":2}"))),
        "[\"a.b\"]",
        "duplicate key at line 1, column 88");
  }

  @Test
  void validMultiByteUtf8_isAccepted() {
    assertThat(decode(utf8(VALID.replace("macOS", "\u00e9\u4e2d\ud83d\ude00"))).platform())
        .isEqualTo("\u00e9\u4e2d\ud83d\ude00");
  }

  @Test
  void singleQuotes_areRejectedAsMalformed() {
    assertRejected(
        () -> decode(utf8("{'product':'x'}")), "$", "malformed JSON at line 1, column 2");
  }

  @Test
  void trailingComma_isRejectedAsMalformed() {
    assertRejected(
        () -> decode(utf8(VALID.replace("}", ",}"))), "$", "malformed JSON at line 1, column 75");
  }

  @Test
  void comment_isRejectedAsMalformed() {
    assertRejected(
        () -> decode(utf8("{/* no */" + VALID.substring(1))), "$", "malformed JSON at line 1, column 2");
  }

  @Test
  void nonStandardNumber_isRejectedAsMalformed() {
    assertRejected(
        () -> decode(utf8(VALID.replace("\"1.0\"", "NaN"))), "$", "malformed JSON at line 1, column 36");
  }

  @Test
  void leadingZeroNumber_isRejectedAsMalformed() {
    assertRejected(
        () -> decode(utf8(VALID.replace("\"1.0\"", "007"))), "$", "malformed JSON at line 1, column 34");
  }

  @Test
  void truncatedDocument_isRejected() {
    assertRejected(
        () -> decode(utf8(VALID.substring(0, 40))), "$", "JSON ends too early at line 1, column 41");
  }

  @Test
  void duplicateKey_isRejectedWithItsPath() {
    assertRejected(
        () -> decode(utf8(VALID.replace("}", ",\"version\":\"2.0\"}"))),
        "version",
        "duplicate key at line 1, column 84");
  }

  @Test
  void duplicateNestedKey_isRejectedWithItsPath() {
    assertRejected(
        () -> decode(doc(VALID.replace("}", ",'installed':{'a':'1','a':'1'}}").replace('"', '\''))),
        "installed.a",
        "duplicate key at line 1, column 99");
  }

  @Test
  void duplicateKeyInUnknownMember_isRejected() {
    assertRejected(
        () -> decode(doc(VALID.replace("}", ",'x':[{'k':1,'k':2}]}").replace('"', '\''))),
        "x[0].k",
        "duplicate key at line 1, column 90");
  }

  @Test
  void secondDocumentAfterTheFirst_isRejected() {
    assertRejected(
        () -> decode(utf8(VALID + VALID)),
        "$",
        "unexpected content after the JSON document at line 1, column 75");
  }

  @Test
  void garbageAfterTheDocument_isRejected() {
    assertRejected(
        () -> decode(utf8(VALID + "\n x")),
        "$",
        "unexpected content after the JSON document at line 2, column 2");
  }

  @Test
  void trailingWhitespace_isAccepted() {
    assertThat(decode(utf8(VALID + " \r\n\t")).product()).isEqualTo("your_app");
  }

  /** A request with an unknown member holding {@code depth - 1} nested arrays. */
  private static byte[] nested(int depth) {
    return utf8(VALID.replace("}", ",\"x\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}"));
  }

  @Test
  void nestingAtTheLimit_isAccepted() {
    assertThat(decode(nested(16)).product()).isEqualTo("your_app");
  }

  @Test
  void nestingBeyondTheLimit_isRejectedWithItsPath() {
    assertRejected(
        () -> decode(nested(17)),
        "x" + "[0]".repeat(15),
        "nested deeper than 16 levels");
  }

  @Test
  void stringOverTheLimit_isRejectedWithItsPath() {
    ServerCodec small = ServerCodec.create(new CodecLimits(1 << 20, 10, 16));

    assertThat(small.decodeUpdateRequest(utf8(VALID.replace("macOS", "0123456789"))).platform())
        .hasSize(10);
    assertRejected(
        () -> small.decodeUpdateRequest(utf8(VALID.replace("macOS", "0123456789a"))),
        "platform",
        "string is longer than 10 UTF-16 code units");
  }

  @Test
  void stringLimit_countsUtf16CodeUnits_soAnEmojiCountsTwice() {
    ServerCodec small = ServerCodec.create(new CodecLimits(1 << 20, 10, 16));
    String fiveEmoji = "\ud83d\ude00".repeat(5);

    assertThat(small.decodeUpdateRequest(utf8(VALID.replace("macOS", fiveEmoji))).platform())
        .isEqualTo(fiveEmoji);
    assertRejected(
        () -> small.decodeUpdateRequest(utf8(VALID.replace("macOS", fiveEmoji + "a"))),
        "platform",
        "string is longer than 10 UTF-16 code units");
  }

  @Test
  void keyOverTheLimit_isRejected() {
    ServerCodec small = ServerCodec.create(new CodecLimits(1 << 20, 10, 16));

    assertRejected(
        () -> small.decodeUpdateRequest(utf8(VALID.replace("}", ",\"abcdefghijk\":1}"))),
        "$",
        "a key is longer than 10 UTF-16 code units");
  }

  @Test
  void numberOver100Characters_isRejected() {
    assertRejected(
        () -> decode(utf8(VALID.replace("\"1.0\"", "1" + "0".repeat(100)))),
        "version",
        "number is longer than 100 characters");
  }

  @Test
  void everyDecoder_appliesTheDocumentRules() {
    ClientCodec client = ClientCodec.create();
    byte[] duplicate = utf8("{\"a\":1,\"a\":2}");

    assertRejected(() -> server.decodeCompletionReport(duplicate), "a", "duplicate key at line 1, column 11");
    assertRejected(() -> client.decodeUpdateResponse(duplicate), "a", "duplicate key at line 1, column 11");
    assertRejected(() -> client.decodeProblem(duplicate, 400), "a", "duplicate key at line 1, column 11");
  }
}
