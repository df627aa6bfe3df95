package dev.appupdate.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.appupdate.protocol.ReleaseSignature;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CatalogDocumentTest {
  private static final ReleaseSignature A = ReleaseSignature.of("0123456789abcdef", "A".repeat(86));
  private static final ReleaseSignature B = ReleaseSignature.of("fedcba9876543210", "Q".repeat(86));

  private static String rewrite(String json) {
    return new String(
        CatalogDocument.parse(json.getBytes(StandardCharsets.UTF_8)).toJson(),
        StandardCharsets.UTF_8);
  }

  @Test
  void numbers_areWrittenExactlyAsTheyWereWritten() {
    String out =
        rewrite(
            "{\"releases\": [], \"n\": [12.50, 1e1, -0, 1.0E+2, 0.000001,"
                + " 123456789012345678901234567890, 9223372036854775807]}");

    assertThat(out)
        .isEqualTo(
            "{\n  \"releases\": [],\n  \"n\": [12.50, 1e1, -0, 1.0E+2, 0.000001,"
                + " 123456789012345678901234567890, 9223372036854775807]\n}\n");
  }

  @Test
  void strings_keepTheirValueAndAreEscapedOnlyWhereJsonNeedsIt() {
    String out =
        rewrite(
            "{\"releases\": [], \"s\": [\"\\u0041\\/b\", \"\u00e9\\u00e9\", \"q\\\"b\\\\\","
                + " \"\\n\\t\\r\\b\\f\\u001f\", \"\\ud83d\\ude00\", \"\\ud800x\\udc00\"]}");

    assertThat(out)
        .isEqualTo(
            "{\n  \"releases\": [],\n  \"s\": [\"A/b\", \"\u00e9\u00e9\", \"q\\\"b\\\\\","
                + " \"\\n\\t\\r\\b\\f\\u001f\", \"\ud83d\ude00\", \"\\ud800x\\udc00\"]\n}\n");
  }

  @Test
  void layout_objectsOneMemberPerLineInTheirOrder_plainArraysAndPairsOnOneLine() {
    String out =
        rewrite(
            "{\"releases\":[{\"z\":1,\"a\":{\"m\":[\"x\"],\"e\":{}},\"t\":true,\"f\":false,"
                + "\"n\":null,\"p\":{\"k\":\"v\",\"w\":2},\"l\":[[1],{\"k\":1}]}]}");

    assertThat(out)
        .isEqualTo(
            "{\n"
                + "  \"releases\": [\n"
                + "    {\n"
                + "      \"z\": 1,\n"
                + "      \"a\": {\n"
                + "        \"m\": [\"x\"],\n"
                + "        \"e\": {}\n"
                + "      },\n"
                + "      \"t\": true,\n"
                + "      \"f\": false,\n"
                + "      \"n\": null,\n"
                + "      \"p\": {\"k\": \"v\", \"w\": 2},\n"
                + "      \"l\": [\n"
                + "        [1],\n"
                + "        {\"k\": 1}\n"
                + "      ]\n"
                + "    }\n"
                + "  ]\n"
                + "}\n");
    assertThat(rewrite(out)).as("a second pass changes nothing").isEqualTo(out);
  }

  @Test
  void setSignatures_replacesTheArrayInItsPlaceOrAppendsIt() {
    CatalogDocument doc =
        CatalogDocument.parse(
            ("{\"releases\": [{\"a\": 1, \"signatures\": [], \"b\": 2}, {\"a\": 1},"
                    + " {\"signatures\": null}]}")
                .getBytes(StandardCharsets.UTF_8));

    doc.setSignatures(0, List.of(A, B));
    doc.setSignatures(1, List.of(B));
    doc.setSignatures(2, List.of());

    String sa = "{\"key_id\": \"0123456789abcdef\", \"signature\": \"" + "A".repeat(86) + "\"}";
    String sb = "{\"key_id\": \"fedcba9876543210\", \"signature\": \"" + "Q".repeat(86) + "\"}";
    assertThat(new String(doc.toJson(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\n  \"releases\": [\n"
                + "    {\n      \"a\": 1,\n      \"signatures\": [\n        "
                + sa
                + ",\n"
                + "        "
                + sb
                + "\n      ],\n      \"b\": 2\n    },\n"
                + "    {\n      \"a\": 1,\n      \"signatures\": [\n        "
                + sb
                + "\n"
                + "      ]\n    },\n"
                + "    {\n      \"signatures\": []\n    }\n"
                + "  ]\n}\n");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"[]", "{}", "{\"releases\": {}}", "{\"releases\": [1]}", "{\"a\": 1} {}", "{"})
  void parse_notACatalogDocument_isRefused(String json) {
    assertThatThrownBy(() -> CatalogDocument.parse(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
